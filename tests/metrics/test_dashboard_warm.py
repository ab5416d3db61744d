"""After values change, the Revision moves once (one path: metrics.signals), and a background job
computes the overview before anyone asks for it; a burst of changes queues one job."""

from __future__ import annotations

from django.core.cache import cache
from django_q.brokers import get_broker
from django_q.signing import SignedPackage

from stiplan.metrics.actions import bump_revision, set_value
from stiplan.metrics.dashboard import WARM_PENDING, cache_key, warm
from stiplan.metrics.models import Revision


def test_a_burst_of_changes_queues_one_warm_up_that_fills_the_cache(plan, settings,
                                                                    django_capture_on_commit_callbacks):
    settings.STIPLAN_JOBS_SYNC = False
    with django_capture_on_commit_callbacks(execute=True):
        bump_revision()
    with django_capture_on_commit_callbacks(execute=True):
        bump_revision()
    broker = get_broker()
    queued = broker.dequeue()
    assert len(queued) == 1
    task = SignedPackage.loads(queued[0][1])
    assert task["func"] == "stiplan.metrics.dashboard.warm"
    assert cache.get(cache_key(plan)) is None
    assert warm() == 1  # what the cluster's worker runs
    statuses = cache.get(cache_key(plan))
    assert statuses is not None and len(statuses) == plan.targets.count()
    assert cache.get(WARM_PENDING) is None  # the next change queues a new warm-up
    assert warm() == 0  # already warm: nothing recomputed


def test_nothing_is_queued_when_jobs_run_inline(plan, settings, django_capture_on_commit_callbacks):
    settings.STIPLAN_JOBS_SYNC = True
    with django_capture_on_commit_callbacks(execute=True):
        bump_revision()
    assert get_broker().queue_size() == 0
    assert cache.get(cache_key(plan)) is None  # computed on the first request instead


def test_an_admin_edit_of_a_value_moves_the_revision(plan, users, django_capture_on_commit_callbacks):
    """Caches are keyed on the Revision: a change made in the admin must move it too."""
    from decimal import Decimal

    from stiplan.core.actions import save_object
    from stiplan.metrics.models import DataValue
    from stiplan.orgs.models import OrgUnit
    from stiplan.plans.models import Indicator

    value = DataValue.objects.create(indicator=Indicator.objects.first(), year=2024, value=1,
                                     unit=OrgUnit.objects.get(code="VL25.UBND"), source="department")
    before = Revision.current()
    value.value = Decimal("2")
    with django_capture_on_commit_callbacks(execute=True):
        save_object(value, by=users["plan_officer"])
    assert Revision.current() > before


def test_an_action_moves_the_revision_once_through_the_one_path(plan, users,
                                                               django_capture_on_commit_callbacks):
    from decimal import Decimal

    from stiplan.orgs.models import OrgUnit
    from stiplan.plans.models import Indicator

    before = Revision.current()
    with django_capture_on_commit_callbacks(execute=True):
        set_value(Indicator.objects.first(), OrgUnit.objects.get(code="VL25.UBND"), 2024,
                  Decimal("7"), by=users["plan_officer"])
    assert Revision.current() == before + 1


def test_bulk_writes_move_the_revision_too(plan, django_capture_on_commit_callbacks):
    """QuerySet.update and bulk_create send no post_save; core.signals.rows_written stands in."""
    from stiplan.plans.models import Target

    before = Revision.current()
    with django_capture_on_commit_callbacks(execute=True):
        Target.objects.filter(plan=plan, recurring=False).update(recurring=False)
    assert Revision.current() == before + 1


def test_writes_the_engine_does_not_read_leave_the_revision(plan, django_capture_on_commit_callbacks):
    from stiplan.plans.models import TaskGroup

    before = Revision.current()
    with django_capture_on_commit_callbacks(execute=True):
        TaskGroup.objects.filter(plan=plan).update(title="Nhóm nhiệm vụ")
    assert Revision.current() == before


def test_a_burst_of_writes_in_one_transaction_moves_the_revision_once(
        plan, django_capture_on_commit_callbacks):
    from stiplan.plans.models import Target

    targets = list(Target.objects.filter(plan=plan)[:5])
    before = Revision.current()
    with django_capture_on_commit_callbacks(execute=True):
        for target in targets:
            target.save()  # five writes heard, each with its commit callback
    assert len(targets) == 5 and Revision.current() == before + 1


def test_a_rolled_back_write_does_not_hold_back_the_next_move(
        plan, django_capture_on_commit_callbacks):
    from django.db import transaction

    from stiplan.plans.models import Target

    target = Target.objects.filter(plan=plan).first()
    with transaction.atomic():
        target.save()
        transaction.set_rollback(True)
    before = Revision.current()
    with django_capture_on_commit_callbacks(execute=True):
        target.save()
    assert Revision.current() == before + 1
