"""The demo's half-year round of June 2026 writes to 2026S1 and leaves the units' 2025 figures as
their annual reports gave them; the migration repairs a database where it had replaced them."""

import importlib

import pytest
from django.apps import apps

from stiplan.metrics.models import DataValue
from stiplan.reporting.models import IndicatorItem, Round

pytestmark = pytest.mark.django_db
repair = importlib.import_module(
    "stiplan.reporting.migrations.0002_rounds_have_a_period_and_are_protected").move_ad_hoc_values


@pytest.fixture
def demo(demo_rounds):
    return Round.objects.get(kind="ad_hoc")


def annual_figures(units) -> dict:
    """What the 2025 annual reports sent to the Department say for `tasks_proposed`."""
    return {i.report.unit.code: i.value for i in IndicatorItem.objects.filter(
        indicator__code="tasks_proposed", report__round__kind="annual", report__round__year=2025,
        report__state__in=("submitted", "resubmitted", "accepted"),
        report__unit__code__in=units).select_related("report__unit")}


def yearly(units) -> dict:
    return {v.unit.code: v.value for v in DataValue.objects.filter(
        indicator__code="tasks_proposed", period="2025", source="reported",
        unit__code__in=units).select_related("unit")}


def test_the_half_year_round_writes_its_own_period(demo):
    assert demo.period == "2026S1"
    written = DataValue.objects.filter(provenance__round=demo.pk)
    assert written.count() == 5
    assert set(written.values_list("period", "period_type", "year")) == {("2026S1", "six_monthly", 2026)}
    units = list(written.values_list("unit__code", flat=True))
    expected = annual_figures(units)
    assert expected and yearly(units) == expected


def test_the_migration_moves_what_an_ad_hoc_round_wrote_over_a_year(demo):
    units = list(DataValue.objects.filter(provenance__round=demo.pk)
                 .values_list("unit__code", flat=True))
    expected = annual_figures(units)
    for half in DataValue.objects.filter(provenance__round=demo.pk):  # the damage of issue 9
        DataValue.objects.update_or_create(
            indicator=half.indicator, unit=half.unit, period="2025", source="reported", defaults={
                "period_type": "yearly", "year": 2025, "value": half.value, "final": half.final,
                "provenance": half.provenance})
        half.delete()
    assert yearly(units) != expected
    repair(apps, None)
    assert yearly(units) == expected
    assert DataValue.objects.filter(provenance__round=demo.pk, period="2026S1").count() == 5
