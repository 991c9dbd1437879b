"""Localities, agencies, agreements, meetings and plans: the documents a province works from."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import ChoiceLabels
from .limits import TEXT_PARAGRAPH, TEXT_SHORT, text_limit
from .text import fold, has_marks, normalize
from .timeframes import parse_timeframe


class SearchableModel(ChoiceLabels, models.Model):
    """Keeps an accent-free copy of the searchable text so both databases search alike."""

    search_text = models.TextField(_("chuỗi tìm kiếm"), blank=True, editable=False, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.search_text_refresh()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def search_text_refresh(self) -> None:
        """What ``save()`` stores for search; a bulk write (``bulk_update``) calls it itself."""
        self.search_text = fold(" ".join(part for part in self.search_source() if part))

    def search_source(self) -> list[str]:
        raise NotImplementedError


class Country(models.TextChoices):
    VN = "VN", _("Việt Nam")
    LA = "LA", _("Lào")
    TH = "TH", _("Thái Lan")
    KH = "KH", _("Campuchia")
    CN = "CN", _("Trung Quốc")
    OTHER = "XX", _("Khác")


class Locality(SearchableModel):
    """A province-level unit at home or abroad; merged provinces point to their successor."""

    name = models.CharField(_("tên"), max_length=200)
    country = models.CharField(_("quốc gia"), max_length=2, choices=Country.choices)
    aliases = models.JSONField(_("tên gọi khác"), default=list, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
    )
    successor_since = models.DateField(_("kế thừa từ ngày"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("địa phương")
        verbose_name_plural = _("địa phương")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="locality_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def search_source(self) -> list[str]:
        return [self.name, *self.aliases]


class AgencyKind(models.TextChoices):
    DEPARTMENT = "department", _("Sở, ban, ngành")
    PARTY = "party", _("Cơ quan Đảng")
    MASS_ORG = "mass_org", _("Đoàn thể, hội")
    DISTRICT = "district", _("UBND cấp huyện")
    SCHOOL = "school", _("Trường")
    COMPANY = "company", _("Doanh nghiệp")
    STEERING = "steering", _("Ban chỉ đạo")
    ARMED = "armed", _("Lực lượng vũ trang, công an")
    CENTRAL = "central", _("Cơ quan trung ương trên địa bàn")
    MEDIA = "media", _("Báo chí, phát thanh, truyền hình")
    GROUP = "group", _("Nhóm cơ quan (ghi chung)")
    OTHER = "other", _("Khác")


class Agency(SearchableModel):
    """A body of a Vietnamese province that leads or coordinates plan items."""

    province = models.ForeignKey(
        Locality, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="agencies"
    )
    kind = models.CharField(
        _("loại"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.DEPARTMENT
    )
    name = models.CharField(_("tên đầy đủ"), max_length=300)
    short_name = models.CharField(_("tên viết tắt"), max_length=120, blank=True)
    aliases = models.JSONField(_("tên gọi khác"), default=list, blank=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
    )
    successor_since = models.DateField(_("kế thừa từ ngày"), null=True, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["province__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="agency_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def search_source(self) -> list[str]:
        return [self.name, self.short_name, *self.aliases]

    def name_keys(self) -> set[str]:
        return {fold(n) for n in self.search_source() if n}

    def printed_spelling(self, typed: str) -> str:
        """How a name typed for this agency is printed: as typed when it is one of the agency's
        spellings, or written as a document would write it (capitals and marks); otherwise the
        stored spelling it stands for ("so cong thuong" → "Sở Công Thương", "bch bdbp tinh" →
        "BCH BĐBP tỉnh"), the full name first."""
        typed = normalize(typed)
        key = fold(typed)
        spellings = [name for name in self.search_source() if name and fold(name) == key]
        if not spellings or typed in spellings:
            return typed
        if has_marks(typed) and typed != typed.lower():
            return typed
        # A stored spelling that is itself a bare search key ("so cong thuong") is no better.
        printed = [name for name in spellings if name != fold(name)]
        return printed[0] if printed else self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("Một đơn vị không thể kế thừa chính nó.")})
        if self.successor is not None and self.successor.province_id != self.province_id:
            raise ValidationError({"successor": _("Đơn vị kế thừa phải thuộc cùng tỉnh.")})
        if self.successor_id and not self.successor_since:
            raise ValidationError(
                {"successor_since": _("Cần ghi ngày đơn vị kế thừa bắt đầu đảm nhận.")}
            )


class AgreementKind(models.TextChoices):
    AGREEMENT = "agreement", _("Văn bản thỏa thuận hợp tác")
    MINUTES = "minutes", _("Biên bản hợp tác")
    MOU = "mou", _("Bản ghi nhớ")
    OTHER = "other", _("Khác")


class Agreement(SearchableModel):
    province = models.ForeignKey(
        Locality,
        verbose_name=_("tỉnh"),
        on_delete=models.PROTECT,
        related_name="agreements",
        limit_choices_to={"country": Country.VN},
    )
    kind = models.CharField(
        _("loại văn bản"),
        max_length=20,
        choices=AgreementKind.choices,
        default=AgreementKind.AGREEMENT,
    )
    title = models.TextField(_("tên văn bản"), **text_limit(TEXT_SHORT))
    partners = models.ManyToManyField(
        Locality, verbose_name=_("địa phương đối tác"), related_name="partner_agreements"
    )
    start_year = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    signed_date = models.DateField(_("ngày ký"), null=True, blank=True)
    signed_place = models.CharField(_("nơi ký"), max_length=200, blank=True)
    signatories = models.TextField(
        _("người ký"),
        blank=True,
        **text_limit(TEXT_SHORT, _("Mỗi dòng một người ký: họ tên, chức vụ, bên ký.")),
    )
    file = models.FileField(_("tệp đính kèm"), upload_to="agreements/%Y/", blank=True)
    history = HistoricalRecords(m2m_fields=[partners])

    class Meta:
        verbose_name = _("văn bản thỏa thuận")
        verbose_name_plural = _("văn bản thỏa thuận")
        ordering = ["-signed_date", "title"]

    def __str__(self) -> str:
        return self.title

    def search_source(self) -> list[str]:
        return [self.title, self.signed_place]

    def clean(self) -> None:
        if self.start_year and self.end_year and self.start_year > self.end_year:
            raise ValidationError({"end_year": _("Năm kết thúc phải sau năm bắt đầu.")})


class MeetingKind(models.TextChoices):
    HIGH_LEVEL = "high_level", _("Hội đàm cấp cao")
    MID_TERM = "mid_term", _("Hội đàm giữa kỳ")
    BORDER = "border", _("Hội đàm công tác biên giới")
    REVIEW = "review", _("Hội nghị sơ kết")
    FINAL_REVIEW = "final_review", _("Hội nghị tổng kết")
    OTHER = "other", _("Khác")


class Meeting(SearchableModel):
    province = models.ForeignKey(
        Locality, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=MeetingKind.choices)
    title = models.TextField(_("tên"), **text_limit(TEXT_SHORT))
    date = models.DateField(_("ngày"), null=True, blank=True)
    timeframe_text = models.CharField(_("thời gian dự kiến"), max_length=200, blank=True)
    start_date = models.DateField(_("từ ngày"), null=True, blank=True)
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    partners = models.ManyToManyField(
        Locality, verbose_name=_("địa phương đối tác"), related_name="partner_meetings", blank=True
    )
    agreements = models.ManyToManyField(
        Agreement, verbose_name=_("văn bản thỏa thuận"), related_name="meetings", blank=True
    )
    conclusions = models.TextField(_("kết luận"), blank=True, **text_limit(TEXT_PARAGRAPH))
    notice_number = models.CharField(_("số thông báo"), max_length=60, blank=True)
    notice_date = models.DateField(_("ngày thông báo"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[partners, agreements])

    class Meta:
        verbose_name = _("hội đàm, hội nghị")
        verbose_name_plural = _("hội đàm, hội nghị")
        ordering = ["date", "start_date", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Every way a meeting is written (services, admin, seed) keeps its dates in step.
        self.apply_timeframe()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "start_date", "end_date"}
        super().save(*args, **kwargs)

    def search_source(self) -> list[str]:
        return [self.title, self.place, self.notice_number, self.conclusions]

    def apply_timeframe(self) -> None:
        """Its dates from its date, or from its printed planned time ("Quý III/2022")."""
        if self.date:
            self.start_date = self.end_date = self.date
        else:
            parsed = parse_timeframe(self.timeframe_text or "")
            self.start_date, self.end_date = parsed.start, parsed.end


class PlanKind(models.TextChoices):
    DECISION = "decision", _("Quyết định")
    PLAN = "plan", _("Kế hoạch")
    DIRECTIVE = "directive", _("Công văn")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")
    CLOSED = "closed", _("Đã kết thúc")


class Plan(SearchableModel):
    """The issuing document of a cooperation plan, or a directive adding tasks to one."""

    province = models.ForeignKey(
        Locality,
        verbose_name=_("tỉnh"),
        on_delete=models.PROTECT,
        related_name="plans",
        limit_choices_to={"country": Country.VN},
    )
    kind = models.CharField(_("loại văn bản"), max_length=20, choices=PlanKind.choices)
    number = models.CharField(_("số, ký hiệu"), max_length=60, help_text=_("Ví dụ: 165/QĐ-UBND"))
    date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    signing_authority = models.CharField(
        _("thẩm quyền ký"), max_length=100, blank=True, help_text=_("Ví dụ: TM. ỦY BAN NHÂN DÂN")
    )
    signing_title = models.CharField(
        _("chức vụ người ký"),
        max_length=100,
        blank=True,
        help_text=_("Ví dụ: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"),
    )
    signer = models.CharField(_("người ký"), max_length=100, blank=True)
    summary = models.TextField(_("trích yếu"), blank=True, **text_limit(TEXT_SHORT))
    title = models.TextField(_("tên kế hoạch"), **text_limit(TEXT_SHORT))
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    partners = models.ManyToManyField(
        Locality, verbose_name=_("địa phương đối tác"), related_name="partner_plans", blank=True
    )
    agreements = models.ManyToManyField(
        Agreement, verbose_name=_("văn bản thỏa thuận thực hiện"), related_name="plans", blank=True
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("kế hoạch giai đoạn trước"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("kế hoạch gốc (với công văn chỉ đạo)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directives",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("hội đàm, hội nghị làm căn cứ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directives",
    )
    recipients = models.TextField(
        _("nơi nhận"), blank=True, **text_limit(TEXT_SHORT, _("Mỗi dòng một nơi nhận."))
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    history = HistoricalRecords(m2m_fields=[partners, agreements])

    class Meta:
        verbose_name = _("kế hoạch, văn bản chỉ đạo")
        verbose_name_plural = _("kế hoạch, văn bản chỉ đạo")
        ordering = ["-date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["province", "number"], name="plan_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"

    def search_source(self) -> list[str]:
        return [self.number, self.title, self.summary, self.signer]

    @property
    def period(self) -> tuple[int, int]:
        return (self.start_year, self.end_year)

    @property
    def period_label(self) -> str:
        if self.start_year == self.end_year:
            return str(self.start_year)
        return f"{self.start_year} - {self.end_year}"

    def clean(self) -> None:
        errors = {}
        if self.start_year and self.end_year and self.start_year > self.end_year:
            errors["end_year"] = _("Năm kết thúc phải bằng hoặc sau năm bắt đầu.")
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = _("Một văn bản không thể là văn bản gốc của chính nó.")
        if self.predecessor_id and self.predecessor_id == self.pk:
            errors["predecessor"] = _("Một kế hoạch không thể là giai đoạn trước của chính nó.")
        for field in ("parent", "predecessor"):
            other = getattr(self, field)
            if other is not None and self.province_id and other.province_id != self.province_id:
                errors[field] = _("Văn bản liên kết phải thuộc cùng tỉnh.")
        if errors:
            raise ValidationError(errors)


class ReportDeadline(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="report_deadlines"
    )
    date = models.DateField(_("hạn báo cáo"))
    text = models.TextField(_("yêu cầu"), blank=True, **text_limit(TEXT_SHORT))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hạn báo cáo")
        verbose_name_plural = _("hạn báo cáo")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.plan.number}: {self.date:%d/%m/%Y}"


class DocumentVersion(models.Model):
    """How many times the data a group of documents prints has changed (``agreements.documents``).

    ``scope`` names the group: ``plan:12``, ``round:3``, ``province:7`` or ``global``. Rows are
    never deleted, so a counter never goes back to a value a stored document was built from.
    """

    scope = models.CharField(_("phạm vi"), max_length=40, unique=True)
    version = models.PositiveBigIntegerField(_("phiên bản"), default=0)
    changed_at = models.DateTimeField(_("đổi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiên bản dữ liệu văn bản")
        verbose_name_plural = _("phiên bản dữ liệu văn bản")

    def __str__(self) -> str:
        return f"{self.scope}={self.version}"


class DocumentChange(models.Model):
    """One change of the data a group of documents prints (``agreements.documents``): a scope's
    version is its ``DocumentVersion`` base plus how many of these it has.

    Written by inserting, never by updating a shared row: two writes touching the same scopes in
    different orders, or a scope and a row the other has locked, never wait for each other (the
    counter rows they used to update deadlocked under load). Committed rows only ever add up,
    so a version never goes back to a value a stored document was built from.
    """

    scope = models.CharField(_("phạm vi"), max_length=40, db_index=True)
    changed_at = models.DateTimeField(_("đổi lúc"))

    class Meta:
        verbose_name = _("thay đổi dữ liệu văn bản")
        verbose_name_plural = _("thay đổi dữ liệu văn bản")

    def __str__(self) -> str:
        return f"{self.scope} @ {self.changed_at:%d/%m/%Y %H:%M:%S}"


class StoredDocument(models.Model):
    """The latest built file of one document (a plan's PDF, a round's summary …), kept in media
    storage under the key of everything it prints; an older file is deleted when a newer one is
    stored."""

    name = models.CharField(_("văn bản"), max_length=200, unique=True)
    owner = models.CharField(_("thuộc"), max_length=40, db_index=True)
    key = models.CharField(_("khóa"), max_length=64)
    file = models.FileField(_("tệp"), max_length=300)
    filename = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    built_at = models.DateTimeField(_("tạo lúc"))

    class Meta:
        verbose_name = _("văn bản đã tạo")
        verbose_name_plural = _("văn bản đã tạo")

    def __str__(self) -> str:
        return self.name
