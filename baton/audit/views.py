"""The audit log pages: search the trail, one object's history, and verify the chain."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from baton.audit.filters import AuditEventFilterSet
from baton.audit.selectors import audit_events_for_object, audit_events_visible_to
from baton.audit.services import audit_chain_verify
from baton.authz.selectors import user_can
from baton.core.policy import requires
from baton.core.views import BatonTemplateView, BatonViewMixin

EVENTS_PER_PAGE = 50


def _is_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


class AuditEventListView(BatonTemplateView):
    """Search the audit trail, newest first. Times show in Asia/Shanghai."""

    policy = requires("audit", "view")
    template_name = "audit/event_list.html"
    partial_template_name = "audit/_event_results.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        # The trail is not scoped data: holders of audit.view see all of it.
        filterset = AuditEventFilterSet(
            self.request.GET, queryset=audit_events_visible_to(user=self.request.user)
        )
        page = Paginator(filterset.qs, EVENTS_PER_PAGE).get_page(self.request.GET.get("page"))
        ctx.update(
            filterset=filterset,
            page_obj=page,
            events=page.object_list,
            hx_target="#audit-results",
            can_verify=user_can(user=self.request.user, resource="audit", action="verify"),
        )
        return ctx

    def get_template_names(self) -> list[str]:
        return [self.partial_template_name if _is_partial(self.request) else self.template_name]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ("HX-Request",))
        return response


class ObjectHistoryView(BatonTemplateView):
    """Everything the trail holds about one object."""

    policy = requires("audit", "view")
    template_name = "audit/object_history.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        events = audit_events_for_object(
            object_type=self.kwargs["object_type"], object_id=self.kwargs["object_id"]
        )
        page = Paginator(events, EVENTS_PER_PAGE).get_page(self.request.GET.get("page"))
        ctx.update(
            object_type=self.kwargs["object_type"],
            object_id=self.kwargs["object_id"],
            page_obj=page,
            events=page.object_list,
        )
        return ctx


class AuditVerifyView(BatonViewMixin):
    """Recompute the whole chain now; the check itself is recorded as ``audit.verified``."""

    policy = requires("audit", "verify")
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        result = audit_chain_verify(actor=request.user)
        if _is_partial(request):
            return render(request, "audit/_verify_result.html", {"result": result})
        if result.ok:
            messages.success(
                request, _("The audit trail is intact: %(count)d events checked.") % {"count": result.count}
            )
        else:
            messages.error(
                request,
                _("The audit trail is broken at event %(seq)s: %(reason)s")
                % {"seq": result.first_bad_seq, "reason": result.reason},
            )
        return redirect("audit:event_list")
