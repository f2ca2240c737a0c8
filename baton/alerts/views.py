"""The alert centre: every alert the viewer may see, filtered and counted; one alert with its
details and history; acknowledging, resolving or dismissing it with a note."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baton.alerts.filters import ACTIVE, STATUS_CHOICES, AlertFilterSet, alert_categories
from baton.alerts.forms import AlertTransitionForm
from baton.alerts.models import OPEN_STATUSES, SECURITY, Alert, AlertStatus
from baton.alerts.selectors import alerts_ordered_for, alerts_visible_to
from baton.alerts.services import alert_transition
from baton.audit.selectors import audit_events_for_object
from baton.audit.services import object_type_of
from baton.authz.selectors import user_can
from baton.core.policy import Policy
from baton.core.views import BatonTemplateView, ScopedObjectMixin, ServiceFormView

ALERTS_PER_PAGE = 50
FILTER_FIELDS = ("q", "severity", "rule", "team", "period")


@dataclass(frozen=True)
class AlertPolicy(Policy):
    """Holders of ``security_alert.<action>`` or ``risk_alert.<action>`` (at any scope): the
    alert centre is one page for both kinds; which rows each sees is the selector's business."""

    def allows(self, user: Any) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        return any(
            user_can(user=user, resource=r, action=self.action) for r in ("security_alert", "risk_alert")
        )


ALERT_VIEW = AlertPolicy("grant", "risk_alert", "view")
ALERT_CHANGE = AlertPolicy("grant", "risk_alert", "change")


def wants_partial(request: HttpRequest) -> bool:
    """An HTMX request for the table alone (not a history restore, which needs the page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


class AlertListView(BatonTemplateView):
    """Alerts in the viewer's scope: the viewer's team first, then newest; counts per status
    and per category; filters shared with the API."""

    policy = ALERT_VIEW
    template_name = "alerts/alert_list.html"
    partial_template_name = "alerts/_alert_table.html"

    def get_template_names(self) -> list[str]:
        return [self.partial_template_name if wants_partial(self.request) else self.template_name]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ("HX-Request",))
        return response

    def get_filterset(self) -> AlertFilterSet:
        data = self.request.GET.copy()
        status = data.get("status")
        if status is None:
            data["status"] = ACTIVE  # what still waits for someone
        elif status == "all":
            del data["status"]
        user = self.request.user
        visible = alerts_visible_to(user=user).select_related("team", "owner")
        return AlertFilterSet(
            data, queryset=alerts_ordered_for(user=user, queryset=visible), request=self.request
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        counts = filterset.counts()
        page = Paginator(filterset.qs, ALERTS_PER_PAGE).get_page(self.request.GET.get("page"))
        status = filterset.form.cleaned_data.get("status") or ""
        category = filterset.form.cleaned_data.get("category") or ""
        status_tabs = [(value, label, _status_count(counts, value)) for value, label in STATUS_CHOICES]
        category_tabs = [(code, label, counts["category"][code]) for code, label in alert_categories()]
        ctx.update(
            filterset=filterset,
            filter_fields=[filterset.form[name] for name in FILTER_FIELDS],
            counts=counts,
            status=status,
            category=category,
            tabs=status_tabs,
            category_tabs=[tab for tab in category_tabs if tab[2] or tab[0] == category],
            total=sum(counts["status"].values()),
            page_obj=page,
            alerts=page.object_list,
            hx_target="#alert-table",
        )
        return ctx


def _status_count(counts: dict[str, Any], value: str) -> int:
    if value == ACTIVE:
        return sum(counts["status"][s] for s in OPEN_STATUSES)
    return int(counts["status"][value])


class AlertDetailView(ScopedObjectMixin, ServiceFormView):
    """One alert: what the rule saw, who handled it and how; acknowledging, resolving or
    dismissing needs the change grant of the alert's kind, within its scope."""

    policy = ALERT_VIEW
    write_policy = ALERT_CHANGE
    template_name = "alerts/alert_detail.html"
    context_object_name = "alert"
    object: Alert

    def get_scoped_queryset(self) -> QuerySet[Alert]:
        policy = self.get_policy()
        action = policy.action if policy is not None else "view"
        return alerts_visible_to(user=self.request.user, action=action).select_related(
            "team", "owner", "company"
        )

    def get_form(self, data: Any = None) -> AlertTransitionForm:
        return AlertTransitionForm(data)

    def perform(self, form: AlertTransitionForm) -> HttpResponse:
        status = form.cleaned_data["status"]
        alert_transition(
            actor=self.request.user, alert=self.object, status=status, note=form.cleaned_data["note"]
        )
        messages.success(
            self.request, _("The alert is now %(status)s.") % {"status": AlertStatus(status).label}
        )
        back = self.request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={self.request.get_host()}):
            back = reverse("alerts:alert_detail", args=[self.object.pk])
        return HttpResponseRedirect(back)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        alert = self.object
        ctx.update(
            category_label=dict(alert_categories()).get(alert.category, alert.category),
            figures=detail_figures(alert.details),
            snippet=detail_snippet(alert.details),
            rule_title=_rule_title(alert.rule),
            history=alert_history(alert),
            can_change=alert.status in OPEN_STATUSES and self._may_change(alert),
            is_security=alert.category == SECURITY,
        )
        return ctx

    def _may_change(self, alert: Alert) -> bool:
        user = self.request.user
        if not ALERT_CHANGE.allows(user):
            return False
        return alerts_visible_to(user=user, action="change").filter(pk=alert.pk).exists()


class AlertTransitionView(AlertDetailView):
    """The earlier address of the transition form (``/alerts/<pk>/transition/``): POST only."""

    http_method_names = ["post"]


# --- Presenting what the rule saw -----------------------------------------------------------

# Keys rules put in ``details`` and what they are called on the page; others show humanised.
DETAIL_LABELS: dict[str, Any] = {
    "denied_in_window": gettext_lazy("Denied attempts in the window"),
    "window_seconds": gettext_lazy("Window (seconds)"),
    "window_days": gettext_lazy("Window (days)"),
    "share": gettext_lazy("Share"),
    "revenue_12m": gettext_lazy("Revenue, last 12 months"),
    "company_revenue_12m": gettext_lazy("Company revenue, last 12 months"),
    "customers": gettext_lazy("Customers"),
    "customer": gettext_lazy("Customer"),
    "employee": gettext_lazy("Employee"),
    "employee_no": gettext_lazy("Employee no."),
    "case": gettext_lazy("Offboarding case"),
    "months": gettext_lazy("Months"),
    "month": gettext_lazy("Month"),
    "orders": gettext_lazy("Orders"),
    "amount": gettext_lazy("Amount"),
    "falling": gettext_lazy("Falling in"),
    "complaints": gettext_lazy("Complaints"),
    "first_on": gettext_lazy("First"),
    "latest_on": gettext_lazy("Latest"),
    "added": gettext_lazy("Added"),
    "removed": gettext_lazy("Removed"),
    "primary_removed": gettext_lazy("Main contact removed"),
    "score": gettext_lazy("Score"),
    "previous_score": gettext_lazy("Previous score"),
    "phrase": gettext_lazy("Phrase found"),
    "matches": gettext_lazy("Every phrase found"),
    "category": gettext_lazy("Kind"),
    "field": gettext_lazy("Field"),
    "channel": gettext_lazy("Channel"),
    "interaction": gettext_lazy("Interaction"),
    "occurred_at": gettext_lazy("Occurred"),
    "signals": gettext_lazy("Signals"),
}
SNIPPET_KEYS = ("snippet", "excerpt")
PHRASE_KEYS = ("phrase", "phrases", "matches")
# How R10 marks the match inside its snippet (baton.risk.phrases).
MARKED = re.compile("【(.+?)】")


def _label(key: str) -> Any:
    return DETAIL_LABELS.get(key) or key.replace("_", " ").strip().capitalize()


def _figure(value: Any) -> str:
    """One value as a person reads it: thousands separated, dates local, lists joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        return f"{value:,.2f}"
    if isinstance(value, str):
        return _text_figure(value)
    if isinstance(value, list) and all(isinstance(v, dict) and "phrase" in v for v in value):
        return "、".join(dict.fromkeys(str(v["phrase"]) for v in value))
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return "、".join(_figure(v) for v in value)
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def _text_figure(value: str) -> str:
    if re.fullmatch(r"-?\d+\.\d+", value):
        try:
            return f"{Decimal(value):,.2f}"
        except InvalidOperation:
            return value
    moment = parse_datetime(value) if "T" in value else None
    if moment is not None:
        return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "Y-m-d H:i")
    return value


# Keys whose values are record numbers (shown as they are) or shares (shown as percentages).
ID_KEYS = frozenset({"customer", "interaction", "case", "revisit", "employee", "assignee", "user"})
SHARE_KEYS = frozenset({"share", "employee_share", "team_share"})


def _coded(key: str, value: Any) -> str | None:
    """A code stored in the details, in words (R10's phrase kind, channel and field)."""
    from baton.customers.models import InteractionChannel
    from baton.risk.models import PhraseCategory

    choices: dict[str, Any] = {
        "category": dict(PhraseCategory.choices),
        "channel": dict(InteractionChannel.choices),
        "field": {"content": gettext_lazy("Content"), "next_step": gettext_lazy("Next step")},
    }.get(key, {})
    label = choices.get(value) if isinstance(value, str) else None
    return str(label) if label is not None else None


def _keyed_figure(key: str, value: Any) -> str:
    if key in ID_KEYS and isinstance(value, int | str) and str(value).isdigit():
        return str(value)
    if key in SHARE_KEYS and isinstance(value, str | float | Decimal):
        try:
            return f"{Decimal(str(value)) * 100:.2f}%"
        except InvalidOperation:
            return str(value)
    return _coded(key, value) or _figure(value)


def detail_figures(details: dict[str, Any]) -> list[dict[str, Any]]:
    """The details as rows of (label, readable value); a list of records (R2's months) becomes
    a small table. The snippet is shown apart."""
    rows: list[dict[str, Any]] = []
    for key, value in details.items():
        if key in SNIPPET_KEYS:
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value) and key != "matches":
            columns = list(dict.fromkeys(k for record in value for k in record))
            rows.append(
                {
                    "label": _label(key),
                    "columns": [_label(c) for c in columns],
                    "records": [[_keyed_figure(c, record.get(c)) for c in columns] for record in value],
                }
            )
        else:
            rows.append({"label": _label(key), "value": _keyed_figure(key, value)})
    return rows


def _phrases(details: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for key in PHRASE_KEYS:
        value = details.get(key)
        items = value if isinstance(value, list) else [value]
        for item in items:
            phrase = item.get("phrase") if isinstance(item, dict) else item
            if isinstance(phrase, str) and phrase.strip():
                found.append(phrase)
    return sorted(set(found), key=len, reverse=True)


def detail_snippet(details: dict[str, Any]) -> SafeString | None:
    """The text a content rule (R10) matched, escaped, the match in ``<mark>``: the part the
    rule marked 【like this】, else every phrase it names."""
    snippet = next((details[k] for k in SNIPPET_KEYS if isinstance(details.get(k), str)), None)
    if not snippet:
        return None
    if MARKED.search(snippet):
        pattern = MARKED
    else:
        phrases = _phrases(details)
        if not phrases:
            return format_html("{}", snippet)
        pattern = re.compile("(" + "|".join(re.escape(p) for p in phrases) + ")", re.IGNORECASE)
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(snippet):
        parts.append(escape(snippet[last : match.start()]))
        parts.append(format_html("<mark>{}</mark>", match.group(1)))
        last = match.end()
    parts.append(escape(snippet[last:]))
    return mark_safe("".join(parts))  # noqa: S308  (every piece escaped above)


def _rule_title(code: str) -> Any:
    from baton.risk import registry

    try:
        return registry.get(code).title
    except KeyError:
        return ""


def alert_history(alert: Alert) -> list[dict[str, Any]]:
    """The alert's audit events, oldest first, as lines a person reads."""
    events = audit_events_for_object(object_type=object_type_of(alert), object_id=str(alert.pk))
    rows = []
    for event in reversed(list(events)):
        changes = event.changes or {}
        if event.action == "alert.status_changed":
            after = (changes.get("status") or {}).get("after", "")
            label = _("Status changed to %(status)s") % {
                "status": AlertStatus(after).label if after in AlertStatus.values else after
            }
        elif event.action == "alert.raised":
            label = _("Raised by rule %(rule)s") % {"rule": changes.get("rule", alert.rule)}
        else:
            label = event.action
        rows.append({"event": event, "label": label, "note": changes.get("note", "")})
    return rows
