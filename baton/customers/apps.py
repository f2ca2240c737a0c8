from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "baton.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from baton.customers.scopes import register_resources

        register_resources()
        from baton.customers import jobs  # noqa: F401  (registers the pool-return job)
