"""Users belong to a province and, except leaders and administrators, to one agency."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Điều phối (Sở Ngoại vụ)")
    REPORTER = "reporter", _("Báo cáo (cơ quan, đơn vị)")
    LEADER = "leader", _("Lãnh đạo (chỉ xem)")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


class User(AbstractUser):
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

    # Password hashes and login times are not history a person needs to read.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

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
        if self.agency_id and self.province_id and self.agency.province_id != self.province_id:
            errors["agency"] = _("Cơ quan phải thuộc tỉnh của người dùng.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def may_coordinate(self) -> bool:
        """Open rounds, review reports, edit plans: Sở Ngoại vụ and the province's IT."""
        return self.is_superuser or self.role in (Role.COORDINATOR, Role.ADMINISTRATOR)
