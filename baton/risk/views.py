"""Early-warning screens: the rule settings (each rule's switch and thresholds)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from baton.alerts.filters import category_label
from baton.authz.selectors import user_can
from baton.core.errors import BatonError
from baton.core.forms import form_add_service_error
from baton.core.policy import requires
from baton.core.views import BatonTemplateView
from baton.risk import registry
from baton.risk.forms import RuleSettingForm
from baton.risk.rules.base import Rule
from baton.risk.services import rule_config, rule_setting_update


@dataclass
class RuleRow:
    """One rule as a company has it: switched on or off, each threshold's current value."""

    rule: Rule
    enabled: bool
    values: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        rule = self.rule
        return {
            "code": rule.code,
            "title": str(rule.title),
            "description": str(rule.description),
            "category": rule.category,
            "severity": rule.severity,
            "enabled": self.enabled,
            "params": [
                {
                    "name": p.name,
                    "title": str(p.label),
                    "kind": p.kind,
                    "value": _plain(self.values.get(p.name, p.default)),
                    "default": _plain(p.default),
                    "minimum": _plain(p.minimum),
                    "maximum": _plain(p.maximum),
                }
                for p in rule.params
            ],
        }


def _plain(value: Any) -> Any:
    """Decimals as strings in JSON, never floats."""
    return str(value) if isinstance(value, Decimal) else value


def rule_row(*, company_id: int, rule: Rule) -> RuleRow:
    enabled, values = rule_config(company_id=company_id, rule=rule)
    return RuleRow(rule=rule, enabled=enabled, values=values)


def company_id_of(user: Any) -> int | None:
    employee = getattr(user, "employee", None)
    return employee.company_id if employee is not None else None


class RuleSettingListView(BatonTemplateView):
    """Every risk rule with its switch and thresholds for the viewer's company; saving one rule
    needs ``risk_rule.change``. Bad input comes back on that rule's form, as typed."""

    policy = requires("risk_rule", "view")
    write_policy = requires("risk_rule", "change")
    template_name = "risk/rules.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        company_id = company_id_of(self.request.user)
        bound: RuleSettingForm | None = kwargs.get("bound")
        rows = []
        for rule in registry.all_rules() if company_id is not None else []:
            row = rule_row(company_id=company_id, rule=rule)  # type: ignore[arg-type]
            if bound is not None and bound.rule.code == rule.code:
                form = bound
            else:
                form = RuleSettingForm(rule=rule, initial={"enabled": row.enabled, **row.values})
            rows.append({"row": row, "form": form, "category": category_label(rule.category)})
        ctx.update(
            rows=rows,
            has_company=company_id is not None,
            can_change=user_can(user=self.request.user, resource="risk_rule", action="change"),
        )
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        company_id = company_id_of(request.user)
        try:
            rule = registry.get(request.POST.get("rule", ""))
        except KeyError as exc:
            raise Http404 from exc
        if company_id is None:
            messages.error(request, _("This account has no employee record, so it belongs to no company."))
            return HttpResponseRedirect(reverse("risk:rule_list"))
        row = rule_row(company_id=company_id, rule=rule)
        form = RuleSettingForm(request.POST, rule=rule, initial={"enabled": row.enabled, **row.values})
        if form.is_valid():
            try:
                rule_setting_update(
                    actor=request.user,
                    company_id=company_id,
                    code=rule.code,
                    enabled=form.cleaned_data["enabled"],
                    params=form.changed_params(),
                )
            except BatonError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("The settings of %(rule)s were saved.") % {"rule": rule.code})
                return HttpResponseRedirect(f"{reverse('risk:rule_list')}#rule-{rule.code}")
        return self.render_to_response(self.get_context_data(bound=form))
