"""Who may do what: the role × action matrix of stiplan, written as one table and tried for real
(pages through the Django test client, the REST API, and the action functions), and the policy
table behind it: every model has a read policy, a model without one is for administrators only,
memberships count only while they are in force, and a draft plan stays internal."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from stiplan.core.audit import record
from stiplan.core.models import AuditEntry
from stiplan.core.permissions import POLICIES, restriction
from stiplan.demo.reference import PLAN_FILE
from stiplan.orgs.models import OrgUnit
from stiplan.plans.actions import add_assignment, load_plan
from stiplan.plans.io import parse_plan
from stiplan.plans.models import Action, Assignment, Plan
from tests.adminform import post_admin_change
from tests.conftest import rows_standing_for_module, snapshot_of

pytestmark = pytest.mark.django_db

PLAN = "/plans/vinh-long-1925-2023/"
DRAFT = "du-thao-kiem-thu"
USERNAMES = {"reporter": "baocao.stc", "leader": "lanhdao", "reviewer": "thamdinh",
             "plan_officer": "kehoach", "admin": "quantri"}
ROLES = ["public", "reporter", "leader", "reviewer", "plan_officer", "admin"]
EVERYONE = frozenset(ROLES)
INTERNAL = frozenset({"admin", "plan_officer", "reviewer", "leader"})
STAFF = frozenset({"admin", "plan_officer"})
PLAN_EDITORS = frozenset({"admin", "plan_officer"})

#: The specification: each action and the roles allowed to do it (every other role is refused).
#: The reporter is baocao.stc, a reporting officer of VL25.STC (Sở Tài chính).
MATRIX = {
    "view the in-force plan page": EVERYONE,
    "export the in-force plan as JSON": EVERYONE,
    "view a draft plan (page, API list, API detail)": INTERNAL,
    "export a draft plan": INTERNAL,
    "add an assignment through the action page": PLAN_EDITORS,
    "add an assignment through add_assignment": PLAN_EDITORS,
    "see the memberships of the own unit VL25.STC": INTERNAL | {"reporter"},
    "see the memberships of another unit VL25.SGDDT": INTERNAL,
    "open the history page": INTERNAL | {"reporter"},
    "see an audit entry of the own unit VL25.STC": INTERNAL | {"reporter"},
    "see an audit entry of another unit VL25.SGDDT": INTERNAL,
    "read any entry through the audit API": INTERNAL | {"reporter"},
    "see every audit entry": INTERNAL,
    "open the admin index": STAFF,
    "change a unit through the admin": STAFF,
}


# --- The world each row is tried in ----------------------------------------------------------

def draft_plan_data(code: str = DRAFT) -> dict:
    """The real plan file, with another code and status draft."""
    raw = PLAN_FILE.read_text(encoding="utf-8")
    assert "code: vinh-long-1925-2023" in raw and "status: in_force" in raw
    raw = raw.replace("code: vinh-long-1925-2023", f"code: {code}", 1)
    return parse_plan(raw.replace("status: in_force", "status: draft", 1))


def build_world() -> None:
    """A draft plan (loaded by the system) and one audit entry for each of two units."""
    draft = load_plan(draft_plan_data(), by=None)
    assert draft.status == "draft"
    stc, sgddt = OrgUnit.objects.get(code="VL25.STC"), OrgUnit.objects.get(code="VL25.SGDDT")
    record("test.entry", stc, by=None, after={"k": 1}, unit=stc, repr_="ENTRY-OF-STC")
    record("test.entry", sgddt, by=None, after={"k": 1}, unit=sgddt, repr_="ENTRY-OF-SGDDT")


#: The world, built once per run and put back once for the module: a hundred tests stand in it.
world_snapshot = snapshot_of(build_world)
standing_world = rows_standing_for_module("world_snapshot")


@pytest.fixture
def world(plan):
    """The in-force plan, beside the world of `build_world`."""
    return plan


@pytest.fixture
def as_role(client, login):
    """The test client, signed in as the demo account of `role` (anonymous for 'public')."""
    def sign_in(role: str):
        if role == "public":
            client.logout()
            return client
        return login(USERNAMES[role])
    return sign_in


def _refused_page(response) -> bool:
    """403, or a redirect to a login page."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and "login" in response["Location"]


def _opens(client, url: str) -> bool:
    """Whether the page at `url` opens (200); anything but a refusal fails the test."""
    response = client.get(url)
    if response.status_code == 200:
        return True
    assert _refused_page(response), response.status_code
    return False


def _api_rows(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.json()["results"]


def _snv_on_iii_1_1() -> int:
    return Assignment.objects.filter(action__group__plan__code="vinh-long-1925-2023",
                                     action__code="III.1.1", unit__code="VL25.SNV").count()


# --- One function per row: True when the role got through, False when it was refused ---------

def view_in_force_plan(client, user) -> bool:
    response = client.get(PLAN)
    assert response.status_code in (200, 404)
    return response.status_code == 200


def export_in_force_plan(client, user) -> bool:
    response = client.get(PLAN + "export.json")
    if response.status_code != 200:
        return False
    return response.json()["code"] == "vinh-long-1925-2023"


def view_draft_plan(client, user) -> bool:
    page = client.get(f"/plans/{DRAFT}/").status_code
    listed = DRAFT in [row["code"] for row in _api_rows(client, "/api/v1/plans/")]
    detail = client.get(f"/api/v1/plans/{DRAFT}/").status_code
    assert page in (200, 404) and detail in (200, 404), (page, detail)
    assert (page == 200) == listed == (detail == 200), "page, API list and API detail disagree"
    return page == 200


def export_draft_plan(client, user) -> bool:
    status = client.get(f"/plans/{DRAFT}/export.json").status_code
    assert status in (200, 404)
    return status == 200


def add_assignment_through_page(client, user) -> bool:
    before = _snv_on_iii_1_1()
    response = client.post(PLAN + "actions/III.1.1/",
                           {"unit": "VL25.SNV", "role": "coordinate", "reason": "kiểm thử quyền"})
    changed = _snv_on_iii_1_1() == before + 1
    if changed:
        assert response.status_code == 302
    else:
        assert _refused_page(response), response.status_code
        assert _snv_on_iii_1_1() == before
    return changed


def add_assignment_through_action(client, user) -> bool:
    action = Action.objects.get(group__plan__code="vinh-long-1925-2023", code="III.1.1")
    before = _snv_on_iii_1_1()
    try:
        made = add_assignment(action, OrgUnit.objects.get(code="VL25.SNV"), "coordinate",
                                 by=user, reason="kiểm thử quyền")
    except PermissionDenied:
        assert _snv_on_iii_1_1() == before
        return False
    assert made.pk and _snv_on_iii_1_1() == before + 1
    return True


def _sees_memberships_of(client, code: str, person: str) -> bool:
    page = client.get(f"/units/{code}/")
    assert page.status_code == 200
    on_page = person in page.content.decode()
    in_api = code in [row["unit"] for row in _api_rows(client, "/api/v1/memberships/?limit=1000")]
    assert on_page == in_api, "the unit page and the API disagree"
    return on_page


def see_own_unit_memberships(client, user) -> bool:
    return _sees_memberships_of(client, "VL25.STC", "Lê Văn Báo")


def see_other_unit_memberships(client, user) -> bool:
    return _sees_memberships_of(client, "VL25.SGDDT", "Phạm Thị Cáo")


def open_history(client, user) -> bool:
    return _opens(client, "/history/")


def _sees_audit_entry(client, marker: str) -> bool:
    """Looked for among the world's entries (the page shows fifty, newest first: the reference
    data's entries may be newer than a snapshot taken by another test worker)."""
    page = client.get("/history/?action=test.entry")
    on_page = page.status_code == 200 and marker in page.content.decode()
    in_api = marker in [row["object_repr"] for row in
                        _api_rows(client, "/api/v1/audit/?action=test.entry&limit=1000")]
    assert on_page == in_api, "the history page and the API disagree"
    return on_page


def see_own_unit_audit_entry(client, user) -> bool:
    return _sees_audit_entry(client, "ENTRY-OF-STC")


def see_other_unit_audit_entry(client, user) -> bool:
    return _sees_audit_entry(client, "ENTRY-OF-SGDDT")


def read_any_entry_through_audit_api(client, user) -> bool:
    """The audit API answers everyone (200); the question is whether it lists anything at all."""
    return bool(_api_rows(client, "/api/v1/audit/?limit=1"))


def see_every_audit_entry(client, user) -> bool:
    response = client.get("/api/v1/audit/?limit=1")
    assert response.status_code == 200
    return response.json()["count"] == AuditEntry.objects.count()


def open_admin_index(client, user) -> bool:
    return _opens(client, "/admin/")


def change_unit_through_admin(client, user) -> bool:
    unit = OrgUnit.objects.get(code="VL25.SKHCN")
    url = f"/admin/orgs/orgunit/{unit.pk}/change/"
    if not _opens(client, url):
        return False
    response = post_admin_change(client, url, {"name_en": "Renamed by the role matrix"})
    unit.refresh_from_db()
    changed = unit.name_en == "Renamed by the role matrix"
    if changed:
        assert response.status_code == 302
    return changed


ATTEMPTS = {
    "view the in-force plan page": view_in_force_plan,
    "export the in-force plan as JSON": export_in_force_plan,
    "view a draft plan (page, API list, API detail)": view_draft_plan,
    "export a draft plan": export_draft_plan,
    "add an assignment through the action page": add_assignment_through_page,
    "add an assignment through add_assignment": add_assignment_through_action,
    "see the memberships of the own unit VL25.STC": see_own_unit_memberships,
    "see the memberships of another unit VL25.SGDDT": see_other_unit_memberships,
    "open the history page": open_history,
    "see an audit entry of the own unit VL25.STC": see_own_unit_audit_entry,
    "see an audit entry of another unit VL25.SGDDT": see_other_unit_audit_entry,
    "read any entry through the audit API": read_any_entry_through_audit_api,
    "see every audit entry": see_every_audit_entry,
    "open the admin index": open_admin_index,
    "change a unit through the admin": change_unit_through_admin,
}


def test_every_row_of_the_matrix_has_an_attempt():
    assert set(ATTEMPTS) == set(MATRIX)
    assert all(allowed <= EVERYONE for allowed in MATRIX.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_role_may_do_exactly_what_the_matrix_allows(world, users, as_role, action, role):
    client = as_role(role)
    user = users[role]
    expected = role in MATRIX[action]
    got = ATTEMPTS[action](client, user)
    assert got == expected, f"{role} {'should' if expected else 'should not'} {action}"


# --- Stronger statements behind some rows ----------------------------------------------------

def test_a_reporter_and_the_public_get_404_on_a_draft_plan(world, as_role):
    for role in ("public", "reporter"):
        client = as_role(role)
        assert client.get(f"/plans/{DRAFT}/").status_code == 404
        assert client.get(f"/api/v1/plans/{DRAFT}/").status_code == 404
        assert client.get(f"/plans/{DRAFT}/actions/III.1.1/").status_code == 404


def test_a_reporter_reads_only_memberships_of_their_own_unit(world, as_role):
    rows = _api_rows(as_role("reporter"), "/api/v1/memberships/?limit=1000")
    assert rows, "the reporter sees at least their own membership"
    assert {row["unit"] for row in rows} == {"VL25.STC"}


def test_the_public_reads_no_memberships(world, as_role):
    assert _api_rows(as_role("public"), "/api/v1/memberships/?limit=1000") == []


def test_a_reporter_reads_exactly_the_audit_entries_of_their_own_unit(world, as_role):
    client = as_role("reporter")
    response = client.get("/api/v1/audit/?limit=1000")
    rows = response.json()["results"]
    assert rows and {row["unit"] for row in rows} == {"VL25.STC"}
    assert response.json()["count"] == AuditEntry.objects.filter(unit__code="VL25.STC").count()


def test_the_public_reads_no_audit_entries_and_is_sent_to_login_for_history(world, as_role):
    client = as_role("public")
    assert _api_rows(client, "/api/v1/audit/?limit=1000") == []
    response = client.get("/history/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_internal_roles_read_every_audit_entry_in_the_api(world, as_role):
    total = AuditEntry.objects.count()
    for role in sorted(INTERNAL):
        assert as_role(role).get("/api/v1/audit/?limit=1").json()["count"] == total, role


def test_the_api_refuses_writes_to_plans_for_everyone(world, as_role):
    for role in ROLES:
        response = as_role(role).post("/api/v1/plans/", {"code": "x"})
        assert response.status_code in (401, 403, 405), (role, response.status_code)


def test_a_reporting_officer_is_scoped_to_their_unit_in_time(world, users, as_role):
    """Memberships are dated: once the reporter's membership has ended, so has their access to
    their unit's audit entries (page and API)."""
    client, reporter = as_role("reporter"), users["reporter"]
    assert see_own_unit_audit_entry(client, reporter)
    membership = reporter.memberships.get()
    membership.valid_to = timezone.localdate() - timedelta(days=1)
    membership.save()
    assert not see_own_unit_audit_entry(client, reporter)


# --- A draft plan stays internal, in the query set and in the audit log ----------------------

def test_draft_plans_are_not_in_the_public_query_set(world):
    assert Plan.objects.filter(code=DRAFT).exists()
    assert not Plan.objects.restrict(AnonymousUser()).filter(code=DRAFT).exists()


def test_a_reporter_does_not_see_changes_to_a_draft_plan_in_the_audit_log(world, users, as_role):
    """A draft is internal: the plan officer's work on it naming the reporter's unit must not
    show through /history/ or /api/v1/audit/ (nor its object history page)."""
    draft_action = Action.objects.get(group__plan__code=DRAFT, code="III.1.1")
    made = add_assignment(draft_action, OrgUnit.objects.get(code="VL25.STC"), "coordinate",
                             by=users["plan_officer"], reason="DRAFT-ONLY-REASON")
    client = as_role("reporter")
    assert "DRAFT-ONLY-REASON" not in [row["reason"] for row in
                                       _api_rows(client, "/api/v1/audit/?limit=1000")]
    assert "DRAFT-ONLY-REASON" not in client.get("/history/").content.decode()
    assert "DRAFT-ONLY-REASON" not in client.get(
        f"/history/plans.assignment/{made.pk}/").content.decode()


def test_a_reporter_does_not_read_a_draft_plan_through_its_load_entry(db, as_role):
    """Loading a draft issued by a unit with reporting officers must not hand them the draft's
    full text (the load entry's `after` is the whole exported plan)."""
    data = draft_plan_data("du-thao-cua-stc")
    data["issuing_unit"] = "VL25.STC"
    load_plan(data, by=None)
    rows = _api_rows(as_role("reporter"), "/api/v1/audit/?limit=1000&action=plans.load_plan")
    assert [r for r in rows if (r["after"] or {}).get("code") == "du-thao-cua-stc"] == []


# --- The policy table itself -----------------------------------------------------------------

@pytest.mark.parametrize("model", [Group, Permission])
@pytest.mark.parametrize("role", ROLES)
def test_a_model_without_a_policy_is_for_administrators_only(users, model, role):
    """Whatever the action, the default one ("view") included."""
    assert model._meta.label_lower not in POLICIES
    assert restriction(users[role], model) is (role == "admin"), (role, "default action")
    for action in ("view", "change"):
        assert restriction(users[role], model, action) is (role == "admin"), (role, action)


def test_the_system_may_read_a_model_without_a_policy():
    assert restriction(None, Group) is True


def test_an_anonymous_visitor_is_denied_a_model_without_a_policy():
    assert restriction(AnonymousUser(), Group) is False


@pytest.mark.parametrize("app_label", ["core", "orgs", "plans", "reporting", "metrics", "documents", "index"])
def test_every_model_of_the_app_has_a_read_policy(app_label):
    """No model is admin-only by omission: each has an explicit row filter."""
    missing = [m._meta.label_lower for m in apps.get_app_config(app_label).get_models()
               if m._meta.label_lower not in POLICIES]
    assert missing == [], f"admin-only by omission: {missing}"


def test_every_policy_names_an_existing_model():
    stale = []
    for label in POLICIES:
        try:
            apps.get_model(label)
        except LookupError:
            stale.append(label)
    assert stale == []


# --- One table: the `view_*` permissions are POLICIES' rows, not a second rule ----------------

def _samples(world) -> list:
    """One row of each kind whose visibility differs by role and unit."""
    from stiplan.metrics.models import DataValue
    from stiplan.orgs.models import Membership
    from stiplan.plans.models import Indicator

    draft = Plan.objects.get(code=DRAFT)
    stc, sgddt = OrgUnit.objects.get(code="VL25.STC"), OrgUnit.objects.get(code="VL25.SGDDT")
    indicator = Indicator.objects.order_by("code").first()
    value = DataValue.objects.create(indicator=indicator, unit=sgddt, year=2025, value=1,
                                     source="reported", final=False)
    final = DataValue.objects.create(indicator=indicator, unit=sgddt, year=2024, value=1,
                                     source="statistics", final=True)
    return [draft, world, Membership.objects.filter(unit=stc).first(),
            Membership.objects.filter(unit=sgddt).first(),
            AuditEntry.objects.get(object_repr="ENTRY-OF-STC"),
            AuditEntry.objects.get(object_repr="ENTRY-OF-SGDDT"), value, final]


@pytest.mark.parametrize("role", ROLES)
def test_can_view_answers_from_the_policy_table(world, users, role):
    """`can(user, "app.view_model", obj)` says yes exactly for the rows `restrict()` lets
    through, for every kind of row (the Django admin asks these permissions)."""
    from stiplan.core.permissions import can

    user = users[role]
    for obj in _samples(world):
        label = obj._meta.label_lower
        perm = f"{obj._meta.app_label}.view_{obj._meta.model_name}"
        listed = type(obj).objects.restrict(user).filter(pk=obj.pk).exists()
        assert can(user, perm, obj) is listed, (role, label, obj.pk)


def test_a_reporter_may_view_their_own_units_membership_and_not_anothers(world, users):
    """The old rule gave `orgs.view_membership` to administrators only, while the pages showed a
    unit's people to its own reporting officers; now both read the same row of POLICIES."""
    from stiplan.core.permissions import can
    from stiplan.orgs.models import Membership

    own = Membership.objects.filter(unit__code="VL25.STC").first()
    other = Membership.objects.filter(unit__code="VL25.SGDDT").first()
    assert can(users["reporter"], "orgs.view_membership", own)
    assert not can(users["reporter"], "orgs.view_membership", other)
    assert not can(users["public"], "orgs.view_membership")


def test_every_policy_has_its_view_permission():
    import rules

    assert all(rules.perm_exists(f"{label.split('.')[0]}.view_{label.split('.')[1]}")
               for label in POLICIES)


def test_the_permission_module_imports_no_app():
    """core sits under every app: permissions.py names models by label, never by import."""
    import ast
    import inspect

    from stiplan.core import permissions

    tree = ast.parse(inspect.getsource(permissions))
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names]
    assert [m for m in imported if m and m.startswith("stiplan.")
            and not m.startswith("stiplan.core")] == []


@pytest.mark.parametrize("role", ROLES)
def test_whoever_may_read_documents_may_read_everything_they_are_made_from(users, role):
    """A document's content is assembled from every unit's accepted reports and every value,
    without the reader's scope: safe because only roles that may read all of those may read a
    document at all."""
    from stiplan.documents.models import Document
    from stiplan.metrics.models import DataValue
    from stiplan.reporting.models import ActionItem, IndicatorItem, UnitReport

    user = users[role]
    if restriction(user, Document) is False:
        return
    assert all(restriction(user, model) is True
               for model in (UnitReport, ActionItem, IndicatorItem, DataValue, Plan)), role
