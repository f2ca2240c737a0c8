from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "baton.risk"
    label = "risk"
    verbose_name = _("Early warning")

    def ready(self) -> None:
        from baton.risk import registry
        from baton.risk.scopes import register_resources

        register_resources()
        registry.load_built_in()
        registry.load_entry_points()
        from baton.risk import jobs  # noqa: F401  (registers the daily scan)
