"""Field selection on every read endpoint (`?fields=`, `?omit=`, one serializer mixin): the kept
fields are exactly those asked for, an unknown name is a 400 that names it, a field the
serializer does not show (a person's contacts, a task's folded search text) cannot be asked for,
and the OpenAPI schema documents both parameters on every list and detail read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from stiplan.api_urls import router
from stiplan.core.api import SelectableFields
from stiplan.plans.api import PLAN_KEYS
from stiplan.plans.io import export_plan, to_json_ready
from stiplan.plans.models import Plan
from stiplan.registry.models import Person, Task

pytestmark = pytest.mark.django_db
TASKS = "/api/v1/registry/tasks/"


def test_fields_keeps_only_the_named_fields_of_each_row(client, demo_registry):
    rows = client.get(TASKS, {"fields": "code,title"}).json()["results"]
    assert rows and all(list(row) == ["code", "title"] for row in rows)
    task = rows[0]["code"]
    detail = client.get(f"{TASKS}{task}/", {"fields": "title,outputs"}).json()
    assert list(detail) == ["title", "outputs"]
    assert all("task" in output for output in detail["outputs"])  # nested rows keep theirs


def test_omit_drops_the_named_fields(client, demo_registry):
    row = client.get(TASKS, {"omit": "budget,principal_investigator"}).json()["results"][0]
    assert "budget" not in row and "principal_investigator" not in row and "title" in row


@pytest.mark.parametrize("name", ["titel", "search_text", "email", "id_number", "phone", "public"])
def test_an_unknown_or_hidden_field_is_a_400_naming_it(client, demo_registry, name):
    assert name in {f.name for f in Task._meta.get_fields()} | set(Person.PRIVATE_FIELDS) | {"titel"}
    response = client.get(TASKS, {"fields": f"code,{name}"})
    assert response.status_code == 400
    message = response.json()["fields"][0]
    assert f"«{name}»" in message and "search_text" not in message.split("«", 1)[0]
    assert client.get(TASKS, {"omit": name}).status_code == 400


def test_the_members_private_contacts_cannot_be_selected(client, demo_registry):
    """People's contacts are in no serializer: asking for them at any depth is refused and the
    members' rows still hold only the public profile."""
    task = Task.objects.filter(public=True).order_by("pk").first()
    person = task.members.first().person
    Person.objects.filter(pk=person.pk).update(email="qx-private@example.invalid")
    for name in ("email", "members.person.email", "person"):
        assert client.get(f"{TASKS}{task.code}/", {"fields": name}).status_code == 400
    body = client.get(f"{TASKS}{task.code}/", {"fields": "members"}).content.decode()
    assert "qx-private" not in body


def test_the_plan_in_normal_form_selects_its_top_level_keys(client):
    plan = Plan.objects.get(code="vinh-long-1925-2023")
    assert list(to_json_ready(export_plan(plan))) == list(PLAN_KEYS)
    answer = client.get(f"/api/v1/plans/{plan.code}/", {"fields": "code,targets"}).json()
    assert list(answer) == ["code", "targets"] and answer["targets"]
    assert client.get(f"/api/v1/plans/{plan.code}/", {"fields": "secret"}).status_code == 400


def test_every_read_endpoint_offers_selection_and_the_schema_says_so(client):
    """Each registered viewset's list and detail serializer takes part, and the schema lists
    `fields` and `omit` with the representation's field names on each list and detail GET."""
    for _prefix, viewset, _basename in router.registry:
        serializer = viewset.serializer_class
        assert issubclass(serializer, SelectableFields), viewset.__name__
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    others = ("/schema/", "/board/", "/template/", "/national/", "/successors/", "/file/{fmt}/")
    reads = [(path, op) for path, item in schema["paths"].items() for method, op in item.items()
             if method == "get" and not path.endswith(others)]
    assert len(reads) >= 24
    for path, op in reads:
        params = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}
        assert {"fields", "omit"} <= set(params), path
        assert params["fields"]["schema"]["items"]["enum"], path
    task_detail = schema["paths"]["/api/v1/registry/tasks/{code}/"]["get"]
    names = next(p for p in task_detail["parameters"] if p["name"] == "fields")["schema"]["items"]["enum"]
    assert "steps" in names and "email" not in names and "search_text" not in names
