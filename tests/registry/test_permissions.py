"""The role matrix of the registry: what each role reads of every registry model (proposals,
people outside public tasks, councils, reviewers, conflicts and scores stay internal) and which
registry actions each role may take."""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from stiplan.core.permissions import POLICIES, can
from stiplan.registry.actions import (
    Decision,
    add_council_member,
    create_council,
    declare_conflict,
    enter_scores,
    move_task,
    rank_council,
    request_import,
)
from stiplan.registry.exchange.actions import (
    add_demand,
    add_equipment,
    add_lab,
    add_offer,
    send_message,
    set_status,
)
from stiplan.registry.models import (
    Affiliation,
    BudgetLine,
    Call,
    ConflictDeclaration,
    Consensus,
    Council,
    CouncilMember,
    Entry,
    Equipment,
    ImportJob,
    IPAsset,
    Lab,
    ListingMessage,
    Organisation,
    Output,
    Person,
    Programme,
    ResultApplication,
    ScienceField,
    Score,
    ServiceRevenue,
    Task,
    TaskMember,
    TaskStep,
    TechnologyDemand,
    TechnologyOffer,
)
from tests.conftest import rows_standing_for_module, snapshot_of
from tests.core.test_routes import ACCOUNTS
from tests.registry.conftest import make_fields, make_host, make_people, proposer

pytestmark = pytest.mark.django_db

ROLES = ["public", "reporter", "leader", "reviewer", "plan_officer", "admin"]
EVERYONE = frozenset(ROLES)
INTERNAL = frozenset({"leader", "reviewer", "plan_officer", "admin"})
DEPARTMENT = frozenset({"plan_officer", "admin"})


def build_world() -> None:
    """A public task (under contract, P0 its principal investigator) and an internal proposal
    (P1 its principal investigator), a council of P2 and P3 where P3 declared a conflict; a lab
    with one item of equipment; three offers and three demands: published, draft, withdrawn."""
    officer = get_user_model().objects.get(username=ACCOUNTS["plan_officer"])
    make_fields()
    people = make_people()
    propose = proposer(officer, make_host())
    public_task, proposal = propose(code="NV-PUBLIC"), propose(code="NV-PROPOSAL")
    for t, person in ((public_task, people[0]), (proposal, people[1])):
        TaskMember.objects.create(task=t, person=person, role="principal")
        Affiliation.objects.create(person=person, organisation=t.host, position="giảng viên")
        BudgetLine.objects.create(task=t, source="provincial", year=2024, amount=100)
        Output.objects.create(task=t, kind="publication", title=f"Bài báo {t.code}")
        ResultApplication.objects.create(task=t, year=2025, applied=True)
    Task.objects.filter(pk=public_task.pk).update(state="approved")
    move_task(public_task, "contract", by=officer, decision=Decision("1/HĐ", dt.date(2024, 5, 1)))
    council = create_council("selection", "HĐ", tasks=[public_task, proposal], by=officer,
                                criteria=[{"code": "C1", "max": 10}])
    chair = add_council_member(council, people[2], "chair", by=officer)
    other = add_council_member(council, people[3], "member", by=officer)
    enter_scores(chair, proposal, {"C1": 7}, by=officer)
    declare_conflict(other, proposal, reason="cùng đơn vị", by=officer)
    rank_council(council, by=officer)
    Programme.objects.create(code="ct-1457", name="Chương trình 1457/QĐ-UBND")
    IPAsset.objects.create(kind="collective_mark", title="Bưởi da xanh Vũng Liêm")
    # a published call with a winner and an entry that did not win; an unpublished one whose
    # entry has its prize already: only the published winner is public
    day = dt.date(2026, 3, 1)
    for n, published in enumerate((True, False)):
        call = Call.objects.create(kind="sti_award", title=f"Giải {n}", year=2026, opens_on=day,
                                   closes_on=day, published=published)
        Entry.objects.create(call=call, code="1", title="Đạt giải", person=people[4], submitted_on=day,
                             prize="first", decision_number="1/QĐ", decision_date=day)
        Entry.objects.create(call=call, code="2", title="Không đạt", person=people[4], submitted_on=day)
    ServiceRevenue.objects.create(organisation=public_task.host, year=2025, amount=10)
    lab = add_lab(name="PTN", owner=public_task.host, location="Trà Vinh", by=officer)
    add_equipment(lab, name="Máy PCR", by=officer)
    for n, status in enumerate(("published", "", "withdrawn")):  # one published, a draft, a withdrawn
        offer = add_offer(title=f"Công nghệ {n}", summary="x", owner=public_task.host, trl=5,
                          transfer_forms=["licence"], by=officer)
        demand = add_demand(title=f"Nhu cầu {n}", needs="x", enterprise=public_task.host, by=officer)
        for listing in (offer, demand):
            if status:
                set_status(listing, "published", by=officer)
            if status == "withdrawn":
                set_status(listing, "withdrawn", by=officer)
        if status == "published":  # a visitor writes to its owner
            send_message(offer, name="Khách", email="khach@example.test", body="Xin báo giá.",
                         by=AnonymousUser())
    request_import("tasks", "nv.csv", b"code\nNV-X\n", by=officer)  # a queued import job


#: The world, built once per run and put back once for the module: 158 tests stand in it.
world_snapshot = snapshot_of(build_world)
standing_world = rows_standing_for_module("world_snapshot")


@pytest.fixture
def world(db) -> dict:
    """The world of `build_world`: its two tasks and its five people."""
    return {"public_task": Task.objects.get(code="NV-PUBLIC"),
            "proposal": Task.objects.get(code="NV-PROPOSAL"),
            "people": list(Person.objects.order_by("pk"))}


def visible(model, user) -> int:
    return model.objects.restrict(user).count()


#: model → (rows every role below sees, the roles that see every row); others see the first count.
#: Counts come from the world above: 2 tasks, 1 of them public; 5 people, 1 on the public task.
READS = {
    Task: (1, INTERNAL), TaskMember: (1, INTERNAL), BudgetLine: (1, INTERNAL), Output: (1, INTERNAL),
    ResultApplication: (1, INTERNAL), Person: (1, INTERNAL), Affiliation: (1, INTERNAL),
    TaskStep: (0, INTERNAL), Council: (0, INTERNAL), CouncilMember: (0, INTERNAL),
    ConflictDeclaration: (0, INTERNAL), Score: (0, INTERNAL), Consensus: (0, INTERNAL),
    ScienceField: (6, EVERYONE), Organisation: (1, EVERYONE), Programme: (1, EVERYONE),
    IPAsset: (1, EVERYONE), Call: (2, EVERYONE), Entry: (1, INTERNAL), ServiceRevenue: (0, INTERNAL),
    Lab: (1, EVERYONE), Equipment: (1, EVERYONE),
    TechnologyOffer: (1, INTERNAL), TechnologyDemand: (1, INTERNAL),
    ListingMessage: (0, INTERNAL), ImportJob: (0, INTERNAL),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", list(READS), ids=lambda m: m.__name__)
def test_each_role_reads_exactly_the_rows_the_matrix_gives(world, users, model, role):
    outside_count, full_roles = READS[model]
    expected = model.objects.count() if role in full_roles else outside_count
    assert visible(model, users[role]) == expected


@pytest.mark.parametrize("role", ["public", "reporter"])
def test_outside_the_department_only_the_public_task_and_its_investigator_show(world, users, role):
    assert list(Task.objects.restrict(users[role]).values_list("code", flat=True)) == ["NV-PUBLIC"]
    assert list(Person.objects.restrict(users[role])) == [world["people"][0]]


#: registry permission → the roles that hold it.
WRITES = {
    "registry.propose_task": DEPARTMENT | {"reporter"},
    "registry.move_task": DEPARTMENT,
    "registry.manage_council": DEPARTMENT,
    "registry.enter_score": DEPARTMENT,
    "registry.manage_resources": DEPARTMENT,
    "registry.manage_call": DEPARTMENT,
    "registry.contact_listing": EVERYONE,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("perm", list(WRITES))
def test_each_role_holds_exactly_the_registry_permissions_the_matrix_gives(users, perm, role):
    assert can(users[role], perm) == (role in WRITES[perm])


def test_every_registry_model_has_a_read_policy_and_the_matrix_covers_it():
    models = set(apps.get_app_config("registry").get_models())
    assert [m for m in models if m._meta.label_lower not in POLICIES] == []
    assert models - set(READS) == {apps.get_model("registry", "LegacyFieldCode"),
                                   apps.get_model("registry", "OrganisationRelation")}
