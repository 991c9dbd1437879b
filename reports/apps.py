from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo")

    def ready(self) -> None:
        # Round documents register with the exporter registry of the tasks app.
        from . import exporters  # noqa: F401
