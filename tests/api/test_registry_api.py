"""The registry API: a visitor lists the public tasks with the filters of the task page and the
accent-insensitive search, reads a task's public facts (the same as its page shows), and the
organisations, IP assets and outputs; staff see proposals and steps too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from stiplan.registry.models import BudgetLine, IPAsset, Output, Task

pytestmark = pytest.mark.django_db
TASKS = "/api/v1/registry/tasks/"


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def test_a_visitor_lists_exactly_the_public_tasks(client, login, demo_registry):
    public = set(Task.objects.filter(public=True).values_list("code", flat=True))
    assert public and public != set(Task.objects.values_list("code", flat=True))
    assert codes(client.get(TASKS, {"limit": 1000})) == public
    assert codes(login("baocao.stc").get(TASKS, {"limit": 1000})) == public
    assert codes(login("kehoach").get(TASKS, {"limit": 1000})) == set(
        Task.objects.values_list("code", flat=True))


@pytest.mark.parametrize("name, column", [("level", "level"), ("kind", "kind"),
                                          ("regime", "regime"), ("state", "state")])
def test_each_choice_filter_keeps_the_tasks_of_that_value(login, demo_registry, name, column):
    staff = login("kehoach")
    for value in set(Task.objects.values_list(column, flat=True)):
        expected = set(Task.objects.filter(**{column: value}).values_list("code", flat=True))
        assert codes(staff.get(TASKS, {name: value, "limit": 1000})) == expected, value


def test_field_host_and_year_filters(client, demo_registry):
    task = Task.objects.filter(public=True).order_by("pk").first()
    Task.objects.filter(pk=task.pk).update(field=task.field or _field("1"))
    assert task.code in codes(client.get(TASKS, {"field": "1"}))
    assert task.code not in codes(client.get(TASKS, {"field": "2"}))
    hosted = set(Task.objects.filter(public=True, host=task.host).values_list("code", flat=True))
    assert codes(client.get(TASKS, {"host": task.host.code, "limit": 1000})) == hosted
    year = task.start_date.year
    running = {t.code for t in Task.objects.filter(public=True)
               if t.start_date.year <= year and (t.end_date is None or t.end_date.year >= year)}
    assert codes(client.get(TASKS, {"year": year, "limit": 1000})) == running
    assert codes(client.get(TASKS, {"year": 1901})) == set()


def _field(code: str):
    from stiplan.registry.models import ScienceField
    return ScienceField.objects.get(code=code)


def test_the_search_ignores_accents_and_word_order(client, demo_registry):
    titled = {t.code for t in Task.objects.filter(public=True) if "giống lúa" in t.title}
    assert titled, "the demo has a public rice-breeding task"
    assert codes(client.get(TASKS, {"q": "giong lua", "limit": 1000})) == titled
    assert codes(client.get(TASKS, {"q": "LÚA GIỐNG", "limit": 1000})) == titled
    assert codes(client.get(TASKS, {"q": "luật"})) == set()  # "lua" is a word, not a prefix


def test_a_visitor_cannot_find_a_proposal_by_any_filter(client, demo_registry):
    proposal = Task.objects.filter(state="proposed").first()
    assert codes(client.get(TASKS, {"state": "proposed"})) == set()
    assert codes(client.get(TASKS, {"q": proposal.code})) == set()
    assert client.get(f"{TASKS}{proposal.code}/").status_code == 404


@pytest.mark.parametrize("query", ["level=x", "kind=", "year=abc", "year=1.5", "year=3000",
                                   "field=1a", "field=12345678", "state=draft", "regime=2014"])
def test_a_bad_filter_is_a_400_naming_it(client, query):
    response = client.get(f"{TASKS}?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [query.split("=")[0]]


def test_a_public_task_shows_what_its_page_shows(client, demo_registry):
    task = Task.objects.filter(state="registered").order_by("pk").first()
    BudgetLine.objects.create(task=task, source="provincial", year=2024, amount=Decimal("350.5"),
                              lump_sum=Decimal("100"))
    BudgetLine.objects.create(task=task, source="host", year=2025, amount=Decimal("49.5"))
    body = client.get(f"{TASKS}{task.code}/").json()
    principal = task.members.get(role="principal").person
    assert (body["code"], body["title"], body["level"], body["kind"]) == (
        task.code, task.title, task.level, task.kind)
    assert body["host"] == {"code": task.host.code, "name": task.host.name}
    assert body["principal_investigator"] == {"id": principal.pk, "full_name": principal.full_name}
    assert body["budget"] == {"total": "400.000", "lump_sum": "100.000"}
    assert (body["start_date"], body["end_date"]) == (task.start_date.isoformat(),
                                                      task.end_date.isoformat())
    assert body["state"] == "registered" and body["state_label"]
    certificates = [o["certificate_number"] for o in body["outputs"]]
    assert certificates and all(certificates)
    assert body["steps"] == []  # the permission table keeps steps for the Department


def test_staff_read_a_tasks_steps(login, demo_registry):
    task = Task.objects.filter(state="registered").order_by("pk").first()
    body = login("lanhdao").get(f"{TASKS}{task.code}/").json()
    assert [s["step"] for s in body["steps"]][-1] == "register"


def test_organisations_ip_assets_and_outputs(client, demo_registry):
    org = Task.objects.filter(public=True).order_by("pk").first().host
    found = client.get("/api/v1/registry/organisations/", {"q": "truong dai hoc tra vinh"}).json()
    assert [o["code"] for o in found["results"]] == ["dh-tra-vinh"]
    assert client.get(f"/api/v1/registry/organisations/{org.code}/").json()["name"] == org.name
    asset = IPAsset.objects.order_by("pk").first()
    output = Output.objects.filter(task__public=True).order_by("pk").first()
    output.ip_asset = asset
    output.save()
    body = client.get(f"/api/v1/registry/ip-assets/{asset.pk}/").json()
    assert body["title"] == asset.title and body["tasks"] == [output.task.code]
    listed = client.get("/api/v1/registry/outputs/", {"task": output.task.code}).json()
    assert output.pk in [o["id"] for o in listed["results"]]
    hidden = Output.objects.filter(task__public=False).first()
    if hidden is None:  # the demo registers public tasks only: give a proposal a result
        hidden = Output.objects.create(task=Task.objects.filter(public=False).first(),
                                       kind="publication", title="Bài báo", year=2024)
    assert client.get(f"/api/v1/registry/outputs/{hidden.pk}/").status_code == 404


def test_the_year_filter_of_outputs(client, demo_registry):
    year = dt.date.today().year + 50
    assert client.get("/api/v1/registry/outputs/", {"year": year}).json()["count"] == 0
