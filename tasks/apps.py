from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Nhiệm vụ")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from agreements.models import Meeting

        from .services import meeting_apply_timeframe

        pre_save.connect(meeting_apply_timeframe, sender=Meeting, dispatch_uid="meeting_timeframe")
