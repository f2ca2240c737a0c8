from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_defaults(sender: Any, **kwargs: Any) -> None:
    from baton.authz.defaults import roles_install_defaults

    roles_install_defaults()


class AuthzConfig(AppConfig):
    name = "baton.authz"
    label = "authz"
    verbose_name = _("Roles and data scopes")

    def ready(self) -> None:
        from baton.authz import registry
        from baton.authz.models import Action

        C = "company"
        registry.register(
            registry.Resource(
                code="role",
                label=_("Roles and grants"),
                actions=(Action.VIEW, Action.CHANGE),
                scoped=False,
                default_grants={"admin": {"view": C, "change": C}},
            )
        )
        registry.register(
            registry.Resource(
                code="audit",
                label=_("Audit trail"),
                actions=(Action.VIEW, Action.VERIFY, Action.EXPORT),
                scoped=False,
                default_grants={
                    "admin": {"view": C, "verify": C},
                    "auditor": {"view": C, "verify": C, "export": C},
                },
            )
        )
        post_migrate.connect(_install_defaults, sender=self)
