"""Forms for agreements, meetings and plan headers: choices limited to the user's province."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .limits import TEXT_SHORT, limit_hint
from .models import Agreement, Country, Meeting, Plan, PlanStatus
from .numbers import number_formfield
from .permissions import agreements_visible_to, meetings_visible_to, plans_visible_to
from .uploads import DOCUMENT_KINDS, upload_validate


def form_add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: each message beside the field it names, the rest
    (no field, or a field the form does not have) above the form. The one place every view and
    admin form turns a ``ValidationError`` from a service into what the user reads."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ProvinceForm(forms.ModelForm):
    """A form whose related choices come from the user's province only (forged ids are refused)."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        partners = self.fields.get("partners")
        if isinstance(partners, forms.ModelMultipleChoiceField) and partners.queryset is not None:
            partners.queryset = partners.queryset.exclude(country=Country.VN).order_by("name")

    def date_inputs(self, *names: str) -> None:
        for name in names:
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(ProvinceForm):
    class Meta:
        model = Agreement
        formfield_callback = number_formfield
        fields = [
            "kind",
            "title",
            "partners",
            "start_year",
            "end_year",
            "signed_date",
            "signed_place",
            "signatories",
            "file",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "signatories": forms.Textarea(attrs={"rows": 3}),
            "partners": forms.SelectMultiple(attrs={"size": 6}),
            # Not Django's clearable input: it links to /media/, which is never served directly.
            "file": forms.FileInput,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].required = True
        self.fields["file"].help_text = _("PDF, DOCX, JPG hoặc PNG; tối đa 20 MB.")
        if self.instance.file:
            self.fields["file"].help_text = _(
                "Đã có tệp; chọn tệp mới để thay. PDF, DOCX, JPG hoặc PNG; tối đa 20 MB."
            )
            self.fields["file_clear"] = forms.BooleanField(
                label=_("Gỡ tệp đính kèm hiện có"), required=False
            )
        self.date_inputs("signed_date")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):
            upload_validate(upload, allowed=DOCUMENT_KINDS)
        return upload


class MeetingForm(ProvinceForm):
    class Meta:
        model = Meeting
        formfield_callback = number_formfield
        fields = [
            "kind",
            "title",
            "date",
            "timeframe_text",
            "place",
            "partners",
            "agreements",
            "conclusions",
            "notice_number",
            "notice_date",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "conclusions": forms.Textarea(attrs={"rows": 6}),
            "partners": forms.SelectMultiple(attrs={"size": 6}),
            "agreements": forms.SelectMultiple(attrs={"size": 4}),
        }
        help_texts = {
            "timeframe_text": _("Khi chưa có ngày cụ thể, ví dụ: Quý III/2022."),
            "notice_number": _("Thông báo ghi nhận kết quả, ví dụ: 196-TB/TU."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agreements_field = cast(forms.ModelChoiceField, self.fields["agreements"])
        agreements_field.queryset = agreements_visible_to(self.user).order_by("title")
        self.date_inputs("date", "notice_date")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("date") and not (data.get("timeframe_text") or "").strip():
            self.add_error(
                "date", _("Cần ghi ngày họp hoặc thời gian dự kiến (ví dụ: Quý III/2022).")
            )
        return data


class PlanForm(ProvinceForm):
    """The header of the issuing document; its text and tasks are edited on the plan page."""

    class Meta:
        model = Plan
        formfield_callback = number_formfield
        fields = [
            "kind",
            "number",
            "date",
            "place",
            "issuing_body",
            "summary",
            "title",
            "start_year",
            "end_year",
            "partners",
            "agreements",
            "predecessor",
            "parent",
            "meeting",
            "signing_authority",
            "signing_title",
            "signer",
            "recipients",
        ]
        widgets = {
            # Printed on two lines ("ỦY BAN NHÂN DÂN" / "TỈNH QUẢNG TRỊ", "KT. CHỦ TỊCH" /
            # "PHÓ CHỦ TỊCH"): a one-line input would lose the line break, even on a mere edit.
            "issuing_body": forms.Textarea(attrs={"rows": 2}),
            "signing_authority": forms.Textarea(attrs={"rows": 2}),
            "signing_title": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 2}),
            "title": forms.Textarea(attrs={"rows": 2}),
            "recipients": forms.Textarea(attrs={"rows": 5}),
            "partners": forms.SelectMultiple(attrs={"size": 6}),
            "agreements": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = plans_visible_to(self.user).order_by("-date", "number")
        if self.instance.pk:
            plans = plans.exclude(pk=self.instance.pk)
        cast(forms.ModelChoiceField, self.fields["predecessor"]).queryset = plans
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = plans
        meeting_field = cast(forms.ModelChoiceField, self.fields["meeting"])
        meeting_field.queryset = meetings_visible_to(self.user).order_by("-start_date")
        agreements_field = cast(forms.ModelChoiceField, self.fields["agreements"])
        agreements_field.queryset = agreements_visible_to(self.user).order_by("title")
        self.date_inputs("date")
        self.fields["issuing_body"].help_text = _(
            "In như văn bản, mỗi dòng một dòng; ví dụ: ỦY BAN NHÂN DÂN, xuống dòng, TỈNH QUẢNG TRỊ."
        )
        self.fields["signing_title"].help_text = _(
            "Mỗi dòng in một dòng; ví dụ: KT. CHỦ TỊCH, xuống dòng, PHÓ CHỦ TỊCH."
        )


class PlanStatusForm(forms.Form):
    """One transition: issue, close, or reopen (with a reason) to draft or issued."""

    action = forms.ChoiceField(
        label=_("Thao tác"),
        choices=[
            ("issue", _("Ban hành")),
            ("close", _("Kết thúc")),
            ("reopen", _("Mở lại")),
        ],
    )
    to = forms.ChoiceField(
        label=_("Mở lại thành"),
        choices=[(PlanStatus.DRAFT, _("Dự thảo")), (PlanStatus.ISSUED, _("Đã ban hành"))],
        required=False,
    )
    reason = forms.CharField(
        label=_("Lý do mở lại"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_SHORT,
        help_text=limit_hint(TEXT_SHORT),
    )
    # The status the page showed: a step chosen on a page from before someone else's is refused.
    current = forms.ChoiceField(
        choices=PlanStatus.choices, required=False, widget=forms.HiddenInput
    )
