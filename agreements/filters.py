"""Filters for the agreement and meeting lists: partner, year, accent-free search."""

from __future__ import annotations

from typing import cast

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Agreement, AgreementKind, Locality, Meeting, MeetingKind
from .permissions import agreements_visible_to, meetings_visible_to
from .text import search_terms


def _search(queryset, model, value):
    through = model.partners.through
    column = f"{model._meta.model_name}_id"
    for word in search_terms(value):
        queryset = queryset.filter(
            Q(search_text__contains=word)
            | Q(pk__in=through.objects.filter(locality__search_text__contains=word).values(column))
        )
    return queryset


class AgreementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm (không cần dấu)"), method="filter_search")
    partner = django_filters.ModelChoiceFilter(
        label=_("Đối tác"), queryset=Locality.objects.none(), method="filter_partner"
    )
    year = django_filters.NumberFilter(label=_("Năm"), method="filter_year")
    kind = django_filters.ChoiceFilter(label=_("Loại văn bản"), choices=AgreementKind.choices)

    class Meta:
        model = Agreement
        fields = ["q", "partner", "year", "kind"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(django_filters.ModelChoiceFilter, self.filters["partner"]).queryset = (
            Locality.objects.filter(partner_agreements__in=agreements_visible_to(user))
            .distinct()
            .order_by("name")
        )

    def filter_search(self, queryset, name, value):
        return _search(queryset, Agreement, value)

    def filter_partner(self, queryset, name, value):
        return queryset.filter(
            pk__in=Agreement.partners.through.objects.filter(locality=value).values("agreement_id")
        )

    def filter_year(self, queryset, name, value):
        # An agreement without a period counts for the year it was signed.
        return queryset.filter(
            Q(start_year__lte=value, end_year__gte=value)
            | Q(start_year__isnull=True, signed_date__year=value)
        )


class MeetingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm (không cần dấu)"), method="filter_search")
    partner = django_filters.ModelChoiceFilter(
        label=_("Đối tác"), queryset=Locality.objects.none(), method="filter_partner"
    )
    year = django_filters.NumberFilter(label=_("Năm"), method="filter_year")
    kind = django_filters.ChoiceFilter(label=_("Loại"), choices=MeetingKind.choices)

    class Meta:
        model = Meeting
        fields = ["q", "partner", "year", "kind"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(django_filters.ModelChoiceFilter, self.filters["partner"]).queryset = (
            Locality.objects.filter(partner_meetings__in=meetings_visible_to(user))
            .distinct()
            .order_by("name")
        )

    def filter_search(self, queryset, name, value):
        return _search(queryset, Meeting, value)

    def filter_partner(self, queryset, name, value):
        return queryset.filter(
            pk__in=Meeting.partners.through.objects.filter(locality=value).values("meeting_id")
        )

    def filter_year(self, queryset, name, value):
        return queryset.filter(
            Q(start_date__year__lte=value, end_date__year__gte=value) | Q(date__year=value)
        )
