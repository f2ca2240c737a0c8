from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "baton.exchange"
    label = "exchange"
    verbose_name = _("Data import and export")

    def ready(self) -> None:
        from baton.exchange.scopes import register_resources

        register_resources()
