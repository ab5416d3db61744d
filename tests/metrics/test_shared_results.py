"""One cached overview serves every user: it is safe because it is built only from rows every
role may read (final values), so a value still under review never reaches it."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from stiplan.metrics.actions import set_value
from stiplan.metrics.dashboard import overview
from stiplan.metrics.engine import Engine
from stiplan.metrics.models import DataValue, PeriodType
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import Indicator
from tests.metrics.test_dashboard_cache import tile_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def under_review(users):
    """The local innovation index of 2025 entered but not final (still under review)."""
    return set_value(Indicator.objects.get(code="local_innovation_index"),
                     OrgUnit.objects.get(code="VL25.UBND"), 2025, Decimal(1),
                     by=users["plan_officer"], final=False)


def publicly_readable() -> set[tuple[str, str, int]]:
    return set(DataValue.objects.restrict(AnonymousUser()).filter(period_type=PeriodType.YEARLY)
               .values_list("indicator__code", "unit__code", "year"))


def test_a_value_under_review_is_for_the_department_only(under_review, users):
    assert not DataValue.objects.restrict(users["public"]).filter(pk=under_review.pk).exists()
    assert not DataValue.objects.restrict(users["reporter"]).filter(pk=under_review.pk).exists()
    for role in ("plan_officer", "reviewer", "leader", "admin"):
        assert DataValue.objects.restrict(users[role]).filter(pk=under_review.pk).exists(), role


def test_a_value_under_review_never_reaches_the_shared_overview(plan, under_review, users,
                                                               django_capture_on_commit_callbacks):
    statuses = {s.target.code: s for s in overview(plan)}
    assert statuses["T02"].status == "no_data"
    assert tile_status(Client().get("/indicators/").content.decode(), "T02") == "no_data"
    # The same value made final reaches it at once: the tile does read this value.
    with django_capture_on_commit_callbacks(execute=True):  # the revision moves on commit
        set_value(under_review.indicator, under_review.unit, 2025, Decimal(1),
                  by=users["plan_officer"], final=True)
    assert tile_status(Client().get("/indicators/").content.decode(), "T02") == "on_track"


def test_the_shared_engine_reads_only_values_every_role_may_read(plan, under_review):
    """The invariant behind the one cache: every stored value the dashboards use is readable
    by the public; an engine that took values under review (final_only=False) would break it."""
    shared = Engine(plan)
    assert set(shared.stored) <= publicly_readable()
    assert set(Engine(plan, final_only=False).stored) - publicly_readable() == {
        ("local_innovation_index", "VL25.UBND", 2025)}
