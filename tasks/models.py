"""Sections, tasks, budget lines and targets: the rows of a plan's appendix tables."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.choices import ChoiceLabels
from agreements.limits import TEXT_CELL, TEXT_PARAGRAPH, TEXT_SHORT, text_limit
from agreements.models import Agency, Locality, Plan, SearchableModel
from agreements.timeframes import parse_timeframe

DEFAULT_COLUMNS = [
    "STT",
    "Nội dung công việc",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời gian",
    "Ghi chú",
]


class SectionKind(models.TextChoices):
    APPENDIX = "appendix", _("Phụ lục")
    PART = "part", _("Phần, mục")
    GROUP = "group", _("Nhóm, lĩnh vực")


class Section(SearchableModel):
    """A node of a plan's ordered tree: appendix → section (I, II) → sub-section (1.1)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="sections"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc mục"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    kind = models.CharField(
        _("loại"), max_length=20, choices=SectionKind.choices, default=SectionKind.PART
    )
    number = models.CharField(_("số thứ tự in"), max_length=40, blank=True)
    title = models.TextField(_("tiêu đề"), blank=True, **text_limit(TEXT_SHORT))
    subtitle = models.CharField(_("dòng phụ"), max_length=200, blank=True)
    partner = models.ForeignKey(
        Locality,
        verbose_name=_("địa phương đối tác"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sections",
    )
    columns = models.JSONField(
        _("các cột của bảng"),
        default=list,
        blank=True,
        help_text=_("Tiêu đề cột như bản in; để trống dùng các cột mặc định."),
    )
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phụ lục, mục")
        verbose_name_plural = _("phụ lục, mục")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        label = " ".join(part for part in (self.number, self.title) if part)
        return label[:120] or str(_("(mục không tên)"))

    def search_source(self) -> list[str]:
        return [self.number, self.title, self.subtitle]

    def clean(self) -> None:
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("Một mục không thể thuộc chính nó.")})
            if self.parent is not None and self.parent.plan_id != self.plan_id:
                raise ValidationError({"parent": _("Mục cha phải thuộc cùng kế hoạch.")})
            node, seen = self.parent, {self.pk}
            while node is not None:
                if node.pk in seen:
                    raise ValidationError({"parent": _("Cây mục không được lặp vòng.")})
                seen.add(node.pk)
                node = node.parent

    @property
    def table_columns(self) -> list[str]:
        return self.columns or DEFAULT_COLUMNS


class BlockPart(models.TextChoices):
    MAIN = "main", _("Văn bản ban hành")
    ATTACHED = "attached", _("Kế hoạch ban hành kèm theo")


class BlockKind(models.TextChoices):
    HEADING = "heading", _("Đề mục")
    PARAGRAPH = "paragraph", _("Đoạn văn")
    LIST_ITEM = "list_item", _("Gạch đầu dòng")
    TABLE = "table", _("Bảng nhiệm vụ của phụ lục, mục")


class BlockAlign(models.TextChoices):
    JUSTIFY = "", _("Căn đều")
    CENTER = "center", _("Căn giữa")


class PlanBlock(ChoiceLabels, models.Model):
    """One block of a plan's text, in printed order: the document is stored as it was typed.

    ``part`` separates a Quyết định's own text (Căn cứ, "QUYẾT ĐỊNH:", Điều 1…n) from the Kế
    hoạch it issues; a plain Kế hoạch or Công văn has only the main part. A ``table`` block says
    "the task table of this section goes here" (592/KH-UBND keeps it inside III).
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="blocks"
    )
    part = models.CharField(
        _("phần văn bản"), max_length=10, choices=BlockPart.choices, default=BlockPart.MAIN
    )
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    kind = models.CharField(
        _("loại"), max_length=12, choices=BlockKind.choices, default=BlockKind.PARAGRAPH
    )
    number = models.CharField(
        _("số, ký hiệu in"),
        max_length=40,
        blank=True,
        help_text=_("Như bản in: “I.”, “1.”, “Điều 1.”, “-”, “a)”."),
    )
    level = models.PositiveSmallIntegerField(_("cấp"), default=1)
    text = models.TextField(_("nội dung"), blank=True, **text_limit(TEXT_PARAGRAPH))
    bold = models.BooleanField(_("in đậm"), default=False)
    italic = models.BooleanField(_("in nghiêng"), default=False)
    align = models.CharField(
        _("căn lề"),
        max_length=10,
        choices=BlockAlign.choices,
        default=BlockAlign.JUSTIFY,
        blank=True,
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("phụ lục, mục có bảng"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="blocks",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khối văn bản")
        verbose_name_plural = _("khối văn bản")
        ordering = ["plan", "part", "position", "pk"]

    def __str__(self) -> str:
        label = " ".join(part for part in (self.number, self.text) if part)
        return label[:80] or str(self.get_kind_display())

    def clean(self) -> None:
        errors = {}
        if self.kind == BlockKind.TABLE:
            if self.section_id is None:
                errors["section"] = _("Khối bảng phải chỉ ra bảng của phụ lục, mục nào.")
            elif self.section is not None and self.section.plan_id != self.plan_id:
                errors["section"] = _("Phụ lục, mục phải thuộc cùng kế hoạch.")
        elif not (self.text or "").strip():
            errors["text"] = _("Khối văn bản không được để trống.")
        if errors:
            raise ValidationError(errors)


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang triển khai")
    DONE = "done", _("Hoàn thành")
    DELAYED = "delayed", _("Chậm tiến độ")
    CANCELLED = "cancelled", _("Không thực hiện")
    DEFERRED = "deferred", _("Chuyển giai đoạn sau")


# Statuses that still owe work: a task in one of them whose end date has passed is overdue.
OPEN_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DELAYED)
# "Due soon" on the dashboard and in the task list's filter.
DUE_SOON_DAYS = 90


class Recurrence(models.TextChoices):
    NONE = "", _("Không lặp lại")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    YEARLY = "yearly", _("Hằng năm")


class FundingSource(models.TextChoices):
    PROVINCE = "province", _("Ngân sách tỉnh")
    CENTRAL = "central", _("Ngân sách trung ương, ODA")
    SELF = "self", _("Đơn vị tự cân đối")
    PARTNER = "partner", _("Đối tác chi trả")
    OTHER = "other", _("Khác")


class TaskQuerySet(models.QuerySet):
    def printed_order(self) -> TaskQuerySet:
        return self.order_by("plan_id", "position", "pk")

    def with_partner(self, locality) -> TaskQuerySet:
        """Tasks done with ``locality``: named on the task, or, when the task names no partner,
        on its plan. One rule for the task list and the dashboard, so a count and its drill-down
        always agree."""
        through = Task.partners.through.objects
        return self.filter(
            models.Q(pk__in=through.filter(locality=locality).values("task_id"))
            | (
                ~models.Q(pk__in=through.values("task_id"))
                & models.Q(
                    plan_id__in=Plan.partners.through.objects.filter(locality=locality).values(
                        "plan_id"
                    )
                )
            )
        )

    def overdue(self, today) -> TaskQuerySet:
        return self.filter(end_date__lt=today, status__in=OPEN_STATUSES)

    def due_soon(self, today) -> TaskQuerySet:
        """Open tasks whose end date falls within the next DUE_SOON_DAYS days, today included."""
        horizon = today + timedelta(days=DUE_SOON_DAYS)
        return self.filter(end_date__gte=today, end_date__lte=horizon, status__in=OPEN_STATUSES)


class Task(SearchableModel):
    """One row of a plan table: what to do, who leads, who helps, when."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="tasks"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("thuộc mục"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
    )
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    number = models.CharField(_("STT in"), max_length=20, blank=True)
    content = models.TextField(_("nội dung công việc"), **text_limit(TEXT_CELL))
    lead_agencies = models.ManyToManyField(
        Agency,
        through="TaskLead",
        verbose_name=_("đơn vị chủ trì"),
        related_name="led_tasks",
        blank=True,
    )
    lead_text = models.TextField(
        _("đơn vị chủ trì (như bản in)"),
        blank=True,
        **text_limit(TEXT_SHORT, _("Để trống thì dùng tên các đơn vị chủ trì đã chọn.")),
    )
    coordinating_agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("đơn vị phối hợp"),
        related_name="coordinated_tasks",
        blank=True,
    )
    coordinating_text = models.TextField(
        _("đơn vị phối hợp (như bản in)"), blank=True, **text_limit(TEXT_SHORT)
    )
    field = models.CharField(_("lĩnh vực"), max_length=200, blank=True)
    partners = models.ManyToManyField(
        Locality, verbose_name=_("địa phương đối tác"), related_name="partner_tasks", blank=True
    )
    timeframe_text = models.CharField(_("thời gian"), max_length=200, blank=True)
    start_date = models.DateField(_("bắt đầu"), null=True, blank=True, editable=False)
    end_date = models.DateField(_("kết thúc"), null=True, blank=True, editable=False)
    ongoing = models.BooleanField(_("thường xuyên"), default=False, editable=False)
    recurrence = models.CharField(
        _("lặp lại"), max_length=20, choices=Recurrence.choices, blank=True, editable=False
    )
    recurrence_interval = models.PositiveSmallIntegerField(
        _("chu kỳ lặp"), default=1, editable=False
    )
    note = models.TextField(_("ghi chú"), blank=True, **text_limit(TEXT_SHORT))
    funding_source = models.CharField(
        _("nguồn kinh phí"), max_length=20, choices=FundingSource.choices, blank=True
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    origin = models.ForeignKey(
        "self",
        verbose_name=_("chuyển tiếp từ nhiệm vụ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_forward",
    )
    history = HistoricalRecords(m2m_fields=[coordinating_agencies, partners])

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "position", "pk"]
        indexes = [
            models.Index(fields=["plan", "position"]),
            # The task lists and dashboards filter on the state first (in progress, overdue):
            # without it, counting a country's tasks in one state read every task.
            models.Index(fields=["status", "end_date"]),
            # What the dashboard counts of every plan (status, overdue, due soon; funds by task)
            # and the order a round's overview pages its tasks in, read from the index alone on
            # PostgreSQL, without the wide task rows (12 MB at national scale): 6 ms instead of
            # 14 for every plan in force. SQLite ignores ``include`` and keeps an index on the
            # plan (models.W040, silenced in settings).
            models.Index(
                fields=["plan"],
                include=["id", "status", "end_date", "position"],
                name="task_plan_counted",
            ),
        ]

    def __str__(self) -> str:
        head = f"{self.number} " if self.number else ""
        text = self.content if len(self.content) <= 100 else self.content[:99] + "…"
        return f"{head}{text}"

    def search_source(self) -> list[str]:
        return [
            self.number,
            self.content,
            self.lead_text,
            self.coordinating_text,
            self.field,
            self.timeframe_text,
            self.note,
        ]

    def clean(self) -> None:
        if self.plan_id and self.section is not None and self.section.plan_id != self.plan_id:
            raise ValidationError({"section": _("Mục phải thuộc cùng kế hoạch với nhiệm vụ.")})

    def apply_timeframe(self) -> None:
        """Re-derive dates from the printed text; "Thường xuyên" spans the plan's period."""
        period = (self.plan.start_year, self.plan.end_year) if self.plan_id else None
        parsed = parse_timeframe(self.timeframe_text or "", period=period)
        self.start_date = parsed.start
        self.end_date = parsed.end
        self.ongoing = parsed.ongoing
        self.recurrence = parsed.recurrence
        self.recurrence_interval = parsed.interval

    # What save() derives from the other fields and writes with every save, even of one field.
    DERIVED_FIELDS = (
        "search_text",
        "start_date",
        "end_date",
        "ongoing",
        "recurrence",
        "recurrence_interval",
    )

    def derived_refresh(self) -> None:
        """Derive ``DERIVED_FIELDS`` as ``save()`` does, for a write that bypasses it
        (``bulk_update``): the plan is read, so select it with the task."""
        self.apply_timeframe()
        self.search_text_refresh()

    def save(self, *args, **kwargs):
        self.apply_timeframe()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "start_date",
                "end_date",
                "ongoing",
                "recurrence",
                "recurrence_interval",
            }
        super().save(*args, **kwargs)

    def coordinating_in_printed_order(self) -> list[Agency]:
        """Coordinating agencies in the order the printed cell names them (uses the prefetch)."""
        from agreements.text import fold

        printed = fold(self.coordinating_text)

        def key(agency: Agency) -> tuple[int, str]:
            found = [printed.find(k) for k in agency.name_keys() if k and k in printed]
            return (min(found) if found else len(printed) + 1, agency.name)

        return sorted(self.coordinating_agencies.all(), key=key)

    @property
    def timeframe_parsed(self) -> bool:
        return bool(self.start_date or self.end_date or self.ongoing or self.recurrence)


class TaskLead(models.Model):
    """Lead agencies are ordered: the first named leads, the others co-lead."""

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="leads"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="leads"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đơn vị chủ trì")
        verbose_name_plural = _("đơn vị chủ trì")
        ordering = ["task", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "agency"], name="tasklead_unique_agency")
        ]

    def __str__(self) -> str:
        return str(self.agency)


class BudgetStage(models.TextChoices):
    ESTIMATE = "estimate", _("Dự toán")
    APPRAISED = "appraised", _("Thẩm định")
    APPROVED = "approved", _("Phê duyệt")
    DISBURSED = "disbursed", _("Giải ngân")


class BudgetLine(ChoiceLabels, models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    amount = models.DecimalField(_("số tiền (đồng)"), max_digits=18, decimal_places=0)
    source = models.CharField(_("nguồn"), max_length=20, choices=FundingSource.choices)
    stage = models.CharField(
        _("bước"), max_length=20, choices=BudgetStage.choices, default=BudgetStage.ESTIMATE
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dòng kinh phí")
        verbose_name_plural = _("kinh phí")
        ordering = ["task", "year", "pk"]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount:,.0f} đ".replace(",", ".")

    def clean(self) -> None:
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("Số tiền không được âm.")})


class TargetPer(models.TextChoices):
    YEAR = "year", _("Mỗi năm")
    PERIOD = "period", _("Cả giai đoạn")


class Target(ChoiceLabels, models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.CharField(_("chỉ tiêu"), max_length=300)
    unit = models.CharField(_("đơn vị tính"), max_length=60)
    quantity = models.DecimalField(_("số lượng"), max_digits=12, decimal_places=2)
    per = models.CharField(_("tính theo"), max_length=10, choices=TargetPer.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["task", "pk"]

    def __str__(self) -> str:
        qty = f"{self.quantity:.2f}".rstrip("0").rstrip(".")
        prefix = _("mỗi năm") if self.per == TargetPer.YEAR else _("cả giai đoạn")
        return f"{self.indicator}: {prefix} {qty} {self.unit}"

    def clean(self) -> None:
        if self.quantity is not None and self.quantity <= 0:
            raise ValidationError({"quantity": _("Số lượng phải lớn hơn 0.")})
