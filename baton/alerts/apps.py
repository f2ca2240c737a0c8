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
        from baton.alerts.scopes import RISK_ALERT_SCOPES

        C, D, T, OWN = "company", "department", "team", "own"
        registry.register(
            registry.Resource(
                code="risk_alert",
                label=_("Risk alerts (churn, concentration, compliance, departures)"),
                actions=(Action.VIEW, Action.CHANGE),
                scoped=True,
                scope_rule=RISK_ALERT_SCOPES,
                default_grants={
                    "admin": {"view": C, "change": C},
                    "management": {"view": C, "change": C},
                    "department_head": {"view": D, "change": D},
                    "team_lead": {"view": T, "change": T},
                    "sales": {"view": OWN, "change": OWN},
                    "hr": {"view": C},
                },
            )
        )
