from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Người dùng")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .roles import roles_sync

        post_migrate.connect(roles_sync, sender=self, dispatch_uid="accounts_roles_sync")
