from django.urls import path

from . import views, workbook_views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/<str:fmt>/", views.dashboard_export, name="dashboard_export"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/my-report/", views.report_mine, name="report_mine"),
    path("rounds/<int:pk>/export/<str:fmt>/", views.round_export, name="round_export"),
    path("rounds/<int:pk>/reminder/<str:fmt>/", views.reminder_export, name="reminder_export"),
    path("rounds/<int:pk>/behalf/<int:agency_pk>/", views.report_behalf, name="report_behalf"),
    path(
        "rounds/<int:pk>/workbook/<int:agency_pk>/",
        workbook_views.workbook_download,
        name="workbook_download",
    ),
    path("rounds/<int:pk>/workbooks.zip", workbook_views.workbook_zip, name="workbook_zip"),
    path(
        "rounds/<int:pk>/workbook/upload/", workbook_views.workbook_upload, name="workbook_upload"
    ),
    path(
        "rounds/<int:pk>/workbook/confirm/<str:upload>/",
        workbook_views.workbook_confirm,
        name="workbook_confirm",
    ),
    path(
        "rounds/<int:pk>/workbook/marked/<str:upload>/",
        workbook_views.workbook_marked,
        name="workbook_marked",
    ),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("tasks/<int:pk>/reports/", views.task_reports, name="task_reports"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("documents/<int:pk>/", views.document_job, name="document_job"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/new/", views.agency_create, name="agency_create"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("files/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("files/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("my-work/", views.reporter_home, name="reporter_home"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
]
