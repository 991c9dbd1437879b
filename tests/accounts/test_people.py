"""The province administrator's people pages and the user admin: nobody is escalated.

An administrator never grants superuser, staff, groups or permissions, never moves a user (itself
included) to another province, picks agencies of its own province only, and never sees or
changes a superuser or another province's users: through /people/ and through the admin alike.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Role, User
from accounts.roles import GROUP_NAMES
from agreements.models import Agency
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter(quang_tri):
    agency = Agency.objects.get(province=quang_tri, name="Sở Công thương")
    user = make_user("congthuong_t", Role.REPORTER, quang_tri, agency)
    user.email = "ct@example.gov.vn"
    user.save()
    return user


@pytest.fixture
def agency_kh(khanh_hoa):
    return Agency.objects.filter(province=khanh_hoa).first()


def flags(user: User) -> tuple:
    user.refresh_from_db()
    return (
        user.is_superuser,
        user.is_staff,
        user.province_id,
        user.agency_id,
        sorted(user.groups.values_list("name", flat=True)),
        list(user.user_permissions.all()),
    )


# -- services ------------------------------------------------------------------------------------


def test_administrator_creates_a_user_of_its_province_with_a_temporary_password(
    administrator, quang_tri
):
    agency = Agency.objects.get(province=quang_tri, name="Sở Công thương")
    user, password = services.user_create(
        actor=administrator,
        username="moi",
        email="moi@example.gov.vn",
        role=Role.REPORTER,
        agency=agency,
        first_name="Nguyễn Văn",
        last_name="Mới",
    )
    assert password and user.check_password(password)
    assert user.province == quang_tri and not user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [GROUP_NAMES[Role.REPORTER]]
    record = user.history.first()
    assert record.history_user == administrator


def test_administrator_cannot_pick_another_provinces_agency_or_province(
    administrator, khanh_hoa, agency_kh
):
    with pytest.raises(ValidationError) as error:
        services.user_create(
            actor=administrator,
            username="lac",
            email="lac@example.gov.vn",
            role=Role.REPORTER,
            agency=agency_kh,
        )
    assert "agency" in error.value.message_dict
    # A province passed by an administrator is ignored: the user is of its own province.
    user, _ = services.user_create(
        actor=administrator,
        username="ld",
        email="ld@example.gov.vn",
        role=Role.LEADER,
        province=khanh_hoa,
    )
    assert user.province_id == administrator.province_id
    assert not User.objects.filter(username="lac").exists()


def test_administrator_cannot_touch_superusers_or_other_provinces(
    administrator, coordinator_kh, superuser
):
    for target in (coordinator_kh, superuser):
        before = flags(target)
        with pytest.raises(PermissionDenied):
            services.user_update(
                actor=administrator,
                user=target,
                role=Role.LEADER,
                agency=None,
                first_name="x",
                last_name="y",
                email="x@example.gov.vn",
            )
        with pytest.raises(PermissionDenied):
            services.user_deactivate(actor=administrator, user=target)
        with pytest.raises(PermissionDenied):
            services.user_password_reset(actor=administrator, user=target)
        assert flags(target) == before
        target.refresh_from_db()
        assert target.is_active


def test_administrator_cannot_change_its_own_role_or_lock_itself_out(administrator):
    with pytest.raises(ValidationError):
        services.user_update(
            actor=administrator,
            user=administrator,
            role=Role.COORDINATOR,
            agency=None,
            first_name="",
            last_name="",
            email=administrator.email,
        )
    with pytest.raises(ValidationError):
        services.user_deactivate(actor=administrator, user=administrator)
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR and administrator.is_active


def test_other_roles_cannot_manage_people(coordinator, reporter):
    with pytest.raises(PermissionDenied):
        services.user_password_reset(actor=coordinator, user=reporter)
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=coordinator, username="z", email="z@example.gov.vn", role=Role.REPORTER
        )


def test_only_administrators_are_staff(coordinator, administrator):
    coordinator.refresh_from_db()
    assert not coordinator.is_staff
    assert administrator.is_staff


# -- /people/ ------------------------------------------------------------------------------------


def test_people_list_shows_the_province_only(
    administrator_client, reporter, coordinator_kh, superuser
):
    response = administrator_client.get(reverse("accounts:people_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "congthuong_t" in html
    assert "coordinator_kh" not in html and "root_test" not in html
    assert "Người dùng" in html  # the nav link


def test_people_create_page_shows_the_password_once(administrator_client, quang_tri):
    agency = Agency.objects.get(province=quang_tri, name="Sở Công thương")
    response = administrator_client.post(
        reverse("accounts:people_create"),
        {
            "username": "canbo_moi",
            "first_name": "Trần",
            "last_name": "Bình",
            "email": "binh@example.gov.vn",
            "role": Role.REPORTER,
            "agency": agency.pk,
            # Forged: none of these is a field of the page.
            "is_superuser": "on",
            "is_staff": "on",
            "province": "1",
            "groups": [str(Group.objects.get(name=GROUP_NAMES[Role.ADMINISTRATOR]).pk)],
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    user = User.objects.get(username="canbo_moi")
    password = response.context["password"]
    assert user.check_password(password)
    assert password in response.content.decode()
    assert flags(user)[:4] == (False, False, quang_tri.pk, agency.pk)
    assert flags(user)[4] == [GROUP_NAMES[Role.REPORTER]]


def test_people_create_refuses_another_provinces_agency(administrator_client, agency_kh):
    response = administrator_client.post(
        reverse("accounts:people_create"),
        {
            "username": "lac",
            "email": "lac@example.gov.vn",
            "role": Role.REPORTER,
            "agency": agency_kh.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["agency"]
    assert not User.objects.filter(username="lac").exists()


def test_people_edit_changes_role_and_agency_never_the_flags(
    administrator_client, reporter, quang_tri, agency_kh
):
    agency = Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ")
    url = reverse("accounts:people_edit", args=[reporter.pk])
    data = {
        "first_name": "Lê",
        "last_name": "An",
        "email": "an@example.gov.vn",
        "role": Role.COORDINATOR,
        "agency": agency.pk,
        "is_superuser": "on",
        "is_staff": "on",
        "province": str(agency_kh.province_id),
    }
    response = administrator_client.post(url, data)
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert (reporter.role, reporter.agency, reporter.first_name) == (Role.COORDINATOR, agency, "Lê")
    assert flags(reporter)[:3] == (False, False, quang_tri.pk)
    response = administrator_client.post(url, {**data, "agency": agency_kh.pk})
    assert response.status_code == 200 and response.context["form"].errors["agency"]
    reporter.refresh_from_db()
    assert reporter.agency == agency


def test_people_lock_and_password_reset(administrator_client, reporter):
    response = administrator_client.post(
        reverse("accounts:people_active", args=[reporter.pk]), {"active": "0"}
    )
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert not reporter.is_active
    administrator_client.post(
        reverse("accounts:people_active", args=[reporter.pk]), {"active": "1"}
    )
    reporter.refresh_from_db()
    assert reporter.is_active
    response = administrator_client.post(reverse("accounts:people_password", args=[reporter.pk]))
    assert response.status_code == 200
    reporter.refresh_from_db()
    assert reporter.check_password(response.context["password"])


def test_people_pages_answer_404_for_other_provinces_and_superusers(
    administrator_client, coordinator_kh, superuser
):
    for target in (coordinator_kh, superuser):
        before = flags(target)
        for name, method in (
            ("accounts:people_edit", "get"),
            ("accounts:people_edit", "post"),
            ("accounts:people_active", "post"),
            ("accounts:people_password", "post"),
        ):
            response = getattr(administrator_client, method)(reverse(name, args=[target.pk]))
            assert response.status_code == 404, (name, target)
        assert flags(target) == before
        target.refresh_from_db()
        assert target.is_active


# -- the user admin ------------------------------------------------------------------------------


def test_admin_user_form_has_no_privilege_fields_for_an_administrator(
    administrator_client, reporter
):
    response = administrator_client.get(reverse("admin:accounts_user_change", args=[reporter.pk]))
    assert response.status_code == 200
    fields = set(response.context["adminform"].form.fields)
    assert not fields & {"is_superuser", "is_staff", "groups", "user_permissions", "province"}
    response = administrator_client.get(reverse("admin:accounts_user_add"))
    fields = set(response.context["adminform"].form.fields)
    assert not fields & {"is_superuser", "is_staff", "groups", "user_permissions", "province"}


def admin_change_data(user, **extra) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email or "x@example.gov.vn",
        "role": user.role,
        "agency": user.agency_id or "",
        "is_active": "on",
        **extra,
    }


def test_admin_administrator_cannot_escalate_itself(administrator_client, administrator, khanh_hoa):
    before = flags(administrator)
    admin_group = Group.objects.get(name=GROUP_NAMES[Role.ADMINISTRATOR])
    response = administrator_client.post(
        reverse("admin:accounts_user_change", args=[administrator.pk]),
        admin_change_data(
            administrator,
            is_superuser="on",
            is_staff="on",
            province=khanh_hoa.pk,
            groups=[admin_group.pk],
            user_permissions=[Permission.objects.get(codename="change_group").pk],
        ),
    )
    assert response.status_code == 302
    assert flags(administrator) == before
    # Nor demote or lock itself: refused with a Vietnamese message.
    response = administrator_client.post(
        reverse("admin:accounts_user_change", args=[administrator.pk]),
        admin_change_data(administrator, role=Role.REPORTER),
    )
    assert response.status_code == 200
    assert "Không thể tự đổi vai trò" in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR


def test_admin_administrator_cannot_create_a_user_in_another_province(
    administrator_client, khanh_hoa, agency_kh, quang_tri
):
    response = administrator_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "ngoai_tinh",
            "password1": "Mat-khau-dai-12345",
            "password2": "Mat-khau-dai-12345",
            "usable_password": "true",
            "email": "nt@example.gov.vn",
            "role": Role.COORDINATOR,
            "agency": agency_kh.pk,
            "province": khanh_hoa.pk,
            "is_superuser": "on",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="ngoai_tinh").exists()
    agency = Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ")
    response = administrator_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "trong_tinh",
            "password1": "Mat-khau-dai-12345",
            "password2": "Mat-khau-dai-12345",
            "usable_password": "true",
            "email": "tt@example.gov.vn",
            "role": Role.COORDINATOR,
            "agency": agency.pk,
            "province": khanh_hoa.pk,
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    user = User.objects.get(username="trong_tinh")
    assert flags(user)[:4] == (False, False, quang_tri.pk, agency.pk)
    assert flags(user)[4] == [GROUP_NAMES[Role.COORDINATOR]]


def test_admin_administrator_never_sees_superusers_or_other_provinces(
    administrator_client, superuser, coordinator_kh, reporter
):
    response = administrator_client.get(reverse("admin:accounts_user_changelist"), {"all": ""})
    shown = set(response.context["cl"].result_list)
    assert reporter in shown
    assert superuser not in shown and coordinator_kh not in shown
    for target in (superuser, coordinator_kh):
        before = flags(target)
        for url in (
            reverse("admin:accounts_user_change", args=[target.pk]),
            reverse("admin:auth_user_password_change", args=[target.pk]),
        ):
            response = administrator_client.post(
                url,
                {
                    **admin_change_data(target, first_name="HACKED"),
                    "password1": "Mat-khau-dai-12345",
                    "password2": "Mat-khau-dai-12345",
                },
            )
            assert response.status_code in (302, 404)
        target.refresh_from_db()
        assert target.first_name != "HACKED"
        assert target.check_password("pw-for-tests-1")
        assert flags(target) == before


def test_admin_agency_autocomplete_for_users_is_the_provinces(administrator_client, agency_kh):
    response = administrator_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "user", "field_name": "agency", "term": ""},
    )
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert ids and agency_kh.pk not in ids
