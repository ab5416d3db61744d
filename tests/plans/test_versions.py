"""Later decisions on a plan: an amendment changes targets from its date (earlier years keep the
old ones), a supersession ends the plan; both audited, both refused whole on a bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from stiplan.core.models import AuditEntry
from stiplan.core.yamlio import InputError
from stiplan.metrics.status import plan_status
from stiplan.plans.actions import Decision, amend_plan, supersede_plan
from stiplan.plans.io import export_plan, parse_plan, to_yaml
from stiplan.plans.models import Amendment, PlanStatus, Target
from stiplan.plans.versions import history, in_force_on, targets_for_year, targets_in_force

pytestmark = pytest.mark.django_db

DECISION = Decision("215/QĐ-UBND", dt.date(2026, 3, 2), "Sửa đổi mục tiêu TFP đến năm 2030")


def entry(plan, target: str, **changes) -> dict:
    """The plan file's entry of target `target`, changed."""
    found = next(t for t in export_plan(plan)["targets"] if t["code"] == target)
    return {**found, **changes}


def by_code(targets) -> dict[str, Target]:
    return {t.code: t for t in targets}


def test_an_amended_target_applies_from_the_decision_date_and_earlier_years_keep_the_old(plan, users):
    amend_plan(plan, DECISION, [entry(plan, "T01", value=55, wording="trên 55%")],
               by=users["plan_officer"])
    assert by_code(targets_for_year(plan, 2025))["T01"].wording == "trên 50%"
    assert by_code(targets_for_year(plan, 2026))["T01"].wording == "trên 55%"
    assert by_code(targets_in_force(plan, dt.date(2026, 3, 1)))["T01"].wording == "trên 50%"
    assert by_code(targets_in_force(plan, dt.date(2026, 3, 2)))["T01"].value == 55
    assert len(targets_for_year(plan, 2026)) == len(targets_for_year(plan, 2025))


def test_the_history_shows_both_versions_with_the_change(plan, users):
    amend_plan(plan, DECISION, [entry(plan, "T01", value=55, wording="trên 55%")],
               by=users["plan_officer"])
    first, second = history(plan)
    assert (first.number, first.decision, first.kind) == (1, "1925/QĐ-UBND", "issue")
    assert (second.number, second.decision, second.kind) == (2, "215/QĐ-UBND", "amend")
    [change] = second.changes
    assert (change.code, change.before.wording, change.after.wording) == (
        "T01", "trên 50%", "trên 55%")


def test_the_indicator_engine_uses_the_target_in_force_and_compares_the_versions(plan, users):
    amend_plan(plan, DECISION, [entry(plan, "T01", value=55, wording="trên 55%")],
               by=users["plan_officer"])
    statuses = {s.target.code: s for s in plan_status(plan, today=dt.date(2026, 6, 1))}
    assert len(statuses) == Target.objects.filter(plan=plan, amendment=None).count()
    versions = statuses["T01"].as_json()["versions"]
    assert [(v["version"], v["value"]) for v in versions] == [(1, 50.0), (2, 55.0)]


def test_the_amendment_and_each_changed_target_are_audited(plan, users):
    amend_plan(plan, DECISION, [entry(plan, "T01", value=55, wording="trên 55%")],
               by=users["plan_officer"])
    changed = AuditEntry.objects.get(action="plans.amend_target")
    assert (changed.before["value"], changed.after["value"]) == ("50.000000", "55.000000")
    assert changed.reason == "215/QĐ-UBND"
    assert AuditEntry.objects.filter(action="plans.amend_plan").count() == 1


def test_the_yaml_export_stays_the_plan_as_issued(plan, users):
    before = to_yaml(export_plan(plan))
    amend_plan(plan, DECISION, [entry(plan, "T01", value=55, wording="trên 55%")],
               by=users["plan_officer"])
    after = to_yaml(export_plan(plan))
    assert after == before
    assert to_yaml(parse_plan(after)) == after


@pytest.mark.parametrize("change, path", [
    ({"code": "T99"}, "targets[0].code"),
    ({"comparator": "range", "value": None, "low": 60, "high": 55}, "targets[0].low"),
    ({"year": 2035}, "targets[0].year"),
    ({"value": "nhiều"}, "targets[0].value"),
])
def test_a_bad_change_is_refused_on_its_field_and_nothing_is_saved(plan, users, change, path):
    with pytest.raises(InputError) as refused:
        amend_plan(plan, DECISION, [entry(plan, "T01", **change)], by=users["plan_officer"])
    assert path in [p.path for p in refused.value.problems]
    assert not Amendment.objects.exists()
    assert Target.objects.filter(plan=plan).count() == Target.objects.filter(
        plan=plan, amendment=None).count()


def test_a_decision_before_the_plan_is_refused(plan, users):
    early = Decision("1/QĐ-UBND", dt.date(2023, 1, 1))
    with pytest.raises(InputError) as refused:
        amend_plan(plan, early, [entry(plan, "T01", value=55)], by=users["plan_officer"])
    assert [p.path for p in refused.value.problems] == ["date"]


def test_only_plan_officers_amend(plan, users):
    with pytest.raises(PermissionDenied):
        amend_plan(plan, DECISION, [entry(plan, "T01", value=55)], by=users["reporter"])


def test_a_superseded_plan_is_no_longer_in_force_from_the_date(plan, users):
    decision = Decision("300/QĐ-UBND", dt.date(2026, 5, 1), "Thay thế kế hoạch")
    supersede_plan(plan, decision, by=users["plan_officer"])
    plan.refresh_from_db()
    assert in_force_on(plan, dt.date(2026, 4, 30))
    assert not in_force_on(plan, dt.date(2026, 5, 1))
    assert plan.status == (PlanStatus.SUPERSEDED if decision.date <= dt.date.today()
                           else PlanStatus.IN_FORCE)
    with pytest.raises(InputError):
        amend_plan(plan, DECISION, [entry(plan, "T01", value=55)], by=users["plan_officer"])


def test_the_plan_page_says_when_the_plan_is_not_in_force(plan, users, client):
    supersede_plan(plan, Decision("300/QĐ-UBND", dt.date(2026, 5, 1)), by=users["plan_officer"])
    before = client.get(reverse("plan-detail", args=[plan.code]), {"on": "2026-04-30"})
    after = client.get(reverse("plan-detail", args=[plan.code]), {"on": "2026-05-01"})
    assert 'data-testid="not-in-force"' not in before.content.decode()
    assert 'data-testid="not-in-force"' in after.content.decode()
    assert "300/QĐ-UBND" in after.content.decode()
