"""The user's own notifications: the list, and marking one or all of them read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext

from baton.core.policy import AUTHENTICATED, get_in_scope
from baton.core.views import BatonTemplateView, BatonViewMixin
from baton.notifications.filters import NotificationFilterSet
from baton.notifications.models import Notification
from baton.notifications.selectors import notifications_for
from baton.notifications.services import notification_read, notifications_read_all

NOTIFICATIONS_PER_PAGE = 50


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def _back(request: HttpRequest) -> str:
    """Where to go after a POST: ``next`` when it stays on this site, else the list."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return reverse("notifications:notification_list")


class NotificationListView(BatonTemplateView):
    """Your notifications, newest first, unread ones highlighted, 50 a page."""

    policy = AUTHENTICATED
    template_name = "notifications/notification_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        filterset = NotificationFilterSet(
            self.request.GET, queryset=notifications_for(user=self.request.user)
        )
        page = Paginator(filterset.qs, NOTIFICATIONS_PER_PAGE).get_page(self.request.GET.get("page"))
        ctx.update(
            page_obj=page,
            notifications=page.object_list,
            unread_only=self.request.GET.get("unread") == "true",
        )
        return ctx


class NotificationReadView(BatonViewMixin):
    """Mark one of your notifications read; with ``open`` go on to its link.

    Someone else's notification answers 404, like a missing one. An HTMX request gets the
    item back as read, and the bell with its new count.
    """

    policy = AUTHENTICATED
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        notification: Notification = get_in_scope(
            notifications_for(user=request.user),
            user=request.user,
            resource="notification",
            action="read",
            pk=kwargs["pk"],
        )
        notification_read(actor=request.user, notification=notification)
        if request.POST.get("open") and notification.link:
            return HttpResponseRedirect(notification.link)  # a path inside Baton, checked by notify
        if _is_htmx(request):
            return render(request, "notifications/_notification_read.html", {"notification": notification})
        return HttpResponseRedirect(_back(request))


class NotificationsReadAllView(BatonViewMixin):
    """Mark all your notifications read."""

    policy = AUTHENTICATED
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        count = notifications_read_all(actor=request.user)
        messages.success(
            request,
            ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
            % {"count": count},
        )
        return HttpResponseRedirect(reverse("notifications:notification_list"))
