from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "baton.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from baton.notifications import jobs  # noqa: F401  (registers the delivery job)
