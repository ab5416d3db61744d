"""A plan loads from YAML and exports without loss.

The normal form returned by `parse_plan(file)` is what `export_plan(plan)` gives back from the
database; the YAML written by `to_yaml` reads back to the same normal form; and the JSON export
is valid JSON holding every target, action and assignment.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from stiplan.core.models import AuditEntry
from stiplan.plans.actions import load_plan
from stiplan.plans.io import export_plan, parse_plan, to_json_ready, to_yaml
from stiplan.plans.models import Action, Assignment, Indicator, Plan, Target

pytestmark = pytest.mark.django_db

PLAN_FILE = Path(settings.BASE_DIR) / "plans" / "vinh-long-1925-2023.yaml"


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Plan, Indicator, Target, Action, Assignment)}


def plan_counts(plan: Plan) -> dict[str, int]:
    return {
        "targets": Target.objects.filter(plan=plan).count(),
        "actions": Action.objects.filter(group__plan=plan).count(),
        "assignments": Assignment.objects.filter(action__group__plan=plan).count(),
    }


def export_counts(data: dict) -> dict[str, int]:
    actions = [a for g in data["task_groups"] for a in g["actions"]]
    return {
        "targets": len(data["targets"]),
        "actions": len(actions),
        "assignments": sum(len(a["assignments"]) for a in actions),
    }


def test_the_parsed_file_equals_the_export_of_the_loaded_plan(plan):
    parsed = parse_plan(PLAN_FILE.read_bytes())
    exported = export_plan(plan)
    assert parsed == exported
    # the content is really there: 15 targets, 33 actions (III) + 16 responsibilities (IV)
    assert export_counts(exported)["targets"] == 15
    assert export_counts(exported)["actions"] == 33 + 16
    assert export_counts(exported) == plan_counts(plan)


def test_the_yaml_export_reads_back_to_the_same_normal_form(plan):
    exported = export_plan(plan)
    text = to_yaml(exported)
    assert parse_plan(text) == exported
    assert parse_plan(text.encode("utf-8")) == exported


def test_the_parsed_normal_form_writes_back_as_the_same_yaml(plan):
    """`parse_plan` returns the normal form, so `to_yaml` can write it: a fixed point."""
    text = to_yaml(export_plan(plan))
    assert to_yaml(parse_plan(text)) == text
    assert to_yaml(parse_plan(PLAN_FILE.read_bytes())) == text


def test_the_exported_yaml_loads_as_a_new_plan_with_the_same_content(plan):
    exported = export_plan(plan)
    data = parse_plan(to_yaml({**exported, "code": "vinh-long-copy"}))
    before = counts()
    copy_ = load_plan(data)
    assert copy_.code == "vinh-long-copy" and copy_.pk != plan.pk
    again = export_plan(copy_)
    assert again["code"] == "vinh-long-copy"
    assert {**again, "code": exported["code"]} == exported
    assert export_plan(plan) == exported, "the original plan is untouched"
    after = counts()
    assert after["Plan"] == before["Plan"] + 1
    assert after["Indicator"] == before["Indicator"], "indicators are shared by code"
    assert after["Target"] == before["Target"] + len(exported["targets"])


def test_the_json_export_is_valid_json_with_every_target_action_and_assignment(plan):
    exported = export_plan(plan)
    ready = to_json_ready(copy.deepcopy(exported))
    decoded = json.loads(json.dumps(ready, ensure_ascii=False, allow_nan=False))
    assert decoded == ready
    assert export_counts(decoded) == export_counts(exported) == plan_counts(plan)
    assert decoded["legal_basis"]["date"] == "2023-08-16"
    ranges = {t["code"]: (t["low"], t["high"]) for t in decoded["targets"]}
    assert ranges["T03"] == (1.2, 1.5)


def test_the_cli_json_export_is_the_json_ready_normal_form(plan):
    buf = io.StringIO()
    call_command("plan", "export", plan.code, format="json", stdout=buf)
    decoded = json.loads(buf.getvalue())
    assert decoded == to_json_ready(export_plan(plan))
    assert export_counts(decoded) == plan_counts(plan)


def test_the_cli_yaml_export_reads_back_to_the_normal_form(plan):
    buf = io.StringIO()
    call_command("plan", "export", plan.code, format="yaml", stdout=buf)
    assert parse_plan(buf.getvalue()) == export_plan(plan)


def test_replace_reload_keeps_the_counts_and_writes_one_audit_entry_with_the_before(plan):
    exported = export_plan(plan)
    before = counts()
    audits = AuditEntry.objects.filter(action="plans.load_plan").count()
    call_command("plan", "load", str(PLAN_FILE), replace=True, stdout=io.StringIO())
    assert counts() == before
    assert AuditEntry.objects.filter(action="plans.load_plan").count() == audits + 1
    entry = AuditEntry.objects.filter(action="plans.load_plan").latest("pk")
    assert entry.before is not None
    assert entry.before["code"] == plan.code
    assert len(entry.before["targets"]) == len(exported["targets"])
    assert entry.after is not None and entry.after["code"] == plan.code
    reloaded = Plan.objects.get(code=plan.code)
    assert export_plan(reloaded) == exported


def test_a_fresh_load_writes_an_audit_entry_without_a_before(plan):
    data = parse_plan(to_yaml({**export_plan(plan), "code": "vinh-long-fresh"}))
    load_plan(data)
    entry = AuditEntry.objects.filter(action="plans.load_plan").latest("pk")
    assert entry.before is None
    assert entry.after["code"] == "vinh-long-fresh"
