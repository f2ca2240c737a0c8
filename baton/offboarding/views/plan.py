"""The transfer planner: choose where each customer goes, preview it, then execute it once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baton.core.errors import BatonError
from baton.core.forms import form_add_service_error
from baton.core.policy import requires
from baton.customers.views.common import wants_partial
from baton.offboarding.forms import ExecuteForm, PlanForm
from baton.offboarding.models import Strategy, TransferLine, TransferPlan
from baton.offboarding.people import team_lead_of
from baton.offboarding.recommend import successors_recommended
from baton.offboarding.selectors import leaver_customers
from baton.offboarding.services import plan_execute, plan_preview, plan_save
from baton.offboarding.services.transfer import Line
from baton.offboarding.views.common import CaseFormView
from baton.org.selectors import employees_visible_to


def totals(lines: list[Any]) -> dict[str, Any]:
    return {
        "customers": len(lines),
        "revenue_12m": sum((x.revenue_12m for x in lines), Decimal("0")),
        "open_orders": sum(x.open_orders for x in lines),
        "receivables_open": sum((x.receivables_open for x in lines), Decimal("0")),
    }


class PlanView(CaseFormView):
    """HR or the department head plans the transfer. Every change of the form saves the plan and
    re-renders the preview (HTMX); without JavaScript the Preview button does the same."""

    policy = requires("offboarding_case", "change")
    template_name = "offboarding/plan.html"
    title = gettext_lazy("Transfer plan")

    def prepare(self) -> None:
        super().prepare()
        self.plan = TransferPlan.objects.filter(case=self.object).select_related("successor").first()
        self.recommendations = successors_recommended(case=self.object) if not self.executed else []

    @property
    def executed(self) -> bool:
        return self.plan is not None and self.plan.executed_at is not None

    def get_template_names(self) -> list[str]:
        partial = wants_partial(self.request) and self.request.method == "POST"
        return ["offboarding/_plan_preview.html" if partial else self.template_name]

    def candidates(self) -> list[Any]:
        people = {r.employee.pk: r.employee for r in self.recommendations}
        lead = team_lead_of(self.object.employee)
        if lead is not None:
            people.setdefault(lead.pk, lead)
        if self.plan is not None and self.plan.successor is not None:
            people.setdefault(self.plan.successor.pk, self.plan.successor)
        return list(people.values())

    def get_form(self, data: Any = None) -> PlanForm:
        customers = list(leaver_customers(case=self.object).values_list("pk", "name"))
        initial: dict[str, Any] = {"strategy": Strategy.ONE_SUCCESSOR}
        if self.plan is not None:
            initial = {
                "strategy": self.plan.strategy,
                "successor": self.plan.successor_id,
                "rest_to": self.plan.rest_to,
                **PlanForm.initial_overrides(self.plan.overrides),
            }
        elif self.recommendations:
            initial["successor"] = self.object.successor_id or self.recommendations[0].employee.pk
        return PlanForm(
            data,
            initial=initial,
            employees=employees_visible_to(user=self.request.user),
            case=self.object,
            customers=customers,
            candidates=self.candidates(),
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ("HX-Request",))
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.update(plan=self.plan, executed=self.executed, recommendations=self.recommendations)
        if self.executed:
            assert self.plan is not None
            lines = list(
                TransferLine.objects.filter(plan=self.plan)
                .select_related("customer", "to_employee", "to_pool")
                .order_by("customer__name", "pk")
            )
            ctx.update(executed_lines=lines, totals=totals(lines), summary=self.plan.summary)
            return ctx
        form, lines = ctx["form"], self._preview(ctx["form"])
        fields = {name: form[name] for name in form.fields if name.startswith("o_")}
        ctx["rows"] = [{"line": x, "field": fields.get(f"o_{x.customer_id}")} for x in lines]
        ctx["totals"] = totals(lines)
        ctx.setdefault("execute_form", ExecuteForm(auto_id="execute-%s"))
        return ctx

    def _preview(self, form: PlanForm) -> list[Any]:
        try:
            return plan_preview(case=self.object)
        except BatonError as exc:
            form_add_service_error(form, exc)
        # The figures without destinations, so the table still shows what is at stake.
        customers: Any = leaver_customers(case=self.object)
        return [
            Line(
                customer_id=c.pk,
                name=c.name,
                is_key_account=c.is_key_account,
                revenue_12m=Decimal(c.revenue_12m),
                open_orders=int(c.open_orders),
                receivables_open=Decimal(c.receivables_open),
                contracts_in_force=int(c.contracts_in_force),
                destination="",
            )
            for c in customers
        ]

    def perform(self, form: PlanForm) -> HttpResponse:
        data = form.cleaned_data
        self.plan = plan_save(
            actor=self.request.user,
            case=self.object,
            strategy=data["strategy"],
            successor=data["successor"],
            rest_to=data["rest_to"],
            overrides=form.overrides(),
        )
        if wants_partial(self.request):
            return self.render_to_response(self.get_context_data(form=form, saved=True))
        messages.success(self.request, _("The plan was saved."))
        return redirect("offboarding:plan", pk=self.object.pk)


class PlanExecuteView(CaseFormView):
    """Execute the saved plan, after ticking the confirmation."""

    policy = requires("offboarding_case", "change")
    title = gettext_lazy("Execute the transfer")
    http_method_names = ["post"]

    def get_form(self, data: Any = None) -> ExecuteForm:
        return ExecuteForm(data)

    def call_service(self, form: ExecuteForm) -> str:
        plan, moved = plan_execute(actor=self.request.user, case=self.object)
        if not moved:
            return _("The plan had been executed already; nothing was moved twice.")
        return _("%(n)d customers and their open work were transferred.") % {
            "n": plan.summary.get("customers", 0)
        }

    def success_response(self) -> HttpResponse:
        return redirect("offboarding:plan", pk=self.object.pk)
