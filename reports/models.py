"""Reporting rounds: a request document asking agencies to report on plans by a deadline."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.choices import ChoiceLabels
from agreements.limits import TEXT_CELL, TEXT_PARAGRAPH, TEXT_SHORT, text_limit
from agreements.models import Locality, Plan, SearchableModel
from tasks.models import TaskStatus


def user_label(user) -> str:
    """A person's name for timelines; an account deleted since is named as such."""
    if user is None:
        return str(_("(tài khoản đã xóa)"))
    return user.get_full_name() or user.username


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
    summary = models.TextField(_("trích yếu"), blank=True, **text_limit(TEXT_SHORT))
    requesting_body = models.CharField(
        _("cơ quan yêu cầu báo cáo"),
        max_length=300,
        blank=True,
        help_text=_("Cơ quan ban hành văn bản yêu cầu, ví dụ «UBND tỉnh Quảng Trị»."),
    )
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
    # The request letter's own text, as typed, between the header and Nơi nhận: "Kính gửi" and
    # its lines, then the paragraphs (1010/UBND-ĐN); the outline above is its attached đề cương.
    body = models.JSONField(
        _("toàn văn văn bản yêu cầu"),
        default=list,
        blank=True,
        help_text=_('Các khối theo thứ tự in: [{"kind": "paragraph", "number": "-", "text": "…"}]'),
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người mở đợt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[plans])

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


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã duyệt")


# A report in one of these states has been handed in: its agency owes nothing more, the summary
# counts it, and its round is no longer overdue for that agency.
HANDED_IN = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


class Report(ChoiceLabels, models.Model):
    """One agency's answer in a round: the general part of the outline, then one entry per task."""

    reporting_round = models.ForeignKey(
        ReportingRound,
        verbose_name=_("đợt báo cáo"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    agency = models.ForeignKey(
        "agreements.Agency",
        verbose_name=_("cơ quan báo cáo"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    delegations_out = models.PositiveIntegerField(_("số đoàn đi Lào"), null=True, blank=True)
    delegations_out_officials = models.PositiveIntegerField(
        _("số lượt cán bộ, công chức đi Lào"), null=True, blank=True
    )
    delegations_in = models.PositiveIntegerField(
        _("số đoàn Lào đến làm việc"), null=True, blank=True
    )
    agreements_signed = models.TextField(
        _("thỏa thuận hợp tác đã ký"),
        blank=True,
        **text_limit(TEXT_PARAGRAPH, _("Mỗi dòng một văn bản: tên, ngày ký.")),
    )
    trade_investment = models.TextField(
        _("xúc tiến đầu tư, thương mại, thương mại biên giới"),
        blank=True,
        **text_limit(TEXT_PARAGRAPH),
    )
    one_stop_border = models.TextField(
        _("mô hình một cửa, một lần dừng"), blank=True, **text_limit(TEXT_PARAGRAPH)
    )
    culture_education_health_science = models.TextField(
        _("văn hóa, đào tạo, y tế, khoa học công nghệ"), blank=True, **text_limit(TEXT_PARAGRAPH)
    )
    security_remains = models.TextField(
        _("an ninh, quân sự, quy tập hài cốt liệt sỹ, biên giới"),
        blank=True,
        **text_limit(TEXT_PARAGRAPH),
    )
    funds_state_budget = models.DecimalField(
        _("kinh phí từ ngân sách nhà nước (đồng)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
    )
    funds_other = models.DecimalField(
        _("kinh phí từ nguồn khác (đồng)"), max_digits=18, decimal_places=0, null=True, blank=True
    )
    difficulties = models.TextField(
        _("khó khăn, vướng mắc và nguyên nhân"), blank=True, **text_limit(TEXT_PARAGRAPH)
    )
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True, **text_limit(TEXT_PARAGRAPH))
    next_period_proposals = models.TextField(
        _("đề xuất cho giai đoạn tới"), blank=True, **text_limit(TEXT_PARAGRAPH)
    )
    entered_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người nhập"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    on_behalf = models.BooleanField(_("Sở Ngoại vụ nhập thay"), default=False)
    version = models.PositiveIntegerField(_("phiên bản"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        ordering = ["reporting_round", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_round", "agency"], name="report_one_per_agency"
            )
        ]
        # The accepted reports whose funds the dashboard adds up, without reading the wide rows.
        indexes = [models.Index(fields=["status"], include=["id"], name="report_by_status")]

    def __str__(self) -> str:
        return f"{self.agency} – {self.reporting_round.request_number}"

    @property
    def entered_by_label(self) -> str:
        return user_label(self.entered_by)

    @property
    def editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    @property
    def funds_total(self):
        return (self.funds_state_budget or 0) + (self.funds_other or 0)


class EntryRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    COORDINATING = "coordinating", _("Phối hợp")


class ReportEntry(ChoiceLabels, models.Model):
    """Progress on one task: required from the lead agency, a remark from a coordinating one."""

    report = models.ForeignKey(
        Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="entries"
    )
    task = models.ForeignKey(
        "tasks.Task",
        verbose_name=_("nhiệm vụ"),
        on_delete=models.CASCADE,
        related_name="report_entries",
    )
    role = models.CharField(
        _("vai trò"), max_length=20, choices=EntryRole.choices, default=EntryRole.LEAD
    )
    status = models.CharField(_("tình hình"), max_length=20, choices=TaskStatus.choices, blank=True)
    result = models.TextField(_("kết quả thực hiện"), blank=True, **text_limit(TEXT_CELL))
    funds_spent = models.DecimalField(
        _("kinh phí đã chi (đồng)"), max_digits=18, decimal_places=0, null=True, blank=True
    )
    actuals = models.JSONField(
        _("số liệu thực hiện theo chỉ tiêu"),
        default=dict,
        blank=True,
        help_text=_("{mã chỉ tiêu: số lượng thực hiện}"),
    )
    # The lead agency's note on the task (the "Ghi chú" of the office's tables); a coordinating
    # agency's remark is its ``result``.
    remarks = models.TextField(_("ghi chú"), blank=True, **text_limit(TEXT_SHORT))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nội dung báo cáo theo nhiệm vụ")
        verbose_name_plural = _("nội dung báo cáo theo nhiệm vụ")
        ordering = ["report", "task__plan_id", "task__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="entry_one_per_task")
        ]
        # The lead agencies' spent funds by task (the dashboard, every plan in force), read from
        # the index alone on PostgreSQL, and only the entries that give a sum: 3 ms instead of 8
        # over 30,000 entries of which 5,000 do.
        indexes = [
            models.Index(
                fields=["task"],
                include=["report", "funds_spent"],
                condition=models.Q(role="lead", funds_spent__isnull=False),
                name="entry_lead_spent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report.agency}: {self.task}"


class AttachmentKind(models.TextChoices):
    EVIDENCE = "evidence", _("Minh chứng")
    AGREEMENT = "agreement", _("Văn bản thỏa thuận đã ký")
    SOURCE = "source", _("Báo cáo gốc (giấy, Word)")


def attachment_path(instance, filename: str) -> str:
    # The stored name never reuses the uploaded one: no path tricks, no clashes.
    import uuid

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    folder = f"reports/{instance.report.reporting_round_id}/{instance.report_id}"
    return f"{folder}/{uuid.uuid4().hex}.{suffix}"


class Attachment(ChoiceLabels, models.Model):
    report = models.ForeignKey(
        Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="attachments"
    )
    entry = models.ForeignKey(
        ReportEntry,
        verbose_name=_("nhiệm vụ"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("tệp"), upload_to=attachment_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người tải lên"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["report", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class EventAction(models.TextChoices):
    CREATED = "created", _("Tạo báo cáo")
    SAVED = "saved", _("Lưu nháp")
    SUBMITTED = "submitted", _("Nộp báo cáo")
    RETURNED = "returned", _("Trả lại để sửa")
    ACCEPTED = "accepted", _("Duyệt")


class ReportEvent(ChoiceLabels, models.Model):
    """The report's timeline: every step with who, when and the comment."""

    report = models.ForeignKey(
        Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("thao tác"), max_length=20, choices=EventAction.choices)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người thực hiện"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    on_behalf = models.BooleanField(_("nhập thay"), default=False)
    comment = models.TextField(_("ý kiến"), blank=True, **text_limit(TEXT_CELL))
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("diễn biến báo cáo")
        verbose_name_plural = _("diễn biến báo cáo")
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%d/%m/%Y %H:%M})"

    @property
    def user_label(self) -> str:
        return user_label(self.user)


class ReminderLog(models.Model):
    """One reminder per agency per round per day, whatever cron does."""

    reporting_round = models.ForeignKey(
        ReportingRound,
        verbose_name=_("đợt báo cáo"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    agency = models.ForeignKey(
        "agreements.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    day = models.DateField(_("ngày nhắc"))
    recipients = models.TextField(_("người nhận"), blank=True)

    class Meta:
        verbose_name = _("thư nhắc")
        verbose_name_plural = _("thư nhắc")
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_round", "agency", "day"], name="reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.day:%d/%m/%Y}"


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang chuẩn bị")
    READY = "ready", _("Đã xong")
    FAILED = "failed", _("Lỗi")
    REFUSED = "refused", _("Không có gì để tạo")  # the document has nothing to say; error says why


class DocumentJob(ChoiceLabels, models.Model):
    """A long document built by the worker; the user waits on a page that shows its state."""

    reporting_round = models.ForeignKey(
        ReportingRound, verbose_name=_("đợt báo cáo"), on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(_("văn bản"), max_length=20)
    fmt = models.CharField(_("định dạng"), max_length=10)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    file = models.FileField(_("tệp"), upload_to="documents/%Y/%m/", blank=True)
    filename = models.CharField(_("tên tệp"), max_length=200, blank=True)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100, blank=True)
    # The key of the stored document this job built (``agreements.documents``): its download
    # serves that very file while the store still holds it, even if data changed after.
    key = models.CharField(_("khóa"), max_length=64, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    requested_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người yêu cầu"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản đang tạo")
        verbose_name_plural = _("văn bản đang tạo")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind}.{self.fmt} {self.reporting_round.request_number}"


class NotificationKind(models.TextChoices):
    """What a person is told about; each can be kept off e-mail (``EmailOptOut``)."""

    ROUND_OPENED = "round_opened", _("Mở đợt báo cáo có nhiệm vụ của đơn vị")
    REPORT_RETURNED = "report_returned", _("Báo cáo của đơn vị bị trả lại")
    REPORT_ACCEPTED = "report_accepted", _("Báo cáo của đơn vị được duyệt")
    REPORT_SUBMITTED = "report_submitted", _("Một đơn vị nộp báo cáo")


class Notification(ChoiceLabels, models.Model):
    """Something that concerns one person, shown under "Thông báo" and (unless turned off)
    mailed to them. Written in the transaction of the step it tells about (``reports/
    notifications.py``); the mail goes after the commit."""

    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("loại"), max_length=30, choices=NotificationKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    link = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    reporting_round = models.ForeignKey(
        ReportingRound,
        verbose_name=_("đợt báo cáo"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    report = models.ForeignKey(
        Report,
        verbose_name=_("báo cáo"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã xem lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class EmailOptOut(ChoiceLabels, models.Model):
    """A person's choice not to be mailed about one kind of notification (still shown in-app)."""

    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="email_opt_outs",
    )
    kind = models.CharField(_("loại"), max_length=30, choices=NotificationKind.choices)

    class Meta:
        verbose_name = _("không nhận thư")
        verbose_name_plural = _("không nhận thư")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_once")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"
