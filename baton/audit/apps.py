from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "baton.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from baton.audit import jobs  # noqa: F401  (registers the checkpoint job)
