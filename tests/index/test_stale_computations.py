"""An index computation whose worker was killed (or that no worker took) had the same problem as an
import: it stayed "queued" for ever. It now runs once, marked running while it runs, always ends
done or failed, and the one stale-job schedule fails it past the time a job may take, audited;
the profile keeps showing the newest done computation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from stiplan.core.jobs import STALE_MESSAGE
from stiplan.core.models import AuditEntry
from stiplan.index import actions as act
from stiplan.index import compute, profile
from stiplan.index.models import Computation, JobState
from tests.stalejobs import audited, run_schedule, states


def computation(edition, state: str, asked: int, started: int | None = None) -> Computation:
    job = Computation.objects.create(edition=edition, state=state)
    now = timezone.now()
    Computation.objects.filter(pk=job.pk).update(
        requested_at=now - timedelta(minutes=asked),
        started_at=None if started is None else now - timedelta(minutes=started))
    return job


def test_a_killed_computation_is_failed_by_the_schedule_and_audited(edition, users):
    shown = profile.latest_computation(edition, users["plan_officer"])
    assert shown is not None and shown.state == JobState.DONE
    killed = computation(edition, JobState.RUNNING, asked=30, started=25)
    never_taken = computation(edition, JobState.QUEUED, asked=45)
    waited_then_started = computation(edition, JobState.RUNNING, asked=30, started=2)
    fresh = computation(edition, JobState.QUEUED, asked=1)

    expired = run_schedule("index")

    assert sorted(expired) == sorted([killed.pk, never_taken.pk])
    assert states(killed, never_taken, waited_then_started, fresh, shown) == {
        killed.pk: JobState.FAILED, never_taken.pk: JobState.FAILED,
        waited_then_started.pk: JobState.RUNNING, fresh.pk: JobState.QUEUED, shown.pk: JobState.DONE}
    killed.refresh_from_db()
    assert killed.error == STALE_MESSAGE and killed.finished_at is not None
    assert audited("index.expire_stale_computation") == [
        (str(killed.pk), "running", "failed", "system"), (str(never_taken.pk), "queued", "failed", "system")]
    assert profile.latest_computation(edition, users["plan_officer"]) == shown
    assert act.expire_stale_computations() == []


def test_a_computation_is_marked_running_while_it_runs_and_runs_once(edition, monkeypatch):
    job = computation(edition, JobState.QUEUED, asked=0)
    seen = []
    results = compute.results

    def watching(*args, **kwargs):
        row = Computation.objects.get(pk=job.pk)
        seen.append((row.state, row.started_at is not None))
        return results(*args, **kwargs)

    monkeypatch.setattr(compute, "results", watching)
    act.run_computation(job.pk)
    act.run_computation(job.pk)  # the queue's second delivery
    assert seen == [(JobState.RUNNING, True)]
    assert Computation.objects.get(pk=job.pk).state == JobState.DONE


def test_an_unexpected_error_ends_the_computation_failed(edition, monkeypatch):
    job = computation(edition, JobState.QUEUED, asked=0)
    monkeypatch.setattr(compute, "results", lambda *a, **k: {}["scores"])
    act.run_computation(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "KeyError" in job.error and job.finished_at


def test_a_computation_failed_as_stale_while_it_runs_stays_failed(edition, monkeypatch):
    job = computation(edition, JobState.QUEUED, asked=0)
    results = compute.results

    def expired_meanwhile(*args, **kwargs):
        Computation.objects.filter(pk=job.pk).update(state=JobState.FAILED, error=STALE_MESSAGE)
        return results(*args, **kwargs)

    monkeypatch.setattr(compute, "results", expired_meanwhile)
    act.run_computation(job.pk)
    job.refresh_from_db()
    assert (job.state, job.error, job.results) == (JobState.FAILED, STALE_MESSAGE, {})
    assert not AuditEntry.objects.filter(action="index.finish_computation", object_id=str(job.pk))


def test_only_those_who_compute_fail_computations_by_hand(edition, users):
    killed = computation(edition, JobState.RUNNING, asked=40, started=40)
    with pytest.raises(Exception) as caught:
        act.expire_stale_computations(by=users["reviewer"])
    assert caught.type.__name__ == "PermissionDenied"
    assert act.expire_stale_computations(by=users["plan_officer"]) == [killed.pk]
