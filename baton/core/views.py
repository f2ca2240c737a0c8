"""Base classes for the server-rendered UI. Every page view derives from ``BatonViewMixin``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.generic import TemplateView
from django.views.generic.base import ContextMixin, View

from baton.core.errors import BatonError
from baton.core.forms import form_add_service_error
from baton.core.policy import AUTHENTICATED, Policy, deny, get_in_scope

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class BatonViewMixin(View):
    """Checks the view's ``policy`` before anything else runs."""

    policy: Policy | None = None
    # A stricter policy for writes (POST, PUT, PATCH, DELETE) to the same URL, such as a
    # page anyone with "view" may open but only "change" may save.
    write_policy: Policy | None = None
    # Pages that show customer or personal data carry the viewer's watermark.
    watermark = True

    def get_policy(self) -> Policy | None:
        if self.write_policy is not None and self.request.method not in SAFE_METHODS:
            return self.write_policy
        return self.policy

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        policy = self.get_policy()
        if policy is None:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no policy")
        if policy.kind != "public" and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not policy.allows(request.user):
            deny(user=request.user, policy=policy)
            raise PermissionDenied
        self.prepare()
        return super().dispatch(request, *args, **kwargs)

    def prepare(self) -> None:
        """Runs once the policy allows the request, before the handler (loads objects)."""


class ServiceFormView(TemplateView):
    """A page with one form whose POST calls one service.

    Subclasses give ``get_form(data)`` and ``perform(form)``: ``perform`` calls the service
    and returns the response (a redirect after a success message, usually). A refusal from
    the service (``BatonError``) shows on the form, and nothing is saved.
    """

    def get_form(self, data: Any = None) -> forms.Form:
        raise NotImplementedError

    def perform(self, form: Any) -> HttpResponse:
        raise NotImplementedError

    def invalid_context(self, form: Any) -> dict[str, Any]:
        """Extra context when the form comes back with errors."""
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                return self.perform(form)
            except BatonError as exc:
                form_add_service_error(form, exc)
        return self.render_to_response(self.get_context_data(form=form, **self.invalid_context(form)))


class BatonTemplateView(BatonViewMixin, TemplateView):
    policy = AUTHENTICATED


class ScopedObjectMixin(ContextMixin, BatonViewMixin):
    """Loads ``self.object`` through the resource's scoped selector (404 when out of scope)."""

    context_object_name = "object"
    object: Any

    def get_scoped_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_object(self) -> Any:
        policy = self.get_policy()
        assert policy is not None
        return get_in_scope(
            self.get_scoped_queryset(),
            user=self.request.user,
            resource=policy.resource,
            action=policy.action,
            pk=self.kwargs["pk"],
        )

    def prepare(self) -> None:
        super().prepare()
        self.object = self.get_object()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx[self.context_object_name] = self.object
        return ctx


class DashboardView(BatonTemplateView):
    """The start page: who you are, your roles, and what needs your attention."""

    template_name = "core/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from baton.alerts.selectors import alerts_most_urgent_for, alerts_open_count, alerts_visible_to
        from baton.alerts.views import ALERT_VIEW
        from baton.authz.selectors import roles_of

        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["roles"] = list(roles_of(user=user))
        ctx["employee"] = getattr(user, "employee", None)
        if ALERT_VIEW.allows(user):
            # Two queries: the count, and the five most urgent (team / management first).
            ctx["open_alert_count"] = alerts_open_count(user=user)
            visible = alerts_visible_to(user=user).select_related("team", "owner")
            ctx["urgent_alerts"] = list(alerts_most_urgent_for(user=user, queryset=visible)[:5])
        return ctx
