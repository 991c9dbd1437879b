"""Forms of the /people/ pages: only what an administrator may set, choices of its province."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Agency, Country, Locality
from agreements.numbers import IdChoiceField
from agreements.permissions import agencies_visible_to

from .models import Role
from .permissions import ASSIGNABLE_ROLES


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("Họ và tên đệm"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Tên"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"))
    role = forms.ChoiceField(
        label=_("Vai trò"),
        choices=[(r.value, r.label) for r in ASSIGNABLE_ROLES],
        initial=Role.REPORTER,
    )
    agency = IdChoiceField(
        label=_("Cơ quan, đơn vị"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Bắt buộc với cán bộ điều phối và cán bộ báo cáo."),
    )

    def __init__(self, *args, actor, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = agencies_visible_to(actor).filter(active=True)
        if province is not None:
            agencies = agencies.filter(province=province)
        cast(IdChoiceField, self.fields["agency"]).queryset = agencies.order_by("name")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("role") in (Role.COORDINATOR, Role.REPORTER) and not cleaned.get("agency"):
            self.add_error(
                "agency", _("Cán bộ điều phối và cán bộ báo cáo phải thuộc một cơ quan.")
            )
        return cleaned


class PersonCreateForm(PersonForm):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        help_text=_("Chữ cái, chữ số và @/./+/-/_ ; không dấu, không khoảng trắng."),
    )
    field_order = ["username", "first_name", "last_name", "email", "role", "agency"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        if actor.is_superuser:
            self.fields["province"] = IdChoiceField(
                label=_("Tỉnh"), queryset=Locality.objects.filter(country=Country.VN)
            )
