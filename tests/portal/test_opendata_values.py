"""Open data (issue 14), which value is open: a reported value only once its report is accepted,
and in the DHIS2 export the value the precedence table uses."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from stiplan.metrics.actions import set_value
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import Indicator
from stiplan.portal.catalog import DHIS2_COLUMNS
from stiplan.reporting import actions as reporting
from tests.metrics.test_precedence import fill
from tests.portal.test_opendata import fetch

pytestmark = pytest.mark.django_db


def test_a_value_under_review_is_not_open_until_it_is_accepted(client, plan, users):
    report = reporting.open_round(plan, kind="annual", year=2025, deadline=date(2025, 12, 10),
                                  opened_on=date(2025, 11, 1), by=None).reports.get(unit__code="VL25.SKHCN")
    fill(report, tasks_proposed={"value": Decimal(7)})
    reporting.submit_report(report, by=None)

    def open_values():
        _header, rows = fetch(client, "indicator-values", "json")
        return {(r[0], r[3], r[4], r[6]): r[7] for r in rows}

    assert ("tasks_proposed", "2025", "VL25.SKHCN", "reported") not in open_values()
    reporting.accept_report(report, by=users["reviewer"])
    assert open_values()[("tasks_proposed", "2025", "VL25.SKHCN", "reported")] == 7


def test_the_dhis2_export_gives_the_value_the_precedence_table_uses(client, plan, users):
    skhcn = OrgUnit.objects.get(code="VL25.SKHCN")
    set_value(Indicator.objects.get(code="rd_social_spending"), skhcn, 2025, Decimal(250_000),
              by=users["plan_officer"])
    report = reporting.open_round(plan, kind="annual", year=2025, deadline=date(2025, 12, 10),
                                  opened_on=date(2025, 11, 1), by=None).reports.get(unit=skhcn)
    fill(report, rd_social_spending={"value": Decimal(150_000)})
    reporting.submit_report(report, by=None)
    reporting.accept_report(report, by=users["reviewer"])

    answer = client.get(reverse("data-dhis2"))
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert tuple(table[0]) == DHIS2_COLUMNS
    rows = [r for r in table[1:] if r[:3] == ["rd_social_spending", "2025", "VL25.SKHCN"]]
    assert len(rows) == 1, rows  # one value per element, period and unit
    assert (Decimal(rows[0][5]), rows[0][8]) == (Decimal(250_000), "department")
