"""No private registry data leaves the API for a visitor or a reporting officer: a marker is
planted in every private field — people's e-mail, phone, ID number and address, the names of
council members and reviewers, scores and mean scores, conflict reasons, conclusions, step
decisions and notes, the titles of proposals, the contacts of technology offers — and every
registry endpoint is fetched, every list in full and every object the list names; the marker
appears in no answer. The same walk as a plan officer finds it (the national exchange carries
contacts, the list the proposals), so the check can fail."""

from __future__ import annotations

from decimal import Decimal

import pytest

from stiplan.registry.models import Task
from tests.registry.private import plant_marker_everywhere

pytestmark = pytest.mark.django_db
MARKER = "QXPRIVQX"
#: Numbers planted as a score and a mean score (digits no public field holds).
SCORE, MEAN = "4321.09", "98765.43"
LISTS = {"/api/v1/registry/tasks/": "code", "/api/v1/registry/organisations/": "code",
         "/api/v1/registry/ip-assets/": "id", "/api/v1/registry/outputs/": "id",
         "/api/v1/registry/offers/": "id"}


@pytest.fixture
def planted(demo_registry):
    """The demo registry with the marker in every private field, a reviewer and a council member
    who sit on councils only among them (their names are never public)."""
    plant_marker_everywhere(MARKER, score=Decimal(SCORE), mean=Decimal(MEAN))


def walk(client) -> dict[str, str]:
    """Every registry answer a caller gets: each list in full, each object it names, and each
    task's national exchange (refused or not). URL → body."""
    bodies = {}
    for url, key in LISTS.items():
        response = client.get(url, {"limit": 1000})
        assert response.status_code == 200
        bodies[url] = response.content.decode()
        for row in response.json()["results"]:
            detail = f"{url}{row[key]}/"
            bodies[detail] = client.get(detail).content.decode()
            if url.endswith("/tasks/"):
                bodies[f"{detail}national/"] = client.get(f"{detail}national/").content.decode()
    return bodies


def walked() -> int:
    """At least: the five lists, each public task and its exchange, an organisation, an IP asset,
    an output and an offer."""
    return 5 + 2 * Task.objects.filter(public=True).count() + 4


def leaks(bodies: dict[str, str]) -> list[str]:
    return sorted(url for url, body in bodies.items()
                  if MARKER in body or MARKER.lower() in body or SCORE in body or MEAN in body)


def test_a_visitor_meets_no_private_field(client, planted):
    bodies = walk(client)
    assert len(bodies) >= walked()
    assert leaks(bodies) == []


def test_a_reporting_officer_meets_no_private_field(login, planted):
    bodies = walk(login("baocao.stc"))
    assert len(bodies) >= walked()
    assert leaks(bodies) == []


def test_the_walk_finds_the_marker_where_staff_may_read_it(login, planted):
    """The check can fail: a plan officer's walk meets the proposals' titles and, in the national
    exchange, the principal investigators' contacts."""
    found = leaks(walk(login("kehoach")))
    assert "/api/v1/registry/tasks/" in found
    assert any(url.endswith("/national/") for url in found)
