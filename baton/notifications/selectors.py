"""Reading notifications: a person only ever sees their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from baton.notifications.models import Notification


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first (none for an anonymous visitor)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def notifications_unread_count(*, user: Any) -> int:
    """How many of the user's notifications they have not read yet (the number on the bell)."""
    return notifications_for(user=user).filter(read_at__isnull=True).count()
