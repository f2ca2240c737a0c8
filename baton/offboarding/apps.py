from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffboardingConfig(AppConfig):
    name = "baton.offboarding"
    label = "offboarding"
    verbose_name = _("Offboarding")

    def ready(self) -> None:
        from baton.offboarding.scopes import register_resources

        register_resources()
        from baton.offboarding import jobs  # noqa: F401  (registers reminders and the last-day job)
