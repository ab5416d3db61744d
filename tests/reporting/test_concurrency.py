"""Two reviewers act on one report at the same moment: exactly one wins, the other is told,
and nothing of the loser's action is half-applied. Runs on PostgreSQL (CI)."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from stiplan.plans.models import Plan
from stiplan.reporting import actions as act
from stiplan.reporting.models import ReportState, UnitReport

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite serialises writers; the race is tested on PostgreSQL in CI")


@pytest.fixture
def submitted(transactional_db):
    plan = Plan.objects.get(code="vinh-long-1925-2023")
    round_ = act.open_round(plan, kind="annual", year=2025, deadline=date(2025, 12, 10),
                            opened_on=date(2025, 11, 1), by=None)
    report = round_.reports.get(unit__code="VL25.STC")
    act.save_items(report, by=None,
                   actions={i.action.code: {"status": "done"}
                            for i in report.action_items.select_related("action")},
                   indicators={i.indicator.code: {"value": Decimal(1)}
                               for i in report.indicator_items.select_related("indicator")})
    return act.submit_report(report, by=None)


@pytest.mark.parametrize("attempt", range(3))
def test_exactly_one_of_two_simultaneous_reviews_wins(submitted, attempt):
    reviewer = get_user_model().objects.get(username="thamdinh")
    first_item = submitted.action_items.select_related("action").first()
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def run(name, action):
        try:
            barrier.wait(timeout=10)
            action(UnitReport.objects.get(pk=submitted.pk))
            outcome[name] = "won"
        except act.Conflict:
            outcome[name] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("accept", lambda r: act.accept_report(r, by=reviewer))),
        threading.Thread(target=run, args=("return", lambda r: act.return_report(
            r, by=reviewer, comments={f"action:{first_item.action.code}": "Bổ sung"}))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcome.values()) == ["conflict", "won"], outcome
    final = UnitReport.objects.get(pk=submitted.pk)
    first_item.refresh_from_db()
    if outcome["accept"] == "won":
        assert final.state == ReportState.ACCEPTED and not first_item.needs_fix
    else:
        assert final.state == ReportState.RETURNED and first_item.needs_fix
