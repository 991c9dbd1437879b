"""Reporting rounds: a request document asking agencies to report on plans by a deadline."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.models import Locality, Plan, ProvinceScopedQuerySet, SearchableModel


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    OPEN = "open", _("Đang nhận báo cáo")
    CLOSED = "closed", _("Đã đóng")


class ReportingRound(SearchableModel):
    province = models.ForeignKey(
        Locality, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="reporting_rounds"
    )
    request_number = models.CharField(_("số văn bản yêu cầu"), max_length=60)
    request_date = models.DateField(_("ngày văn bản yêu cầu"))
    summary = models.TextField(_("trích yếu"), blank=True)
    plans = models.ManyToManyField(
        Plan, verbose_name=_("kế hoạch, văn bản được báo cáo"), related_name="reporting_rounds"
    )
    period_start = models.DateField(_("kỳ báo cáo từ ngày"))
    period_end = models.DateField(_("kỳ báo cáo đến ngày"))
    deadline = models.DateField(_("hạn nộp"))
    outline = models.JSONField(
        _("đề cương"),
        default=list,
        blank=True,
        help_text=_('Danh sách mục: [{"number": "I", "title": "…", "children": […]}]'),
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    history = HistoricalRecords(m2m_fields=[plans])

    objects = ProvinceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt báo cáo")
        verbose_name_plural = _("đợt báo cáo")
        ordering = ["-deadline"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "request_number"], name="round_unique_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_number} (hạn {self.deadline:%d/%m/%Y})"

    def search_source(self) -> list[str]:
        return [self.request_number, self.summary]

    def clean(self) -> None:
        errors = {}
        if self.period_start and self.period_end and self.period_start > self.period_end:
            errors["period_end"] = _("Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu.")
        if self.request_date and self.deadline and self.deadline < self.request_date:
            errors["deadline"] = _("Hạn nộp không thể trước ngày văn bản yêu cầu.")
        if errors:
            raise ValidationError(errors)
