"""Editing a plan in the browser: each change checked as the plan file is (the message on the
field), audited, nothing half-saved; the YAML export of the edited plan loads back identically."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from stiplan.core.models import AuditEntry
from stiplan.core.yamlio import InputError
from stiplan.plans.actions import add_plan_item, edit_plan_item, load_plan
from stiplan.plans.io import export_plan, parse_plan, to_yaml
from stiplan.plans.models import Plan, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(users):
    return users["plan_officer"]


def form_of(entry: dict) -> dict[str, str]:
    """An item as its form posts it: text, with unticked boxes left out."""
    return {k: "" if v is None else str(v) for k, v in entry.items()
            if not isinstance(v, (bool, list)) and v is not False}


def target_key(plan, code: str) -> tuple[str, dict]:
    targets = export_plan(plan)["targets"]
    i = next(i for i, t in enumerate(targets) if t["code"] == code)
    return f"targets[{i}]", targets[i]


def test_editing_a_target_writes_the_row_and_the_audit(plan, officer):
    key, entry = target_key(plan, "T03")
    edit_plan_item(plan, key, {**form_of(entry), "low": "1,3", "wording": "1,3% - 1,5%"},
                   by=officer)
    target = Target.objects.get(plan=plan, code="T03")
    assert (float(target.low), target.wording) == (1.3, "1,3% - 1,5%")
    audit = AuditEntry.objects.get(action="plans.edit_plan_item")
    assert (audit.before["low"], audit.after["low"]) == ("1.200000", "1.300000")


@pytest.mark.parametrize("change, field", [
    ({"low": "1,9"}, "low"),             # low above high
    ({"year": "2040"}, "year"),          # outside the plan period
    ({"indicator": "khong-co"}, "indicator"),
    ({"value": "7"}, ""),                # a range with a value: on the target itself
])
def test_a_bad_target_edit_is_refused_on_its_field(plan, officer, change, field):
    key, entry = target_key(plan, "T03")
    before = to_yaml(export_plan(plan))
    with pytest.raises(InputError) as refused:
        edit_plan_item(plan, key, {**form_of(entry), **change}, by=officer)
    assert [p.path for p in refused.value.problems] == [f"{key}.{field}" if field else key]
    assert to_yaml(export_plan(plan)) == before


def test_editing_the_header_keeps_the_plan_code(plan, officer):
    edit_plan_item(plan, "header", {"code": "khac", "title": "Kế hoạch (sửa)", "title_en": "",
                                    "period_start": "2023", "period_end": "2030",
                                    "issuing_unit": "VL.UBND", "number": "1925/QĐ-UBND",
                                    "date": "2023-08-16"}, by=officer)
    plan.refresh_from_db()
    assert (plan.code, plan.title) == ("vinh-long-1925-2023", "Kế hoạch (sửa)")


def test_an_unknown_unit_on_an_assignment_is_named(plan, officer):
    data = export_plan(plan)
    key = "task_groups[0].actions[0].assignments[0]"
    assignment = data["task_groups"][0]["actions"][0]["assignments"][0]
    with pytest.raises(InputError) as refused:
        edit_plan_item(plan, key, {**form_of(assignment), "unit": "VL.KHONGCO"}, by=officer)
    assert [p.path for p in refused.value.problems] == [f"{key}.unit"]


def test_adding_a_target_an_objective_a_document_and_an_action(plan, officer):
    add_plan_item(plan, "objectives", {"code": "S9", "kind": "specific",
                                       "text": "Mục tiêu bổ sung"}, by=officer)
    add_plan_item(plan, "targets", {"code": "T99", "indicator": "postgrad_trained",
                                    "year": "2028", "comparator": "gte", "value": "25",
                                    "wording": "25 cán bộ"}, by=officer)
    add_plan_item(plan, "related_documents", {"relation": "programme", "number": "12/CTr-UBND",
                                              "date": "2024-01-05", "title": "Chương trình"},
                  by=officer)
    add_plan_item(plan, "task_groups[0].actions", {"code": "III.1.9", "text": "Nhiệm vụ mới"},
                  by=officer)
    data = export_plan(plan)
    assert data["targets"][-1]["code"] == "T99"
    assert data["objectives"][-1]["code"] == "S9"
    assert data["related_documents"][-1]["number"] == "12/CTr-UBND"
    assert data["task_groups"][0]["actions"][-1]["code"] == "III.1.9"
    assert AuditEntry.objects.filter(action="plans.add_plan_item").count() == 4


def test_a_duplicated_code_is_refused(plan, officer):
    with pytest.raises(InputError) as refused:
        add_plan_item(plan, "targets", {"code": "T01", "indicator": "postgrad_trained",
                                        "year": "2028", "comparator": "gte", "value": "25",
                                        "wording": "25"}, by=officer)
    assert [p.path for p in refused.value.problems] == ["targets[15].code"]
    assert "duplicate code 'T01'" in str(refused.value)


def test_the_edited_plan_exports_loads_and_exports_identically(plan, officer):
    key, entry = target_key(plan, "T03")
    edit_plan_item(plan, key, {**form_of(entry), "low": "1,3"}, by=officer)
    add_plan_item(plan, "task_groups[0].actions", {"code": "III.1.9", "text": "Nhiệm vụ mới"},
                  by=officer)
    exported = to_yaml(export_plan(plan))
    copy = parse_plan(exported.replace("code: vinh-long-1925-2023", "code: ban-sao", 1))
    reloaded = load_plan(copy)
    again = to_yaml(export_plan(reloaded))
    assert again == exported.replace("code: vinh-long-1925-2023", "code: ban-sao", 1)
    assert Plan.objects.count() == 2


def test_only_plan_officers_edit(plan, users):
    key, entry = target_key(plan, "T03")
    with pytest.raises(PermissionDenied):
        edit_plan_item(plan, key, form_of(entry), by=users["reviewer"])


def test_the_edit_page_shows_the_message_on_the_field(plan, login):
    key, entry = target_key(plan, "T03")
    client = login("kehoach")
    page = client.post(reverse("plan-edit", args=[plan.code]),
                       {"key": key, **form_of(entry), "low": "1,9"})
    assert page.status_code == 400
    assert "is greater than high" in page.content.decode() or \
        "lớn hơn cận trên" in page.content.decode()
