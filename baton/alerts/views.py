"""Security alerts: the list by status, and acknowledging, resolving or dismissing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from baton.alerts.forms import AlertTransitionForm
from baton.alerts.models import Alert, AlertStatus
from baton.alerts.selectors import alert_counts_by_status, alerts_visible_to
from baton.alerts.services import alert_transition
from baton.authz.selectors import user_can
from baton.core.errors import BatonError
from baton.core.policy import requires
from baton.core.views import BatonTemplateView, ScopedObjectMixin

ALERTS_PER_PAGE = 50


class AlertListView(BatonTemplateView):
    """Alerts by status (open ones first by default), with a count per status."""

    policy = requires("security_alert", "view")
    template_name = "alerts/alert_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        status = self.request.GET.get("status", AlertStatus.OPEN)
        alerts = alerts_visible_to(user=user).order_by("-raised_at", "-id")
        if status in AlertStatus.values:
            alerts = alerts.filter(status=status)
        else:
            status = ""
        counts = alert_counts_by_status(user=user)
        page = Paginator(alerts, ALERTS_PER_PAGE).get_page(self.request.GET.get("page"))
        ctx.update(
            status=status,
            page_obj=page,
            alerts=page.object_list,
            form=AlertTransitionForm(),
            tabs=[(value, label, counts[value]) for value, label in AlertStatus.choices],
            total=sum(counts.values()),
            can_change=user_can(user=user, resource="security_alert", action="change"),
        )
        return ctx


class AlertTransitionView(ScopedObjectMixin):
    """Acknowledge, resolve or dismiss one alert, with a note."""

    policy = requires("security_alert", "change")
    http_method_names = ["post"]
    object: Alert

    def get_scoped_queryset(self) -> QuerySet[Alert]:
        return alerts_visible_to(user=self.request.user)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = AlertTransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose what to do with the alert."))
        else:
            try:
                alert_transition(
                    actor=request.user,
                    alert=self.object,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                )
            except BatonError as exc:
                problems = [str(m) for ms in exc.fields.values() for m in ms] or [str(exc.message)]
                messages.error(request, " ".join(problems))
            else:
                messages.success(
                    request,
                    _("The alert is now %(status)s.")
                    % {"status": AlertStatus(form.cleaned_data["status"]).label},
                )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("alerts:alert_list")
        return HttpResponseRedirect(back)
