"""Numbers typed into forms: what Python would parse but a person never means is refused.

``NaN``, ``sNaN``, ``Infinity``, ``1e40`` or thirty digits used to reach ``Decimal``
comparisons or the model's limits inside a service: a 500. Every number field now refuses
them next to the field, in Vietnamese, and nothing is saved.
"""

import inspect
from decimal import Decimal

import pytest
from django import forms

from agreements.models import Agreement, Plan
from agreements.numbers import (
    ID_FIELDS,
    NUMBER_FIELDS,
    DecimalNumberField,
    MoneyField,
    WholeNumberField,
)
from reports.models import Report
from reports.services import report_start
from tasks.models import PlanBlock, Target
from tasks.services import block_create
from tests.reports.factories import open_round, reporter_of

pytestmark = pytest.mark.django_db

NASTY = ["NaN", "sNaN", "-NaN", "Infinity", "-Infinity", "inf", "1e40", "1E+5", "9" * 30, "0x10"]


# -- the fields themselves ----------------------------------------------------------------------


@pytest.mark.parametrize("value", NASTY)
@pytest.mark.parametrize(
    "field",
    [
        WholeNumberField(),
        WholeNumberField(max_value=2200, min_value=1990),
        MoneyField(),
        DecimalNumberField(max_digits=12, decimal_places=2),
    ],
    ids=["count", "year", "money", "quantity"],
)
def test_every_number_field_refuses_what_is_not_a_typed_number(field, value):
    with pytest.raises(forms.ValidationError) as error:
        field.clean(value)
    message = " ".join(error.value.messages)
    assert "không phải số" in message or "quá lớn" in message, message


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        (MoneyField(), "1.500.000", Decimal(1_500_000)),
        (MoneyField(), "1 500 000 đ", Decimal(1_500_000)),
        (MoneyField(), "1500000", Decimal(1_500_000)),
        (MoneyField(), "1,500,000", Decimal(1_500_000)),
        (MoneyField(), "", None),
        (WholeNumberField(), " 12 ", 12),
        (DecimalNumberField(max_digits=12, decimal_places=2), "12,5", Decimal("12.5")),
        (DecimalNumberField(max_digits=12, decimal_places=2), "12.5", Decimal("12.5")),
    ],
)
def test_what_people_type_is_read(field, typed, expected):
    assert field.clean(typed) == expected


def test_a_negative_amount_says_so():
    with pytest.raises(forms.ValidationError, match="không âm"):
        MoneyField().clean("-5")


# -- every form class of the project takes numbers only through these fields -------------------


def _project_form_classes():
    import accounts.forms
    import agreements.forms
    import reports.forms
    import reports.views
    import tasks.forms
    import tasks.import_views
    import tasks.views

    modules = [
        accounts.forms,
        agreements.forms,
        reports.forms,
        reports.views,
        tasks.forms,
        tasks.import_views,
        tasks.views,
    ]
    found = set()
    for module in modules:
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__.split(".")[0] in (
                "accounts",
                "agreements",
                "reports",
                "tasks",
            ):
                found.add(value)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


@pytest.mark.parametrize("form_class", _project_form_classes(), ids=lambda c: c.__name__)
def test_no_form_declares_another_number_field(form_class):
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
            assert isinstance(field, NUMBER_FIELDS), (form_class.__name__, name, type(field))
        if isinstance(field, forms.ModelChoiceField):  # an id is a number too
            assert isinstance(field, ID_FIELDS), (form_class.__name__, name, type(field))


# -- through the pages ------------------------------------------------------------------------


@pytest.fixture
def report_page(client, coordinator, quang_tri):
    reporting_round = open_round(coordinator)
    reporter = reporter_of(quang_tri, "Trường Chính trị Lê Duẩn", "leduan_n")
    report = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    entry = report.entries.filter(role="lead").select_related("task").first()
    target = Target.objects.create(
        task=entry.task, indicator="Học viên", unit="người", quantity=25, per="year"
    )
    client.force_login(reporter)
    return client, report, entry, target


def _report_data(report) -> dict:
    data = {
        "version": report.version,
        "delegations_out": "2",
        "delegations_out_officials": "9",
        "delegations_in": "1",
        "funds_state_budget": "1.500.000",
        "funds_other": "0",
        "action": "save",
    }
    for entry in report.entries.all():
        data[f"e{entry.pk}-status"] = "in_progress"
        data[f"e{entry.pk}-result"] = "Đã tiếp nhận học viên"
    return data


REPORT_FIELDS = [
    "delegations_out",
    "delegations_out_officials",
    "delegations_in",
    "funds_state_budget",
    "funds_other",
    "entry-funds_spent",
    "entry-actual",
    "version",
]


@pytest.mark.parametrize("value", NASTY)
@pytest.mark.parametrize("field", REPORT_FIELDS)
def test_report_form_refuses_nonsense_numbers_next_to_the_field(report_page, field, value):
    client, report, entry, target = report_page
    data = _report_data(report)
    name = {
        "entry-funds_spent": f"e{entry.pk}-funds_spent",
        "entry-actual": f"e{entry.pk}-actual_{target.pk}",
    }.get(field, field)
    data[name] = value

    response = client.post(f"/reports/{report.pk}/edit/", data)

    assert response.status_code == 400
    forms_ = [response.context["form"], *(eform for _entry, eform in response.context["rows"])]
    errors = [
        error
        for form in forms_
        for key, field_errors in form.errors.items()
        for error in field_errors
        if form.add_prefix(key) == name
    ]
    assert errors, name
    assert any("không phải số" in e or "quá lớn" in e for e in errors), errors
    assert errors[0] in response.content.decode()
    stored = Report.objects.get(pk=report.pk)
    assert stored.version == report.version and stored.delegations_out is None


def test_a_service_refusal_is_shown_not_a_500(report_page, monkeypatch):
    from django.core.exceptions import ValidationError

    from reports import services

    client, report, _entry, _target = report_page

    def refuse(**kwargs):
        raise ValidationError({"funds_other": "Số tiền vượt giới hạn cho phép."})

    monkeypatch.setattr(services, "report_save", refuse)
    response = client.post(f"/reports/{report.pk}/edit/", _report_data(report))
    assert response.status_code == 400
    assert "Số tiền vượt giới hạn cho phép." in response.content.decode()


def _plan():
    return Plan.objects.get(province__name="Quảng Trị", number="165/QĐ-UBND")


def _field_error(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


@pytest.mark.parametrize("value", NASTY)
def test_plan_years_refuse_nonsense(coordinator_client, value):
    plan = _plan()
    response = coordinator_client.post(
        f"/plans/{plan.pk}/edit/",
        {
            "kind": plan.kind,
            "number": plan.number,
            "title": plan.title,
            "start_year": value,
            "end_year": "2030",
        },
    )
    assert response.status_code == 400
    assert _field_error(response, "start_year")
    assert Plan.objects.get(pk=plan.pk).start_year == plan.start_year


@pytest.mark.parametrize("value", NASTY)
def test_carry_forward_years_refuse_nonsense(coordinator_client, value):
    plan = _plan()
    response = coordinator_client.post(
        f"/plans/{plan.pk}/carry-forward/",
        {"number": "1/KH-UBND", "title": "Kế hoạch mới", "start_year": value, "end_year": "2031"},
    )
    assert response.status_code in (200, 400)
    assert _field_error(response, "start_year")
    assert not Plan.objects.filter(number="1/KH-UBND").exists()


@pytest.mark.parametrize("value", NASTY)
def test_agreement_years_refuse_nonsense(coordinator_client, quang_tri, value):
    agreement = Agreement.objects.filter(province=quang_tri).order_by("pk").first()
    response = coordinator_client.post(
        f"/agreements/{agreement.pk}/edit/",
        {"kind": agreement.kind, "title": agreement.title, "start_year": value},
    )
    assert response.status_code in (200, 400)
    assert _field_error(response, "start_year")
    assert Agreement.objects.get(pk=agreement.pk).start_year == agreement.start_year


@pytest.mark.parametrize("value", NASTY)
def test_block_level_refuses_nonsense(coordinator_client, coordinator, value):
    block = block_create(plan=_plan(), kind="paragraph", text="Căn cứ Luật", user=coordinator)
    response = coordinator_client.post(
        f"/blocks/{block.pk}/edit/", {"kind": "paragraph", "text": "Căn cứ", "level": value}
    )
    assert response.status_code in (200, 400)
    assert _field_error(response, "level")
    assert PlanBlock.objects.get(pk=block.pk).text == "Căn cứ Luật"
