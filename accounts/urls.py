from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.people_list, name="people_list"),
    path("new/", views.people_create, name="people_create"),
    path("<int:pk>/edit/", views.people_edit, name="people_edit"),
    path("<int:pk>/active/", views.people_active, name="people_active"),
    path("<int:pk>/password/", views.people_password, name="people_password"),
]
