"""Base classes for the server-rendered UI. Every page view derives from ``BatonView``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.generic import TemplateView
from django.views.generic.base import ContextMixin, View

from baton.core.policy import AUTHENTICATED, Policy, deny, get_in_scope


class BatonViewMixin(View):
    """Checks the view's ``policy`` before anything else runs."""

    policy: Policy | None = None
    # Pages that show customer or personal data carry the viewer's watermark.
    watermark = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        policy = self.policy
        if policy is None:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no policy")
        if policy.kind != "public" and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not policy.allows(request.user):
            deny(user=request.user, policy=policy)
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class BatonTemplateView(BatonViewMixin, TemplateView):
    policy = AUTHENTICATED


class ScopedObjectMixin(BatonViewMixin, ContextMixin):
    """Loads ``self.object`` through the resource's scoped selector (404 when out of scope)."""

    context_object_name = "object"

    def get_scoped_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_object(self) -> Model:
        assert self.policy is not None
        return get_in_scope(
            self.get_scoped_queryset(), user=self.request.user, resource=self.policy.resource,
            action=self.policy.action, pk=self.kwargs["pk"],
        )

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx[self.context_object_name] = self.object  # type: ignore[attr-defined]
        return ctx
