from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("tasks/", views.agency_tasks, name="agency_tasks"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/export/<str:fmt>/", views.plan_export, name="plan_export"),
]
