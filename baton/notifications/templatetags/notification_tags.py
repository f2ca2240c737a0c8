"""The bell in the page header: a link to your notifications with the unread count."""

from __future__ import annotations

from typing import Any

from django import template

from baton.notifications.selectors import notifications_unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context: template.Context, oob: bool = False) -> dict[str, Any]:
    """One COUNT query; nothing for an anonymous visitor."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    count = notifications_unread_count(user=user) if getattr(user, "is_authenticated", False) else 0
    return {"unread_count": count, "oob": oob}
