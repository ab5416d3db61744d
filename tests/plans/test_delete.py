"""Deleting an item of a plan in the browser: a draft plan's target, indicator, task group or
action goes after a confirmation page with a reason, audited with what it was; nothing goes from a
plan in force (a later decision removes items from its date), nor while reports or values use it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from stiplan.core.models import AuditEntry
from stiplan.core.yamlio import InputError
from stiplan.plans.actions import delete_plan_item, load_plan
from stiplan.plans.io import export_plan, parse_plan, to_yaml
from stiplan.plans.models import Action, PlanIndicator, Target, TaskGroup
from stiplan.reporting.actions import open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(plan):
    """The plan loaded again as a draft (status draft, code ban-nhap)."""
    return load_plan(parse_plan(to_yaml({**export_plan(plan), "code": "ban-nhap",
                                         "status": "draft"})))


def key_of(plan, kind: str, code: str) -> str:
    data = export_plan(plan)
    if kind == "actions":
        return next(f"task_groups[{g}].actions[{a}]" for g, group in enumerate(data["task_groups"])
                    for a, action in enumerate(group["actions"]) if action["code"] == code)
    return next(f"{kind}[{i}]" for i, e in enumerate(data[kind]) if e["code"] == code)


def page(plan) -> str:
    return reverse("plan-item-delete", args=[plan.code])


def test_a_target_of_a_draft_goes_after_confirmation_with_its_links(draft, login):
    client = login("kehoach")
    key = key_of(draft, "targets", "T01")
    linked = list(Action.objects.filter(group__plan=draft, targets__code="T01")
                  .values_list("code", flat=True))
    confirm = client.get(page(draft), {"item": key})
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert 'data-testid="confirm-delete"' in body and all(f"{c} → T01" in body for c in linked)
    done = client.post(page(draft), {"item": key, "reason": "nhập trùng"})
    assert done.status_code == 302 and done["Location"].endswith(f"/plans/{draft.code}/edit/")
    assert not Target.objects.filter(plan=draft, code="T01").exists()
    assert all("T01" not in a["targets"] for g in export_plan(draft)["task_groups"]
               for a in g["actions"])
    entry = AuditEntry.objects.get(action="plans.delete_plan_item")
    assert (entry.before["code"], entry.after, entry.reason) == ("T01", None, "nhập trùng")
    assert entry.before["goes_with"] == [f"{c} → T01" for c in linked]
    assert parse_plan(to_yaml(export_plan(draft))) == export_plan(draft), "still a valid plan"


def test_a_task_group_goes_with_its_actions(draft, users):
    group = TaskGroup.objects.get(plan=draft, code="III.9")
    actions = group.actions.count()
    found = delete_plan_item(draft, key_of(draft, "task_groups", "III.9"),
                             by=users["plan_officer"], reason="thử")
    assert len(found.goes_with) == actions > 0
    assert not TaskGroup.objects.filter(plan=draft, code="III.9").exists()
    assert not Action.objects.filter(group__plan=draft, code__startswith="III.9.").exists()


def test_nothing_is_deleted_from_a_plan_in_force(plan, login):
    client = login("kehoach")
    key = key_of(plan, "targets", "T01")
    shown = client.get(page(plan), {"item": key}).content.decode()
    assert 'data-testid="refused"' in shown and reverse("plan-amend", args=[plan.code]) in shown
    refused = client.post(page(plan), {"item": key, "reason": "thử"})
    assert refused.status_code == 409
    assert "quyết định sửa đổi" in refused.content.decode()
    assert Target.objects.filter(plan=plan, code="T01").exists()
    assert not AuditEntry.objects.filter(action="plans.delete_plan_item").exists()


def test_an_action_reports_use_is_not_deleted(draft, users):
    round_ = open_round(draft, kind="annual", year=2024, deadline=dt.date(2024, 12, 10),
                        opened_on=dt.date(2024, 11, 1), by=None)
    assert round_.reports.filter(action_items__action__code="III.1.1").exists()
    with pytest.raises(InputError) as refused:
        delete_plan_item(draft, key_of(draft, "actions", "III.1.1"), by=users["plan_officer"])
    [problem] = refused.value.problems
    assert "III.1.1" in problem.vi and "báo cáo" in problem.vi
    assert Action.objects.filter(group__plan=draft, code="III.1.1").exists()


def test_an_indicator_its_targets_measure_is_not_deleted(draft, users):
    with pytest.raises(InputError) as refused:
        delete_plan_item(draft, key_of(draft, "indicators", "tfp_share"),
                         by=users["plan_officer"])
    paths = " ".join(p.path for p in refused.value.problems)
    assert "targets" in paths and "indicator" in paths
    assert PlanIndicator.objects.filter(plan=draft, indicator__code="tfp_share").exists()


def test_a_deletion_needs_a_reason_and_names_only_deletable_items(draft, login):
    client = login("kehoach")
    key = key_of(draft, "targets", "T01")
    assert client.post(page(draft), {"item": key}).status_code == 400
    assert Target.objects.filter(plan=draft, code="T01").exists()
    for item in ("", "header", "objectives[0]", "targets[99]", "targets[x]"):
        response = client.get(page(draft), {"item": item})
        assert response.status_code == 302, item


@pytest.mark.parametrize("username", ["thamdinh", "baocao.stc", "lanhdao"])
def test_only_plan_officers_delete(draft, login, username):
    client = login(username)
    key = key_of(draft, "targets", "T01")
    assert client.get(page(draft), {"item": key}).status_code in (403, 404)
    assert client.post(page(draft), {"item": key, "reason": "x"}).status_code in (403, 404)
    assert Target.objects.filter(plan=draft, code="T01").exists()
