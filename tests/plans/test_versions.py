"""Later decisions on a plan: an amendment changes targets and actions (or adds and removes
actions) from its date, earlier years keeping the old ones; a supersession ends the plan; both
audited, refused whole on a bad input, and kept by the plan file's export and load."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from stiplan.core.models import AuditEntry
from stiplan.core.yamlio import InputError
from stiplan.metrics.status import plan_status
from stiplan.plans.actions import Decision, amend_plan, load_plan, supersede_plan
from stiplan.plans.io import export_plan, parse_plan, to_yaml
from stiplan.plans.models import Amendment, Plan, PlanStatus, Target
from stiplan.plans.versions import (
    actions_for_year,
    actions_in_force,
    history,
    in_force_on,
    targets_for_year,
    targets_in_force,
)
from stiplan.reporting.actions import open_round
from stiplan.reporting.models import ActionItem

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


# --- Actions: changed, added and removed by a later decision ------------------------------------

def action_codes(actions) -> list[str]:
    return [a.code for a in actions]


def test_an_amended_action_applies_from_the_decision_date_with_its_holders(plan, users):
    amend_plan(plan, DECISION, [], actions=[{"code": "III.1.1", "text": "Nội dung mới."}],
               by=users["plan_officer"])
    before = {a.code: a for a in actions_in_force(plan, dt.date(2026, 3, 1))}
    after = {a.code: a for a in actions_in_force(plan, dt.date(2026, 3, 2))}
    assert before["III.1.1"].text.startswith("Trên cơ sở")
    assert after["III.1.1"].text == "Nội dung mới."
    assert [s.unit.code for s in after["III.1.1"].assignments.all()] == ["VL.SKHCN"]
    assert action_codes(before.values()) == action_codes(after.values())
    [change] = history(plan)[1].action_changes
    assert (change.code, change.before.text[:10], change.after.text) == (
        "III.1.1", "Trên cơ sở", "Nội dung mới.")


def test_an_added_and_a_removed_action_change_the_set_in_force(plan, users):
    amend_plan(plan, DECISION, [], actions=[
        {"code": "III.1.9", "group": "III.1", "text": "Nhiệm vụ bổ sung.",
         "assignments": [{"unit": "VL25.SKHCN", "role": "lead"}]},
        {"code": "III.1.2", "removed": True}], by=users["plan_officer"])
    old = action_codes(actions_for_year(plan, 2025))
    new = action_codes(actions_for_year(plan, 2026))
    assert "III.1.9" not in old and "III.1.2" in old
    assert "III.1.9" in new and "III.1.2" not in new
    assert len(new) == len(old)
    assert new.index("III.1.9") == new.index("III.1.5") + 1, "added at the end of its group"
    changes = {c.code: c for c in history(plan)[1].action_changes}
    assert changes["III.1.9"].before is None and changes["III.1.2"].after.removed
    audited = AuditEntry.objects.filter(action="plans.amend_action")
    assert {e.object_repr.split(": ")[1] for e in audited} == {"III.1.9", "III.1.2"}


def test_the_round_of_a_year_asks_about_the_actions_in_force_that_year(plan, users):
    amend_plan(plan, DECISION, [], actions=[
        {"code": "III.1.9", "group": "III.1", "text": "Nhiệm vụ bổ sung.",
         "assignments": [{"unit": "VL25.SKHCN", "role": "lead"}]},
        {"code": "III.1.2", "removed": True}], by=users["plan_officer"])
    officer = users["plan_officer"]
    asked = {}
    for year in (2025, 2026):
        round_ = open_round(plan, kind="annual", year=year, opened_on=dt.date(year, 11, 1),
                            deadline=dt.date(year, 12, 10), by=officer)
        asked[year] = set(ActionItem.objects.filter(report__round=round_)
                          .values_list("action__code", flat=True))
    assert "III.1.2" in asked[2025] and "III.1.9" not in asked[2025]
    assert "III.1.9" in asked[2026] and "III.1.2" not in asked[2026]


@pytest.mark.parametrize("action, path", [
    ({"code": "III.1.2", "text": ""}, "actions[0].text"),
    ({"code": "III.9.9", "group": "III.99", "text": "x"}, "actions[0].group"),
    ({"code": "III.1.9", "group": "III.1", "text": "x", "removed": True}, "actions[0].code"),
    ({"code": "III.1.2", "targets": ["T99"]}, "actions[0].targets[0]"),
    ({"code": "III.1.2", "assignments": [{"unit": "KHONG.CO", "role": "lead"}]},
     "actions[0].assignments[0].unit"),
])
def test_a_bad_action_change_is_refused_on_its_field(plan, users, action, path):
    with pytest.raises(InputError) as refused:
        amend_plan(plan, DECISION, [], actions=[action], by=users["plan_officer"])
    assert path in [p.path for p in refused.value.problems]
    assert not Amendment.objects.exists()


# --- The plan file holds its later decisions -------------------------------------------------------

def test_the_yaml_export_holds_amendments_and_supersession_and_reloads_to_the_same(plan, users):
    officer = users["plan_officer"]
    amend_plan(plan, DECISION, [entry(plan, "T01", value=55, wording="trên 55%")], actions=[
        {"code": "III.1.1", "text": "Nội dung mới."},
        {"code": "III.1.9", "group": "III.1", "text": "Nhiệm vụ bổ sung.",
         "assignments": [{"unit": "VL25.SKHCN", "role": "lead"}]},
        {"code": "III.1.2", "removed": True}], by=officer)
    amend_plan(plan, Decision("20/QĐ-UBND", dt.date(2027, 1, 5)),
               [{"code": "T02", "removed": True}], by=officer)
    successor = load_plan(parse_plan(to_yaml({
        **export_plan(plan), "code": "vinh-long-moi", "amendments": [], "status": "in_force"})),
        by=officer)
    supersede_plan(plan, Decision("300/QĐ-UBND", dt.date(2027, 6, 1), "Thay thế"), by=officer,
                   successor=successor)
    first = {code: to_yaml(export_plan(Plan.objects.get(code=code)))
             for code in (plan.code, successor.code)}
    assert "215/QĐ-UBND" in first[plan.code] and "removed: true" in first[plan.code]
    assert "supersedes: vinh-long-1925-2023" in first[successor.code]
    for code in (plan.code, successor.code):  # replace = delete, then load the file afresh
        load_plan(parse_plan(first[code]), replace=True)
    again = {code: to_yaml(export_plan(Plan.objects.get(code=code))) for code in first}
    assert again == first
    reloaded = Plan.objects.get(code=plan.code)
    assert [v.number for v in history(reloaded)] == [1, 2, 3, 4]
    assert not in_force_on(reloaded, dt.date(2027, 6, 1))
    assert "T02" not in by_code(targets_for_year(reloaded, 2027))
    assert "III.1.9" in action_codes(actions_for_year(reloaded, 2026))
    assert Plan.objects.get(code=successor.code).supersedes == reloaded


def test_a_bad_amendment_in_the_plan_file_is_named_with_its_line(plan):
    text = to_yaml(export_plan(plan)).replace("amendments: []", (
        "amendments:\n- kind: amend\n  number: 1/QĐ\n  date: 2022-01-01\n"
        "  actions:\n  - {code: III.1.2, group: III.1, text: x, targets: [T99]}\n"))
    with pytest.raises(InputError) as refused:
        parse_plan(text)
    paths = {p.path for p in refused.value.problems}
    assert {"amendments[0].date", "amendments[0].actions[0].targets[0]"} <= paths
    assert all(p.line for p in refused.value.problems)
