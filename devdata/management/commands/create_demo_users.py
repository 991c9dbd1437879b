"""Demo accounts for trying the app: refused wherever settings.DEMO_ACCOUNTS is off (production)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role, User
from accounts.roles import user_apply_role
from agreements.models import Agency, Locality

DEMO_PASSWORD = "coopplan-demo-2026"  # noqa: S105 - printed on purpose, demo only

# (username, role, province, agency full name or None, full name)
DEMO_USERS = [
    ("dieuphoi", Role.COORDINATOR, "Quảng Trị", "Sở Ngoại vụ", "Cán bộ Sở Ngoại vụ"),
    ("congthuong", Role.REPORTER, "Quảng Trị", "Sở Công thương", "Cán bộ Sở Công thương"),
    ("leduan", Role.REPORTER, "Quảng Trị", "Trường Chính trị Lê Duẩn", "Cán bộ Trường Lê Duẩn"),
    ("lanhdao", Role.LEADER, "Quảng Trị", None, "Lãnh đạo UBND tỉnh"),
    ("quantri", Role.ADMINISTRATOR, "Quảng Trị", None, "Quản trị hệ thống tỉnh"),
]


class Command(BaseCommand):
    help = "Tạo các tài khoản dùng thử (không dùng trong môi trường sản xuất)."

    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS:
            raise CommandError("Tài khoản dùng thử bị tắt trong cấu hình này (production).")
        with transaction.atomic():
            rows = []
            for username, role, province_name, agency_name, full_name in DEMO_USERS:
                province = Locality.objects.filter(name=province_name, country="VN").first()
                if province is None:
                    raise CommandError(
                        f"Chưa có tỉnh {province_name}: chạy 'python manage.py load_seed' trước."
                    )
                agency = None
                if agency_name:
                    agency = Agency.objects.filter(province=province, name=agency_name).first()
                    if agency is None:
                        raise CommandError(f"Chưa có cơ quan {agency_name} của {province_name}.")
                user, _ = User.objects.get_or_create(username=username)
                first, _, last = full_name.rpartition(" ")
                user.first_name, user.last_name = first, last
                user.email = f"{username}@example.gov.vn"
                user.role, user.province, user.agency = role, province, agency
                user.set_password(DEMO_PASSWORD)
                user.full_clean()
                user.save()
                user_apply_role(user)
                rows.append((username, role.label, agency_name or province_name))
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, role_label, where in rows:
            self.stdout.write(f"  {username:<12} {role_label:<28} {where}")
