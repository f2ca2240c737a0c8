from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "baton.alerts"
    label = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from baton.authz import registry
        from baton.authz.models import Action

        registry.register(
            registry.Resource(
                code="security_alert",
                label=_("Security alerts"),
                actions=(Action.VIEW, Action.CHANGE),
                scoped=False,
                default_grants={"admin": {"view": "company", "change": "company"}},
            )
        )
