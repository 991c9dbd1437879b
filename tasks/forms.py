"""The in-place task form on the plan page: agencies typed by any known name, accents optional."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.services import AgencyIndex

from .models import Task

SEPARATORS = re.compile(r"\s*(?:;|\n)\s*")


class TaskForm(forms.ModelForm):
    leads = forms.CharField(
        label=_("Đơn vị chủ trì"),
        required=False,
        help_text=_(
            "Nhiều đơn vị cách nhau bằng dấu chấm phẩy; gõ tên đầy đủ, tên tắt hoặc không dấu."
        ),
        widget=forms.TextInput(attrs={"list": "agency-names", "autocomplete": "off"}),
    )

    class Meta:
        model = Task
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
            "coordinating_text": forms.Textarea(attrs={"rows": 2}),
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
        """Known agencies named in the printed coordinating cell (comma, semicolon or 'và')."""
        found = []
        text = self.cleaned_data["coordinating_text"]
        for part in re.split(r"\s*(?:,|;|\n|\.|\bvà\b)\s*", text):
            agency = self.index.resolve(part) if part else None
            if agency and agency not in found:
                found.append(agency)
        return found
