"""The forms of the plan pages: tasks (agencies typed by any known name, accents optional),
sections, the blocks of the document's text, carrying a plan forward, importing one from a file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from agreements.limits import TEXT_PASTE
from agreements.models import Country, Locality, Plan, PlanStatus
from agreements.numbers import IdChoiceField, WholeNumberField, number_formfield
from agreements.services import AgencyIndex
from agreements.suggest import agency_widget

from .importers.parser import ParsedSection
from .importers.reader import MAX_FILE_SIZE
from .models import BlockKind, PlanBlock, Section, SectionKind, Task

SEPARATORS = re.compile(r"\s*(?:;|\n)\s*")


class TaskForm(forms.ModelForm):
    leads = forms.CharField(
        label=_("Đơn vị chủ trì"),
        required=False,
        help_text=_(
            "Nhiều đơn vị cách nhau bằng dấu chấm phẩy; gõ tên đầy đủ, tên tắt hoặc không dấu."
        ),
        widget=agency_widget(separators=";", active_only=True),
    )

    class Meta:
        model = Task
        formfield_callback = number_formfield
        fields = [
            "number",
            "content",
            "leads",
            "coordinating_text",
            "timeframe_text",
            "note",
            "field",
            "status",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            # One line, so that it can be a combobox: names are suggested as they are typed.
            "coordinating_text": agency_widget(separators=",;", active_only=True),
            "note": forms.Textarea(attrs={"rows": 1}),
        }

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.index = AgencyIndex.for_province(province)
        if self.instance.pk and not self.is_bound:
            names = [lead.agency.name for lead in self.instance.leads.select_related("agency")]
            printed = [n for n in SEPARATORS.split(self.instance.lead_text.strip()) if n]
            # Offer the printed text only where every name in it is still a known agency (an
            # imported "Sở Du lịch mới" mapped to another record would not save as typed).
            readable = printed and all(self.index.resolve(n) for n in printed)
            self.initial["leads"] = self.instance.lead_text if readable else "; ".join(names)

    def clean_leads(self):
        text = self.cleaned_data["leads"].strip()
        names = [n for n in SEPARATORS.split(text) if n]
        agencies, unknown = [], []
        for name in names:
            agency = self.index.resolve(name)
            (agencies.append(agency) if agency else unknown.append(name))
        if unknown:
            raise forms.ValidationError(
                _(
                    "Không có cơ quan nào tên «%(names)s» trong tỉnh: hãy chọn từ gợi ý "
                    "hoặc thêm cơ quan trước."
                )
                % {"names": "», «".join(unknown)}
            )
        self.lead_agencies = agencies
        return text

    def coordinating_agencies(self) -> list:
        """Known agencies named in the printed coordinating cell (comma, semicolon or 'và'
        between them; a name holding them, "Sở Kế hoạch và Đầu tư", stays one name)."""
        found = []
        for _start, _end, agency in self.index.find(self.cleaned_data["coordinating_text"]):
            if agency not in found:
                found.append(agency)
        return found


class SectionForm(forms.ModelForm):
    """An appendix, part or group, with its kind and partner; an empty section (no number, no
    title) or a duplicate (same number and title under the same parent) is refused."""

    class Meta:
        model = Section
        formfield_callback = number_formfield
        fields = ["kind", "parent", "number", "title", "subtitle", "partner"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        parent_field = cast(forms.ModelChoiceField, self.fields["parent"])
        parent_field.queryset = Section.objects.filter(plan=plan).exclude(pk=self.instance.pk)
        self.fields["parent"].required = False
        if self.instance.pk:
            # A section changes place with ↑ ↓ among its siblings; a new parent would leave it
            # printed where it was, under another heading.
            del self.fields["parent"]
        # Left empty, the kind follows the place: an appendix at the top, a part below it.
        kind_field = cast(forms.ChoiceField, self.fields["kind"])
        kind_field.required = False
        kind_field.choices = [("", _("(theo vị trí)")), *SectionKind.choices]
        partner_ids = list(plan.partners.values_list("pk", flat=True))
        partner_field = cast(forms.ModelChoiceField, self.fields["partner"])
        partner_field.queryset = (
            Locality.objects.filter(Q(pk__in=partner_ids) | ~Q(country=Country.VN))
            .annotate(
                not_plan_partner=Case(
                    When(pk__in=partner_ids, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("not_plan_partner", "name")
        )
        partner_field.required = False
        partner_field.empty_label = _("(theo kế hoạch)")
        partner_field.help_text = _(
            "Các nhiệm vụ trong phụ lục, mục này lấy đối tác này, "
            "trừ khi nhiệm vụ ghi đối tác riêng."
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("kind"):
            data["kind"] = SectionKind.PART if self._parent(data) else SectionKind.APPENDIX
        for name in ("number", "title", "subtitle"):
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        number, title = data.get("number", ""), data.get("title", "")
        if not number and not title:
            if "title" not in self.errors:
                self.add_error("title", _("Hãy nhập số thứ tự hoặc tiêu đề của phụ lục, mục."))
        elif "number" not in self.errors and self._duplicates(data, number, title).exists():
            self.add_error(
                "number",
                _("Đã có phụ lục, mục «%(name)s» ở cùng chỗ trong kế hoạch này.")
                % {"name": " ".join(part for part in (number, title) if part)[:120]},
            )
        return data

    def _parent(self, data) -> Section | None:
        """The parent chosen (new section) or kept (an edited one has no parent field)."""
        return data.get("parent") if "parent" in self.fields else self.instance.parent

    def _duplicates(self, data, number: str, title: str):
        """Sections of the plan with the same number and title under the same parent.

        Checked here, on what a person types: an imported or seeded document keeps what it
        printed (6452/UBND-ĐN lists its tasks under no heading at all).
        """
        return Section.objects.filter(
            plan=self.plan,
            parent=self._parent(data),
            number__iexact=number,
            title__iexact=title,
        ).exclude(pk=self.instance.pk)


class BlockForm(forms.ModelForm):
    """One block of the document's text; a table block names one of the plan's sections."""

    class Meta:
        model = PlanBlock
        formfield_callback = number_formfield
        fields = ["kind", "number", "text", "level", "bold", "italic", "align", "section"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "level": forms.NumberInput(attrs={"min": 1, "max": 6}),
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        section_field = cast(forms.ModelChoiceField, self.fields["section"])
        section_field.queryset = Section.objects.filter(plan=plan).order_by("position", "pk")
        section_field.required = False
        section_field.empty_label = _("(chỉ dùng cho khối bảng)")
        self.fields["level"].widget.attrs.update({"min": 1, "max": 6})

    def clean_level(self):
        level = self.cleaned_data["level"]
        if level is not None and not 1 <= level <= 6:
            raise forms.ValidationError(_("Cấp phải từ 1 đến 6."))
        return level

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") != BlockKind.TABLE:
            data["section"] = None
        return data


class BlockPasteForm(forms.Form):
    text = forms.CharField(
        label=_("Dán nhiều đoạn văn"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=TEXT_PASTE,
        help_text=_(
            "Mỗi dòng thành một khối. Số in đầu dòng (“I.”, “1.”, “1.1.”, “a)”, “-”, “+”, “•”, "
            "“Điều 1.”) được nhận là đề mục hoặc gạch đầu dòng."
        ),
        error_messages={"required": _("Hãy dán nội dung văn bản.")},
    )


class CarryForwardForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu của kế hoạch mới"), max_length=60)
    title = forms.CharField(label=_("Tên kế hoạch mới"))
    start_year = WholeNumberField(label=_("Từ năm"), min_value=1990, max_value=2200)
    end_year = WholeNumberField(label=_("Đến năm"), min_value=1990, max_value=2200)


def _partners():
    return Locality.objects.exclude(country=Country.VN).order_by("name")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Word (.docx, .doc) hoặc Excel (.xlsx, .xls) có bảng kế hoạch")
    )
    number = forms.CharField(
        label=_("Số, ký hiệu"),
        max_length=60,
        required=False,
        help_text=_("Để trống nếu văn bản có ghi “Số: …”: ứng dụng đọc ra để bạn xác nhận."),
    )
    title = forms.CharField(
        label=_("Tên kế hoạch"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Để trống nếu văn bản có ghi tên kế hoạch."),
    )
    partner = IdChoiceField(label=_("Địa phương đối tác"), queryset=_partners(), required=False)
    date = forms.DateField(
        label=_("Ngày ban hành"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                _("Tệp «%(name)s» nặng %(size).1f MB, vượt giới hạn 10 MB.")
                % {"name": upload.name, "size": upload.size / 1024 / 1024}
            )
        return upload


class PlanDetailsForm(forms.Form):
    """The plan itself, on the preview: typed at upload, or read from the file and confirmed."""

    number = forms.CharField(label=_("Số, ký hiệu"), max_length=60)
    title = forms.CharField(label=_("Tên kế hoạch"), widget=forms.Textarea(attrs={"rows": 2}))
    date = forms.DateField(
        label=_("Ngày ban hành"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    place = forms.CharField(label=_("Địa danh"), max_length=100, required=False)
    signing_authority = forms.CharField(label=_("Thẩm quyền ký"), max_length=100, required=False)
    signing_title = forms.CharField(
        label=_("Chức vụ người ký"),
        max_length=100,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    signer = forms.CharField(label=_("Người ký"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[
            (PlanStatus.DRAFT, _("Dự thảo")),
            (PlanStatus.ISSUED, _("Đã ban hành")),
        ],
        widget=forms.RadioSelect,
    )
    partner = IdChoiceField(
        label=_("Địa phương đối tác chung"),
        queryset=_partners(),
        required=False,
        help_text=_("Thêm vào đối tác của từng phụ lục dưới đây."),
    )

    def __init__(self, *args, tops: Sequence[ParsedSection] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.tops = list(tops)
        for index, top in enumerate(self.tops):
            label = " ".join(part for part in (top.number, top.title) if part) or top.location
            self.fields[f"section-partner-{index}"] = IdChoiceField(
                label=label[:120], queryset=_partners(), required=False
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("status") == PlanStatus.ISSUED and not data.get("date"):
            self.add_error("date", _("Cần ngày ban hành để lưu kế hoạch là đã ban hành."))
        return data

    def section_fields(self):
        return [(top, self[f"section-partner-{i}"]) for i, top in enumerate(self.tops)]
