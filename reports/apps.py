from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo")

    def ready(self) -> None:
        # Round documents register with the exporter registry of the tasks app.
        from agreements.documents import documents_changed_connect

        from . import exporters  # noqa: F401
        from .jobs import documents_changed

        # Documents already asked for are rebuilt in the worker after each write that changes them.
        documents_changed_connect(documents_changed)
