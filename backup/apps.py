from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupConfig(AppConfig):
    """Backup and restore of the whole installation; owns no data and no domain rule."""

    name = "backup"
    verbose_name = _("Sao lưu")
