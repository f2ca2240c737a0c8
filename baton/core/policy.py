"""Route policies and the shared enforcement used by every UI view and API endpoint.

Each view declares ``policy``: public, any signed-in user, or a (resource, action) grant.
``baton.core.tests.test_routes`` fails for a route that declares none. Object look-ups go
through ``get_in_scope``, so an object outside the caller's scope answers 404 exactly like
a missing one, and the attempt is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from baton.authz.selectors import user_can
from baton.authz.services import access_denied_record

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Policy:
    kind: str  # "public" | "authenticated" | "grant"
    resource: str = ""
    action: str = ""

    def allows(self, user: Any) -> bool:
        if self.kind == "public":
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        return self.kind == "authenticated" or user_can(user=user, resource=self.resource, action=self.action)


PUBLIC = Policy("public")
AUTHENTICATED = Policy("authenticated")


def requires(resource: str, action: str = "view") -> Policy:
    return Policy("grant", resource, action)


def deny(*, user: Any, policy: Policy, object_id: str = "", reason: str = "no_permission") -> None:
    access_denied_record(
        user=user,
        resource=policy.resource or "-",
        action=policy.action or "-",
        object_id=object_id,
        reason=reason,
    )


def get_in_scope(queryset: QuerySet[M], *, user: Any, resource: str, action: str, **lookup: Any) -> M:
    """The object matching ``lookup`` inside the scoped ``queryset``, or Http404.

    When the object exists but lies outside the scope, the attempt is audited first; the
    answer is the same 404 either way.
    """
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        pass
    try:
        exists = queryset.model._default_manager.filter(**lookup).exists()
    except (ValueError, TypeError):
        exists = False
    if exists:
        object_id = str(lookup.get("pk", next(iter(lookup.values()), "")))
        access_denied_record(
            user=user, resource=resource, action=action, object_id=object_id, reason="out_of_scope"
        )
    raise Http404


def public_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a function view (often a third-party one) as public."""
    view.policy = PUBLIC  # type: ignore[attr-defined]
    return view
