from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/file/", views.agreement_file, name="agreement_file"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/directive/", views.directive_new, name="directive_new"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/status/", views.plan_status, name="plan_status"),
    path("plans/<int:pk>/history/", views.plan_history, name="plan_history"),
    path("agencies/suggest/", views.agency_suggest, name="agency_suggest"),
    path("plans/suggest/", views.plan_suggest, name="plan_suggest"),
]
