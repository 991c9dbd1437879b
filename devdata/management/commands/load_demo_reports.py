from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devdata.demo import demo_reports_load


class Command(BaseCommand):
    help = "Nạp vài báo cáo mẫu vào đợt 6452/UBND-ĐN (chỉ khi dùng thử)."

    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS:
            raise CommandError("Dữ liệu dùng thử bị tắt trong cấu hình này (production).")
        lines = demo_reports_load()
        for line in lines:
            self.stdout.write(f"  báo cáo mẫu: {line}")
        if not lines:
            self.stdout.write("Báo cáo mẫu đã có sẵn (hoặc chưa có tài khoản dùng thử).")
