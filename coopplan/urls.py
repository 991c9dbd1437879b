from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import include, path

from coopplan.health import healthz


@login_required
def home(request):
    if getattr(request.user, "role", None) == "reporter":
        return redirect("reports:reporter_home")
    if getattr(request.user, "role", None) == "leader":
        return redirect("reports:dashboard")
    return redirect("reports:round_list")


handler500 = "coopplan.errors.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("agreements.urls")),
    path("people/", include("accounts.urls")),
    path("", include("tasks.urls")),
    path("", include("reports.urls")),
]
