from django.urls import path

from . import import_views, views

app_name = "tasks"

urlpatterns = [
    path("tasks/", views.agency_tasks, name="agency_tasks"),
    path("tasks/<int:pk>/history/", views.task_history, name="task_history"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("tasks/<int:pk>/move/", views.task_move, name="task_move"),
    path("plans/<int:plan_pk>/tasks/new/", views.task_new, name="task_new"),
    path("plans/import/", import_views.plan_import_upload, name="plan_import_upload"),
    path("plans/import/preview/", import_views.plan_import_preview, name="plan_import_preview"),
    path("plans/<int:pk>/carry-forward/", views.plan_carry_forward, name="plan_carry_forward"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/move/", views.section_move, name="section_move"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("plans/<int:plan_pk>/sections/new/", views.section_new, name="section_new"),
    path("plans/<int:plan_pk>/blocks/new/", views.block_new, name="block_new"),
    path("plans/<int:plan_pk>/blocks/paste/", views.block_paste, name="block_paste"),
    path("blocks/<int:pk>/edit/", views.block_edit, name="block_edit"),
    path("blocks/<int:pk>/move/", views.block_move, name="block_move"),
    path("blocks/<int:pk>/delete/", views.block_delete, name="block_delete"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/export/<str:fmt>/", views.plan_export, name="plan_export"),
    path("plans/<int:pk>/timeline/", views.plan_timeline, name="plan_timeline"),
    path("plans/<int:pk>/timeline.pdf", views.plan_timeline_pdf, name="plan_timeline_pdf"),
]
