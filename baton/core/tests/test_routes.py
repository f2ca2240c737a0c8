"""Every route declares who may reach it; a route without a policy fails this test."""

from django.urls import URLPattern, URLResolver, get_resolver

from baton.authz import registry
from baton.core.api.viewsets import ScopedViewSet
from baton.core.policy import Policy


def _patterns(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def _policy_of(callback):
    if isinstance(getattr(callback, "policy", None), Policy):
        return "function"
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return None
    if isinstance(view_class, type) and issubclass(view_class, ScopedViewSet):
        registry.get(view_class.resource)  # KeyError for an unregistered resource
        return "viewset"
    if isinstance(getattr(view_class, "policy", None), Policy):
        return "class"
    return None


def test_every_route_declares_a_policy():
    missing = [route for route, callback in _patterns(get_resolver()) if _policy_of(callback) is None]
    assert missing == [], f"routes without a policy: {missing}"


def test_the_check_itself_notices_a_route_without_policy():
    def naked_view(request):
        return None

    assert _policy_of(naked_view) is None
