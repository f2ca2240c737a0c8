from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "baton.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from baton.org.scopes import register_resources

        register_resources()
