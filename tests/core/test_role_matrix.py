"""The role × action matrix: who may see and do what, tried for real through pages, API and
action functions. One table is the specification."""

from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from stiplan.core.audit import record
from stiplan.core.demo import PLAN_FILE
from stiplan.core.permissions import POLICIES, restriction
from stiplan.orgs.models import OrgUnit
from stiplan.plans.actions import do_add_assignment
from stiplan.plans.io import load_plan, parse_plan
from stiplan.plans.models import Action, Plan

pytestmark = pytest.mark.django_db
ROLES = ["public", "reporter", "leader", "reviewer", "plan_officer", "admin"]
INTERNAL = {"leader", "reviewer", "plan_officer", "admin"}
EVERYONE = set(ROLES)
MATRIX = {
    "view the plan in force": EVERYONE,
    "export the plan in force": EVERYONE,
    "view a draft plan": INTERNAL,
    "change the plan through the page": {"plan_officer", "admin"},
    "change the plan through the action": {"plan_officer", "admin"},
    "see another unit's people": INTERNAL,
    "see another unit's audit entries": INTERNAL,
    "see their own unit's audit entries": {"reporter"} | INTERNAL,
    "open the admin": {"plan_officer", "admin"},
    "read the audit API": {"reporter"} | INTERNAL,
}
PLAN = "/plans/vinh-long-1925-2023/"


@pytest.fixture
def world(plan):
    """A draft plan, and one audit entry for each of two units."""
    raw = PLAN_FILE.read_text(encoding="utf-8").replace(
        "code: vinh-long-1925-2023", "code: du-thao-2026").replace("status: in_force", "status: draft")
    load_plan(parse_plan(raw))
    stc, sgddt = OrgUnit.objects.get(code="VL25.STC"), OrgUnit.objects.get(code="VL25.SGDDT")
    record("test.stc", stc, by=None, after={"x": 1}, unit=stc, repr_="STC-ENTRY")
    record("test.sgddt", sgddt, by=None, after={"x": 1}, unit=sgddt, repr_="SGDDT-ENTRY")
    return plan


def client_for(users, role) -> Client:
    client = Client()
    if role != "public":
        client.force_login(users[role])
    return client


def attempt(name: str, role: str, users) -> bool:
    client = client_for(users, role)
    user = users[role] if role != "public" else AnonymousUser()
    if name == "view the plan in force":
        return client.get(PLAN).status_code == 200
    if name == "export the plan in force":
        return client.get(PLAN + "export.json").status_code == 200
    if name == "view a draft plan":
        page = client.get("/plans/du-thao-2026/").status_code == 200
        listed = "du-thao-2026" in client.get("/api/v1/plans/").content.decode()
        assert page == listed, "the page and the API must agree"
        return page
    if name == "change the plan through the page":
        before = Action.objects.get(group__plan__code="vinh-long-1925-2023", code="III.1.1") \
            .assignments.count()
        client.post(PLAN + "actions/III.1.1/", {"unit": "VL25.SNV", "role": "coordinate",
                                                 "reason": "thử quyền"})
        return Action.objects.get(group__plan__code="vinh-long-1925-2023", code="III.1.1") \
            .assignments.count() == before + 1
    if name == "change the plan through the action":
        action = Action.objects.get(group__plan__code="vinh-long-1925-2023", code="III.1.2")
        try:
            do_add_assignment(action, OrgUnit.objects.get(code="VL25.SNV"), "coordinate", by=user)
        except PermissionDenied:
            return False
        return True
    if name == "see another unit's people":
        page = "Phạm Thị Cáo" in client.get("/units/VL25.SGDDT/").content.decode()
        api = "VL25.SGDDT" in client.get("/api/v1/memberships/").content.decode()
        assert page == api, "the page and the API must agree"
        return page
    if name == "see another unit's audit entries":
        return "SGDDT-ENTRY" in client.get("/history/").content.decode()
    if name == "see their own unit's audit entries":
        return "STC-ENTRY" in client.get("/history/").content.decode()
    if name == "open the admin":
        return client.get("/admin/").status_code == 200
    if name == "read the audit API":
        return client.get("/api/v1/audit/").status_code == 200 and bool(
            client.get("/api/v1/audit/").json()["results"])
    raise AssertionError(name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(MATRIX))
def test_role_matrix(world, users, name, role):
    assert attempt(name, role, users) == (role in MATRIX[name]), f"{role}: {name}"


def test_every_model_has_a_read_policy():
    """No model is admin-only by omission: each has an explicit row filter."""
    for label in ("core", "orgs", "plans", "reporting", "metrics"):
        for model in apps.get_app_config(label).get_models():
            assert model._meta.label_lower in POLICIES, model._meta.label_lower


def test_a_model_without_a_policy_is_for_administrators_only(users):
    from django.contrib.auth.models import Group

    assert restriction(users["plan_officer"], Group) is False
    assert restriction(users["admin"], Group) is True


def test_a_reporting_officer_is_scoped_to_their_unit_in_time(world, users):
    """Memberships are dated: an ended membership gives no access."""
    assert "STC-ENTRY" in client_for(users, "reporter").get("/history/").content.decode()
    membership = users["reporter"].memberships.get()
    membership.valid_to = date(2025, 12, 31)
    membership.save()
    assert "STC-ENTRY" not in client_for(users, "reporter").get("/history/").content.decode()


def test_draft_plans_are_not_in_the_public_query_set(world):
    assert not Plan.objects.restrict(AnonymousUser()).filter(code="du-thao-2026").exists()
