"""The province's people, for its administrator: list, create, edit, lock, reset a password.

Every page answers 404 to anyone who may not manage people and for any user outside the
administrator's province (superusers included), forged ids alike. The writes are
``accounts.services``'s, the same the admin calls.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from agreements.forms import form_add_errors

from . import services
from .forms import PersonCreateForm, PersonForm
from .permissions import may_manage_people, user_get_for_user, users_visible_to


def _require_manager(user) -> None:
    if not may_manage_people(user):
        raise Http404


@login_required
def people_list(request):
    _require_manager(request.user)
    people = (
        users_visible_to(request.user)
        .select_related("agency", "province")
        .order_by("-is_active", "role", "username")
    )
    return render(request, "accounts/people_list.html", {"people": people})


@never_cache
@login_required
def people_create(request):
    _require_manager(request.user)
    form = PersonCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.user_create(
                actor=request.user,
                username=data["username"],
                email=data["email"],
                role=data["role"],
                agency=data["agency"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                province=data.get("province"),
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            # Shown once, on this page only: it is stored hashed.
            return render(
                request,
                "accounts/people_password.html",
                {"person": user, "password": password, "created": True},
            )
    return render(request, "accounts/people_form.html", {"form": form, "person": None})


@login_required
def people_edit(request, pk: int):
    _require_manager(request.user)
    person = user_get_for_user(request.user, pk)
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "role": person.role,
        "agency": person.agency_id,
    }
    form = PersonForm(
        request.POST or None, initial=initial, actor=request.user, province=person.province
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=person,
                role=data["role"],
                agency=data["agency"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thông tin của %s.") % person.username)
            return redirect("accounts:people_list")
    return render(request, "accounts/people_form.html", {"form": form, "person": person})


@login_required
@require_POST
def people_active(request, pk: int):
    _require_manager(request.user)
    person = user_get_for_user(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_deactivate(actor=request.user, user=person, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if active:
            messages.success(request, _("Đã mở lại tài khoản %s.") % person.username)
        else:
            messages.success(request, _("Đã khóa tài khoản %s.") % person.username)
    return redirect("accounts:people_list")


@never_cache
@login_required
@require_POST
def people_password(request, pk: int):
    _require_manager(request.user)
    person = user_get_for_user(request.user, pk)
    password = services.user_password_reset(actor=request.user, user=person)
    return render(
        request,
        "accounts/people_password.html",
        {"person": person, "password": password, "created": False},
    )
