from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from agreements.choices import EDIT_EMPTY_LABEL, FILTER_EMPTY_LABEL
from agreements.limits import TEXT_CELL, TEXT_PARAGRAPH, TEXT_SHORT, limit_hint
from agreements.models import Agency, AgencyKind, Locality, Plan
from agreements.numbers import (
    DecimalNumberField,
    IdChoiceField,
    MoneyField,
    WholeNumberField,
    number_formfield,
)
from agreements.permissions import agencies_visible_to, plans_visible_to
from agreements.suggest import SuggestChoiceField, agency_widget, plan_widget
from agreements.uploads import upload_validate
from tasks.models import TaskStatus

from .dashboard import DashboardFilters
from .models import AttachmentKind, EntryRole, NotificationKind, Report, ReportingRound
from .permissions import rounds_visible_to
from .services import GENERAL_FIELDS, NewAttachment

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


FILE_ERRORS = {
    "empty": _("Tệp tải lên rỗng (0 byte): hãy chọn lại tệp."),
    "invalid": _("Không đọc được tệp tải lên: hãy chọn lại tệp."),
}


def _checked_upload(form: forms.BaseForm, name: str):
    """The uploaded file, checked by its content before anything is saved: a bad file is named
    next to its field and the report stays as it was."""
    upload = form.cleaned_data.get(name)
    if upload:
        upload_validate(upload)
    return upload


class RoundForm(forms.ModelForm):
    outline_text = forms.CharField(
        label=_("Đề cương phần chung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_PARAGRAPH,
        help_text=format_lazy(
            "{} {}",
            _("Mỗi dòng một mục, ví dụ «I. Kết quả…» hoặc «1. Hoạt động trao đổi đoàn…»."),
            limit_hint(TEXT_PARAGRAPH),
        ),
    )

    class Meta:
        model = ReportingRound
        formfield_callback = number_formfield
        fields = [
            "request_number",
            "request_date",
            "requesting_body",
            "summary",
            "plans",
            "period_start",
            "period_end",
            "deadline",
        ]
        widgets = {
            "request_date": DATE_WIDGET,
            "period_start": DATE_WIDGET,
            "period_end": DATE_WIDGET,
            "deadline": DATE_WIDGET,
            "plans": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        plans_field = cast(forms.ModelChoiceField, self.fields["plans"])
        plans_field.queryset = plans_visible_to(user).order_by("-date")
        for name in ("request_date", "period_start", "period_end", "deadline"):
            cast(forms.DateField, self.fields[name]).input_formats = DATE_FORMATS

    def clean_outline_text(self):
        outline: list[dict[str, Any]] = []
        for raw in self.cleaned_data["outline_text"].splitlines():
            line = raw.strip()
            if not line:
                continue
            number, _, title = line.partition(" ")
            if number.rstrip(".").isdigit() and outline:
                outline[-1]["children"].append({"number": number, "title": title, "children": []})
            else:
                outline.append({"number": number, "title": title, "children": []})
        return outline


class RoundOutlineChoiceField(IdChoiceField):
    def label_from_instance(self, obj) -> str:
        summary = f" – {obj.summary[:80]}" if obj.summary else ""
        return f"{obj.request_number} ({obj.request_date:%d/%m/%Y}){summary}"


class RoundStartForm(forms.Form):
    """What the form of a new round is filled from (a GET form above it): the plan reported on,
    whose latest round gives the outline, or a round chosen as the outline's template."""

    plan = IdChoiceField(
        label=_("Kế hoạch được báo cáo"),
        queryset=None,
        required=False,
        empty_label=EDIT_EMPTY_LABEL,
        help_text=_("Đề cương lấy theo đợt báo cáo gần nhất của kế hoạch này."),
    )
    outline_from = RoundOutlineChoiceField(
        label=_("Hoặc lấy đề cương của đợt"),
        queryset=None,
        required=False,
        empty_label=EDIT_EMPTY_LABEL,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["plan"]).queryset = plans_visible_to(
            user
        ).order_by("-date")
        cast(forms.ModelChoiceField, self.fields["outline_from"]).queryset = (
            rounds_visible_to(user).exclude(outline=[]).order_by("-request_date", "-pk")
        )

    def choices(self) -> dict:
        """The valid choices (a forged id is dropped and shown as an error)."""
        if not self.is_bound:
            return {"plan": None, "source": None}
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return {"plan": data.get("plan"), "source": data.get("outline_from")}


def outline_as_text(outline) -> str:
    lines = []
    for item in outline or []:
        lines.append(f"{item.get('number', '')} {item.get('title', '')}".strip())
        lines.extend(
            f"{child.get('number', '')} {child.get('title', '')}".strip()
            for child in item.get("children", [])
        )
    return "\n".join(lines)


class ReportGeneralForm(forms.ModelForm):
    version = WholeNumberField(widget=forms.HiddenInput)
    funds_state_budget = MoneyField(label=_("Kinh phí từ ngân sách nhà nước (đồng)"))
    funds_other = MoneyField(label=_("Kinh phí từ nguồn khác (đồng)"))
    agreement_file = forms.FileField(
        label=_("Tệp văn bản thỏa thuận đã ký (PDF, DOCX, XLSX, JPG, PNG; ≤ 20 MB)"),
        required=False,
        error_messages=FILE_ERRORS,
    )
    source_file = forms.FileField(
        label=_("Báo cáo gốc của đơn vị (bản giấy đã quét, tệp Word)"),
        required=False,
        error_messages=FILE_ERRORS,
    )

    class Meta:
        model = Report
        formfield_callback = number_formfield
        fields = list(GENERAL_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "agreements_signed",
                "trade_investment",
                "one_stop_border",
                "culture_education_health_science",
                "security_remains",
                "difficulties",
                "proposals",
                "next_period_proposals",
            )
        }

    def clean_agreement_file(self):
        return _checked_upload(self, "agreement_file")

    def clean_source_file(self):
        return _checked_upload(self, "source_file")

    def values(self) -> dict:
        """The general part, as ``report_save`` takes it."""
        return {name: self.cleaned_data[name] for name in GENERAL_FIELDS}

    def new_attachments(self) -> list[NewAttachment]:
        files = (
            (self.cleaned_data.get("agreement_file"), AttachmentKind.AGREEMENT),
            (self.cleaned_data.get("source_file"), AttachmentKind.SOURCE),
        )
        return [NewAttachment(upload=upload, kind=kind) for upload, kind in files if upload]


class EntryForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Tình hình"), choices=[("", EDIT_EMPTY_LABEL), *TaskStatus.choices], required=False
    )
    result = forms.CharField(
        label=_("Kết quả thực hiện"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_CELL,
        help_text=limit_hint(TEXT_CELL),
    )
    funds_spent = MoneyField(label=_("Kinh phí đã chi (đồng)"))
    remarks = forms.CharField(
        label=_("Ghi chú"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_SHORT,
        help_text=limit_hint(TEXT_SHORT),
    )
    evidence = forms.FileField(
        label=_("Tệp minh chứng (PDF, DOCX, XLSX, JPG, PNG; ≤ 20 MB)"),
        required=False,
        error_messages=FILE_ERRORS,
    )

    def __init__(self, data=None, files=None, *, entry, **kwargs):
        self.entry = entry
        initial = {
            "status": entry.status,
            "result": entry.result,
            "funds_spent": entry.funds_spent,
            "remarks": entry.remarks,
        }
        for target in entry.task.targets.all():
            initial[f"actual_{target.pk}"] = entry.actuals.get(str(target.pk))
        super().__init__(data, files, prefix=f"e{entry.pk}", initial=initial, **kwargs)
        if entry.role != EntryRole.LEAD:
            # A coordinating agency's remark is its result: no second note to fill.
            del self.fields["remarks"]
        for target in entry.task.targets.all():
            self.fields[f"actual_{target.pk}"] = DecimalNumberField(
                label=_("Thực hiện: %(target)s") % {"target": target},
                required=False,
                max_digits=12,
                decimal_places=2,
            )

    def clean_evidence(self):
        return _checked_upload(self, "evidence")

    def values(self) -> dict:
        data = self.cleaned_data
        actuals = {
            name.removeprefix("actual_"): float(value)
            for name, value in data.items()
            if name.startswith("actual_") and value is not None
        }
        values = {
            "status": data["status"],
            "result": data["result"],
            "funds_spent": data["funds_spent"],
            "actuals": actuals,
        }
        if "remarks" in self.fields:
            values["remarks"] = data["remarks"]
        return values

    def new_attachments(self) -> list[NewAttachment]:
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return []
        return [NewAttachment(upload=upload, kind=AttachmentKind.EVIDENCE, entry=self.entry)]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Lý do trả lại, nội dung cần sửa"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_CELL,
        help_text=limit_hint(TEXT_CELL),
    )


class DashboardFilterForm(forms.Form):
    partner = IdChoiceField(
        label=_("Đối tác"), queryset=None, required=False, empty_label=FILTER_EMPTY_LABEL
    )
    # Plans and agencies are typed with server suggestions: a national list has thousands.
    plan = SuggestChoiceField(
        label=_("Kế hoạch"), queryset=Plan.objects.none(), required=False, widget=plan_widget()
    )
    field = forms.CharField(label=_("Lĩnh vực"), required=False)
    agency = SuggestChoiceField(
        label=_("Đơn vị chủ trì"),
        queryset=Agency.objects.none(),
        required=False,
        widget=agency_widget(),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        plans = plans_visible_to(user)
        partner_field = cast(forms.ModelChoiceField, self.fields["partner"])
        partner_field.queryset = (
            Locality.objects.filter(partner_plans__in=plans).distinct().order_by("name")
        )
        for name, queryset in (
            ("plan", plans.order_by("-date")),
            ("agency", agencies_visible_to(user).order_by("name")),
        ):
            choice = cast(SuggestChoiceField, self.fields[name])
            choice.queryset = queryset
            # Someone who sees several provinces picks "Sở Ngoại vụ (Quảng Trị)".
            choice.with_province = bool(user.is_superuser)

    def filters(self) -> DashboardFilters:
        """The valid filters; an invalid one (a forged id) is dropped, never trusted."""
        if not self.is_bound:
            return DashboardFilters()
        self.is_valid()
        values = {
            name: value for name, value in self.cleaned_data.items() if name not in self.errors
        }
        return DashboardFilters(
            partner=values.get("partner"),
            plan=values.get("plan"),
            field_name=(values.get("field") or "").strip(),
            agency=values.get("agency"),
        )


class AgencyMergeForm(forms.Form):
    duplicate = IdChoiceField(
        label=_("Bản ghi trùng (sẽ gộp vào cơ quan này)"), queryset=Agency.objects.none()
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        duplicate_field = cast(forms.ModelChoiceField, self.fields["duplicate"])
        duplicate_field.queryset = Agency.objects.filter(province_id=agency.province_id).exclude(
            pk=agency.pk
        )


class AgencyReplaceForm(forms.Form):
    successor = IdChoiceField(label=_("Đơn vị kế thừa"), queryset=Agency.objects.none())
    since = forms.DateField(
        label=_("Từ ngày"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        successor_field = cast(forms.ModelChoiceField, self.fields["successor"])
        successor_field.queryset = Agency.objects.filter(
            province_id=agency.province_id, active=True
        ).exclude(pk=agency.pk)


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Tên đầy đủ"), max_length=300)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=120, required=False)
    aliases = forms.CharField(
        label=_("Tên gọi khác"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một tên."),
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=AgencyKind.choices)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["aliases"] = [line for line in data["aliases"].splitlines() if line.strip()]
        return data


class AgencyEditForm(AgencyForm):
    active = forms.BooleanField(label=_("Đang hoạt động"), required=False)


GAP_MESSAGE = _("Cần điền trước khi nộp báo cáo.")


def report_forms_mark_gaps(
    gaps: list[tuple[int | None, str, str]],
    general: ReportGeneralForm,
    entry_forms: list[EntryForm],
) -> None:
    """Each gap a refused submission left (reports.services.report_gaps) becomes an error on its
    own field, so the page marks it in place; the forms show the saved draft, unbound."""
    by_entry = {form.entry.pk: form for form in entry_forms}
    for entry_id, name, _label in gaps:
        form = general if entry_id is None else by_entry.get(entry_id)
        if form is None or name not in form.fields:
            continue
        if not hasattr(form, "cleaned_data"):
            # An unbound form cleans to no errors and no data; add_error then needs the latter.
            form.full_clean()
            form.cleaned_data = {}
        form.add_error(name, GAP_MESSAGE)


class NotificationSettingsForm(forms.Form):
    """One box per kind of notification the person's role receives: ticked = also by e-mail."""

    def __init__(self, *args, kinds: tuple[str, ...], current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(NotificationKind.choices)
        for kind in kinds:
            self.fields[kind] = forms.BooleanField(
                label=labels[kind], required=False, initial=current.get(kind, True)
            )

    def emailed(self) -> list[str]:
        return [kind for kind, on in self.cleaned_data.items() if on]
