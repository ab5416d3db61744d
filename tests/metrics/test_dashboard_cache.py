"""The overview is cached until a value or an override changes."""

import pytest
from django.test import Client

from stiplan.metrics.actions import override_status, set_value
from stiplan.metrics.dashboard import cache_key
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import Indicator

pytestmark = pytest.mark.django_db


def tile_status(html: str, code: str) -> str:
    marker = f'data-target="{code}" data-status="'
    return html.split(marker, 1)[1].split('"', 1)[0]


def test_a_change_shows_at_once_despite_the_cache(plan, users, django_capture_on_commit_callbacks):
    """The revision moves when a change commits (the test's transaction never does: the
    commit callbacks are run by hand)."""
    client = Client()
    first = client.get("/indicators/").content.decode()
    key = cache_key(plan)
    assert tile_status(first, "T02") == "no_data"
    with django_capture_on_commit_callbacks(execute=True):
        set_value(Indicator.objects.get(code="local_innovation_index"),
                  OrgUnit.objects.get(code="VL25.UBND"), 2025, 1, by=users["plan_officer"])
    assert cache_key(plan) != key
    second = client.get("/indicators/").content.decode()
    assert tile_status(second, "T02") == "on_track"
    with django_capture_on_commit_callbacks(execute=True):
        override_status(plan.targets.get(code="T02"), "at_risk", "Chưa ban hành chính thức",
                        by=users["plan_officer"])
    assert tile_status(client.get("/indicators/").content.decode(), "T02") == "at_risk"
