"""Users belong to a province and, except leaders and administrators, to one agency."""

import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.choices import ChoiceLabels


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Điều phối (Sở Ngoại vụ)")
    REPORTER = "reporter", _("Báo cáo (cơ quan, đơn vị)")
    LEADER = "leader", _("Lãnh đạo (chỉ xem)")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


class User(ChoiceLabels, AbstractUser):
    role = models.CharField(
        _("vai trò"), max_length=20, choices=Role.choices, default=Role.REPORTER
    )
    province = models.ForeignKey(
        "agreements.Locality",
        verbose_name=_("tỉnh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    agency = models.ForeignKey(
        "agreements.Agency",
        verbose_name=_("cơ quan, đơn vị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    # The secret part of the user's calendar feed address (.ics), made on first use.
    calendar_token = models.CharField(
        _("mã lịch"), max_length=64, unique=True, null=True, blank=True, editable=False
    )

    # Password hashes, login times and secrets are not history a person needs to read.
    history = HistoricalRecords(excluded_fields=["password", "last_login", "calendar_token"])

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def clean(self) -> None:
        super().clean()
        errors = {}
        if not self.is_superuser and not self.email:
            errors["email"] = _("Cần địa chỉ thư điện tử để nhận thư nhắc báo cáo.")
        if not self.is_superuser and self.province_id is None:
            errors["province"] = _("Người dùng phải thuộc một tỉnh.")
        if self.role in (Role.COORDINATOR, Role.REPORTER) and self.agency_id is None:
            errors["agency"] = _("Cán bộ điều phối và cán bộ báo cáo phải thuộc một cơ quan.")
        if (
            self.province_id
            and self.agency is not None
            and self.agency.province_id != self.province_id
        ):
            errors["agency"] = _("Cơ quan phải thuộc tỉnh của người dùng.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    def calendar_token_rotate(self) -> str:
        """A new secret for the calendar feed; the old address stops working at once."""
        self.calendar_token = secrets.token_urlsafe(32)
        self.save(update_fields=["calendar_token"])
        return self.calendar_token

    @property
    def may_see_dashboard(self) -> bool:
        """The dashboard shows every agency's figures: leaders and coordinators, not reporters."""
        return self.is_superuser or self.role != Role.REPORTER

    @property
    def may_coordinate(self) -> bool:
        """Open rounds, review reports, edit plans: Sở Ngoại vụ and the province's IT."""
        return self.is_superuser or self.role in (Role.COORDINATOR, Role.ADMINISTRATOR)
