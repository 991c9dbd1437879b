"""The admin app, with coopplan's AdminSite as ``admin.site`` (``coopplan/admin.py``)."""

from django.contrib.admin.apps import AdminConfig


class CoopplanAdminConfig(AdminConfig):
    default_site = "coopplan.admin.CoopplanAdminSite"
