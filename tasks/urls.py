from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("tasks/", views.agency_tasks, name="agency_tasks"),
    path("tasks/<int:pk>/history/", views.task_history, name="task_history"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/export/<str:fmt>/", views.plan_export, name="plan_export"),
]
