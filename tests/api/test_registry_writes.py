"""The registry's write endpoints follow the pages' actions and permissions: a proposal (plan and
reporting officers; the duplicate check asks for confirmation), one lifecycle step (plan
officers; a step the state does not allow is a 400 naming it; a decision-bearing step needs its
number and date), a technology offer added as a draft and published (plan officers; the public
sees it once published, never its contact). Each role is tried on each endpoint."""

from __future__ import annotations

import pytest

from stiplan.core.models import AuditEntry
from stiplan.registry.exchange.actions import add_offer
from stiplan.registry.models import Organisation, Task, TaskStep, TechnologyOffer
from tests.api.conftest import ROLES, auth_headers

pytestmark = pytest.mark.django_db
TASKS = "/api/v1/registry/tasks/"
OFFERS = "/api/v1/registry/offers/"
MAY = {"PROPOSE": {"plan_officer", "admin", "reporter"}, "MOVE": {"plan_officer", "admin"},
           "OFFER": {"plan_officer", "admin"}}


def proposal(code: str, **extra) -> dict:
    return {"code": code, "title": f"Nghiên cứu thử nghiệm mô hình {code} cho cây có múi",
            "level": "provincial", "kind": "de_tai", "mechanism": "commissioning",
            "selection": "direct", "start_date": "2026-02-01", **extra}


def post(client, url, body, role, tokens, **headers):
    return client.post(url, body, content_type="application/json",
                       **{f"HTTP_{k.upper().replace('-', '_')}": v
                          for k, v in {**auth_headers(role, tokens), **headers}.items()})


@pytest.mark.parametrize("role", ROLES)
def test_who_may_propose_a_task(client, demo_registry, tokens, role):
    entries = AuditEntry.objects.count()
    answer = post(client, TASKS, proposal(f"API-{role}", innovation_subkind=""), role, tokens)
    if role in MAY["PROPOSE"]:
        assert answer.status_code == 201, answer.content
        task = Task.objects.get(code=f"API-{role}")
        assert task.state == "proposed" and answer.json()["code"] == task.code
        assert AuditEntry.objects.filter(action="registry.propose_task", object_id=str(task.pk)).exists()
    else:
        assert answer.status_code == 403
        assert AuditEntry.objects.count() == entries


def test_a_proposal_like_an_existing_task_needs_confirmation(client, demo_registry, tokens):
    twin = Task.objects.filter(public=True).order_by("pk").first()
    body = {**proposal("API-TWIN"), "title": twin.title}
    refused = post(client, TASKS, body, "plan_officer", tokens)
    assert refused.status_code == 400
    assert twin.code in refused.json()["not_a_duplicate"][0]
    assert not Task.objects.filter(code="API-TWIN").exists()
    confirmed = post(client, TASKS, {**body, "not_a_duplicate": True}, "plan_officer", tokens)
    assert confirmed.status_code == 201, confirmed.content


def test_a_proposal_names_what_is_wrong(client, demo_registry, tokens):
    body = proposal("API-BAD", host="no-such-org", end_date="2025-01-01")
    answer = post(client, TASKS, body, "plan_officer", tokens)
    assert answer.status_code == 400 and "host" in answer.json()
    for code in ("no\x00such", ["a"], 7):
        answer = post(client, TASKS, proposal("API-BAD", field=code), "plan_officer", tokens)
        assert answer.status_code == 400 and "field" in answer.json(), code
    answer = post(client, TASKS, proposal("API-BAD", end_date="2025-01-01"),
                  "plan_officer", tokens)
    assert answer.status_code == 400 and "trước ngày bắt đầu" in str(answer.json())
    assert not Task.objects.filter(code="API-BAD").exists()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_move_a_task(client, demo_registry, tokens, role):
    task = Task.objects.filter(state="proposed").order_by("pk").first()
    answer = post(client, f"{TASKS}{task.code}/move/", {"step": "identify"}, role, tokens)
    task.refresh_from_db()
    if role in MAY["MOVE"]:
        assert answer.status_code == 200, answer.content
        assert task.state == "identified" and answer.json()["state"] == "identified"
        assert TaskStep.objects.filter(task=task, step="identify").exists()
    else:
        assert answer.status_code in (403, 404)  # a proposal is not even visible to them
        assert task.state == "proposed"


def test_a_step_the_state_does_not_allow_or_without_its_decision_is_refused(client, demo_registry,
                                                                             tokens):
    task = Task.objects.filter(state="proposed").order_by("pk").first()
    wrong = post(client, f"{TASKS}{task.code}/move/", {"step": "contract"}, "plan_officer", tokens)
    assert wrong.status_code == 400 and task.code in wrong.json()["detail"][0]
    running = Task.objects.filter(state="contracted").order_by("pk").first()
    bare = post(client, f"{TASKS}{running.code}/move/", {"step": "suspend"}, "plan_officer", tokens)
    assert bare.status_code == 400 and "suspended" not in str(bare.json())
    ok = post(client, f"{TASKS}{running.code}/move/",
              {"step": "suspend", "decision_number": "12/QĐ-SKHCN", "decision_date": "2026-03-01"},
              "plan_officer", tokens)
    assert ok.status_code == 200 and ok.json()["state"] == "suspended"
    assert post(client, f"{TASKS}{task.code}/move/", {"step": "apply"}, "plan_officer",
                tokens).status_code == 400  # taken with the yearly application report, not here


def test_a_move_with_a_stale_if_match_is_refused(client, demo_registry, tokens):
    task = Task.objects.filter(state="proposed").order_by("pk").first()
    url = f"{TASKS}{task.code}/"
    tag = client.get(url, **{"HTTP_AUTHORIZATION": f"Token {tokens['plan_officer']}"})["ETag"]
    assert post(client, f"{url}move/", {"step": "identify"}, "plan_officer", tokens,
                **{"If-Match": tag}).status_code == 200
    stale = post(client, f"{url}move/", {"step": "approve_list"}, "plan_officer", tokens,
                 **{"If-Match": tag})
    assert stale.status_code == 412
    task.refresh_from_db()
    assert task.state == "identified"


OFFER = {"title": "Quy trình bảo quản bưởi da xanh sau thu hoạch", "summary": "Tóm tắt.",
         "trl": 6, "transfer_forms": ["licence"], "contact_email": "lienhe@example.invalid"}


@pytest.fixture
def draft(demo_registry) -> TechnologyOffer:
    owner = Organisation.objects.exclude(kind="agency").order_by("pk").first()
    return add_offer(**{**OFFER, "owner": owner}, by=None)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_add_and_publish_an_offer(client, draft, tokens, role):
    added = post(client, OFFERS, {**OFFER, "owner": draft.owner.code}, role, tokens)
    published = post(client, f"{OFFERS}{draft.pk}/status/", {"status": "published"}, role, tokens)
    draft.refresh_from_db()
    if role in MAY["OFFER"]:
        assert added.status_code == 201, added.content
        assert "contact_email" not in added.json()
        assert published.status_code == 200 and draft.status == "published"
    else:
        assert added.status_code == 403 and published.status_code in (403, 404)
        assert draft.status == "draft"


def test_the_public_sees_published_offers_only_and_never_their_contact(client, draft):
    TechnologyOffer.objects.update(contact_email="qx-contact@example.invalid")
    shown = {row["id"] for row in client.get(OFFERS, {"limit": 1000}).json()["results"]}
    assert shown == set(TechnologyOffer.objects.filter(status="published").values_list("pk", flat=True))
    assert client.get(f"{OFFERS}{draft.pk}/").status_code == 404
    body = client.get(OFFERS, {"limit": 1000}).content.decode()
    assert "qx-contact" not in body
    assert client.get(OFFERS, {"fields": "contact_email"}).status_code == 400
