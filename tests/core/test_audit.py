"""Every change to plans, units and assignments is recorded (who, when, before → after), written
by the action functions, and visible in the history view."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from stiplan.core.models import AuditEntry
from stiplan.demo.reference import PLAN_FILE
from stiplan.orgs.models import OrgUnit
from stiplan.plans.actions import add_assignment, load_plan, remove_assignment
from stiplan.plans.io import parse_plan
from stiplan.plans.models import Action, Assignment, Plan
from tests.adminform import post_admin_change

pytestmark = pytest.mark.django_db

ACTION_PAGE = "/plans/vinh-long-1925-2023/actions/III.1.1/"


@pytest.fixture
def action(plan):
    return Action.objects.get(group__plan=plan, code="III.1.1")


@pytest.fixture
def snv(db):
    return OrgUnit.objects.get(code="VL25.SNV")


def new_entries(since_id: int):
    return AuditEntry.objects.filter(pk__gt=since_id).order_by("pk")


def last_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def draft_plan_data(code: str = "du-thao-nhat-ky") -> dict:
    raw = PLAN_FILE.read_text(encoding="utf-8")
    raw = raw.replace("code: vinh-long-1925-2023", f"code: {code}", 1)
    return parse_plan(raw.replace("status: in_force", "status: draft", 1))


# --- Assignments -----------------------------------------------------------------------------

def test_adding_an_assignment_writes_one_entry_with_actor_action_and_after(action, snv, users):
    kehoach = users["plan_officer"]
    start, t0 = last_id(), timezone.now()
    made = add_assignment(action, snv, "coordinate", by=kehoach, reason="bổ sung phối hợp")
    entries = list(new_entries(start))
    assert len(entries) == 1
    e = entries[0]
    assert e.actor == kehoach and e.actor_label == "kehoach"
    assert e.action == "plans.add_assignment"
    assert (e.object_type, e.object_id) == ("plans.assignment", str(made.pk))
    assert e.before is None
    assert e.after["unit"] == "VL25.SNV" and e.after["role"] == "coordinate"
    assert e.unit == snv
    assert e.reason == "bổ sung phối hợp"
    assert t0 <= e.at <= timezone.now()


def test_removing_an_assignment_writes_before_and_no_after(action, snv, users):
    kehoach = users["plan_officer"]
    made = add_assignment(action, snv, "coordinate", by=kehoach, reason="thêm")
    pk, start = made.pk, last_id()
    remove_assignment(made, by=kehoach, reason="phân công nhầm")
    entries = list(new_entries(start))
    assert len(entries) == 1
    e = entries[0]
    assert e.action == "plans.remove_assignment"
    assert e.actor == kehoach
    assert (e.object_type, e.object_id) == ("plans.assignment", str(pk))
    assert e.before["unit"] == "VL25.SNV" and e.before["role"] == "coordinate"
    assert e.after is None
    assert e.reason == "phân công nhầm"
    assert not Assignment.objects.filter(pk=pk).exists()


def test_an_assignment_added_on_the_action_page_is_recorded_with_actor_and_reason(login, action):
    client = login("kehoach")
    start = last_id()
    response = client.post(ACTION_PAGE, {"unit": "VL25.SNV", "role": "coordinate",
                                         "reason": "Sở Nội vụ phối hợp theo chỉ đạo"})
    assert response.status_code == 302
    e = new_entries(start).get()
    assert e.action == "plans.add_assignment"
    assert e.actor.username == "kehoach" and e.actor_label == "kehoach"
    assert e.reason == "Sở Nội vụ phối hợp theo chỉ đạo"
    assert Assignment.objects.filter(pk=e.object_id, action=action, unit__code="VL25.SNV").exists()


def test_the_history_view_of_an_assignment_shows_the_change_and_its_reason(login):
    client = login("kehoach")
    start = last_id()
    client.post(ACTION_PAGE, {"unit": "VL25.SNV", "role": "coordinate",
                              "reason": "Sở Nội vụ phối hợp theo chỉ đạo"})
    e = new_entries(start).get()
    page = client.get(f"/history/plans.assignment/{e.object_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sở Nội vụ phối hợp theo chỉ đạo" in html
    assert "thêm phân công" in html and "Nguyễn Văn Kế" in html  # people's words, not codes
    assert "plans.add_assignment" not in html
    assert list(page.context["object_list"]) == [e]


def test_removing_through_the_action_page_is_recorded_and_shown_in_history(login, action, snv,
                                                                          users):
    made = add_assignment(action, snv, "coordinate", by=users["plan_officer"], reason="thêm")
    client = login("kehoach")
    start = last_id()
    response = client.post(ACTION_PAGE, {"assignment": made.pk, "reason": "không còn phù hợp"})
    assert response.status_code == 302
    e = new_entries(start).get()
    assert (e.action, e.before["unit"], e.after) == ("plans.remove_assignment", "VL25.SNV", None)
    history = client.get(f"/history/plans.assignment/{made.pk}/").content.decode()
    assert "không còn phù hợp" in history and "bỏ phân công" in history


def test_a_removal_without_a_reason_changes_and_records_nothing(login, action, snv, users):
    made = add_assignment(action, snv, "coordinate", by=users["plan_officer"], reason="thêm")
    client = login("kehoach")
    start = last_id()
    client.post(ACTION_PAGE, {"assignment": made.pk, "reason": ""})
    assert Assignment.objects.filter(pk=made.pk).exists()
    assert not new_entries(start).exists()


def test_an_assignment_without_a_reason_is_not_added_nor_recorded(login, action):
    client = login("kehoach")
    start, assignments = last_id(), action.assignments.count()
    response = client.post(ACTION_PAGE, {"unit": "VL25.SNV", "role": "coordinate", "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors.get("reason")
    assert action.assignments.count() == assignments
    assert not new_entries(start).exists()


# --- Refused changes -------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["public", "reporter", "leader", "reviewer"])
def test_a_refused_action_function_records_nothing_and_changes_nothing(action, snv, users, role):
    count, assignments = AuditEntry.objects.count(), action.assignments.count()
    with pytest.raises(PermissionDenied):
        add_assignment(action, snv, "coordinate", by=users[role], reason="không được phép")
    assert AuditEntry.objects.count() == count
    assert action.assignments.count() == assignments


def test_a_refused_removal_records_nothing_and_keeps_the_assignment(action, users):
    assignment = action.assignments.first()
    count = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        remove_assignment(assignment, by=users["reporter"], reason="không được phép")
    assert AuditEntry.objects.count() == count
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_reporter_posting_to_the_action_page_records_nothing_and_changes_nothing(login, action):
    client = login("baocao.stc")
    count, assignments = AuditEntry.objects.count(), action.assignments.count()
    response = client.post(ACTION_PAGE, {"unit": "VL25.SNV", "role": "coordinate",
                                         "reason": "không được phép"})
    assert response.status_code == 403
    assert AuditEntry.objects.count() == count
    assert action.assignments.count() == assignments


# --- Units, through the admin ----------------------------------------------------------------

def rename_in_admin(client, unit: OrgUnit, name_en: str):
    """Save the unit's admin change form with only its English name changed; the response."""
    return post_admin_change(client, f"/admin/orgs/orgunit/{unit.pk}/change/", {"name_en": name_en})


def test_editing_a_unit_in_the_admin_records_before_and_after(login):
    unit = OrgUnit.objects.get(code="VL25.SKHCN")
    old = unit.name_en
    client = login("quantri")
    start = last_id()
    response = rename_in_admin(client, unit, "Department of Science and Technology (renamed in test)")
    assert response.status_code == 302, response.context and response.context["adminform"].errors
    unit.refresh_from_db()
    assert unit.name_en == "Department of Science and Technology (renamed in test)"
    e = new_entries(start).get()
    assert e.action == "orgs.orgunit.save"
    assert e.actor.username == "quantri"
    assert (e.object_type, e.object_id, e.unit) == ("orgs.orgunit", str(unit.pk), unit)
    assert e.before["name_en"] == old
    assert e.after["name_en"] == "Department of Science and Technology (renamed in test)"
    assert e.before["name_en"] != e.after["name_en"]
    assert [c[0] for c in e.changes()] == ["name_en"]


def test_the_history_view_of_a_unit_shows_the_admin_edit(login):
    unit = OrgUnit.objects.get(code="VL25.SKHCN")
    client = login("quantri")
    rename_in_admin(client, unit, "Renamed for the history page")
    page = client.get(f"/history/orgs.orgunit/{unit.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "sửa đơn vị" in html and "Renamed for the history page" in html


def test_a_plan_officer_editing_a_unit_in_the_admin_is_recorded_as_themselves(login):
    unit = OrgUnit.objects.get(code="VL25.SKHCN")
    client = login("kehoach")
    start = last_id()
    assert rename_in_admin(client, unit, "Renamed by the plan officer").status_code == 302
    e = new_entries(start).get()
    assert (e.action, e.actor.username) == ("orgs.orgunit.save", "kehoach")


# --- Plans -----------------------------------------------------------------------------------

def test_loading_a_plan_by_the_system_is_recorded(db):
    start = last_id()
    plan = load_plan(draft_plan_data(), by=None)
    e = new_entries(start).get()
    assert e.action == "plans.load_plan"
    assert (e.object_type, e.object_id) == ("plans.plan", str(plan.pk))
    assert e.actor is None and e.actor_label == "system"
    assert e.before is None
    assert e.after["code"] == "du-thao-nhat-ky"
    assert e.unit == plan.issuing_unit


def test_loading_a_plan_by_a_plan_officer_is_recorded_as_them(users):
    start = last_id()
    load_plan(draft_plan_data(), by=users["plan_officer"])
    e = new_entries(start).get()
    assert (e.action, e.actor) == ("plans.load_plan", users["plan_officer"])


def test_replacing_a_plan_records_the_old_plan_as_before(users):
    load_plan(draft_plan_data(), by=None)
    start = last_id()
    data = draft_plan_data()
    data["title_en"] = "Replaced title"
    load_plan(data, by=users["plan_officer"], replace=True)
    e = new_entries(start).get()
    assert e.action == "plans.load_plan"
    assert e.before["code"] == "du-thao-nhat-ky" and e.before["title_en"] != "Replaced title"
    assert e.after["title_en"] == "Replaced title"


def test_a_refused_plan_load_records_nothing_and_creates_nothing(users):
    count = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        load_plan(draft_plan_data(), by=users["reporter"])
    assert AuditEntry.objects.count() == count
    assert not Plan.objects.filter(code="du-thao-nhat-ky").exists()
