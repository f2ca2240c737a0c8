from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "baton.accounts"
    label = "accounts"
    verbose_name = _("Accounts and sign-in")

    def ready(self) -> None:
        from baton.authz import registry
        from baton.authz.models import Action

        # Accounts are reached through the employee scope (accounts_visible_to), so the grant
        # itself is company-wide.
        registry.register(
            registry.Resource(
                code="account",
                label=_("Login accounts"),
                actions=(Action.VIEW, Action.CHANGE),
                scoped=False,
                default_grants={
                    "admin": {"view": "company", "change": "company"},
                    "hr": {"view": "company", "change": "company"},
                },
            )
        )
