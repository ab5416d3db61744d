"""No GET changes state: a document page shows a stuck job as it is. Jobs stuck past 20 minutes
are failed by the one stale-job schedule (core/jobs.py; and by `stiplan jobs expire-stale` or
`stiplan report expire-stale`), each with an audit entry."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.models import Schedule

from stiplan.core import jobs as core_jobs
from stiplan.core.models import AuditEntry
from stiplan.documents import actions as act
from stiplan.documents.models import Document, DocumentKind, JobState
from tests.stalejobs import audited

pytestmark = pytest.mark.django_db


def job(round_, state: str, minutes_ago: int) -> Document:
    """A document whose job is in `state`, asked for `minutes_ago` minutes ago."""
    document = Document.objects.create(kind=DocumentKind.ANNUAL, round=round_, formats=["docx"],
                                       state=state)
    Document.objects.filter(pk=document.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return document


@pytest.fixture
def jobs(demo) -> dict:
    return {"stale queued": job(demo, JobState.QUEUED, 45),
            "stale running": job(demo, JobState.RUNNING, 21),
            "fresh queued": job(demo, JobState.QUEUED, 5),
            "old done": job(demo, JobState.DONE, 600)}


def rows() -> dict:
    """Every document row and every audit entry, as stored."""
    return {"documents": list(Document.objects.order_by("pk").values()),
            "audit": list(AuditEntry.objects.order_by("pk").values())}


def test_reading_a_stuck_job_changes_nothing(jobs, users):
    client = Client()
    client.force_login(users["plan_officer"])
    before = rows()
    for document in jobs.values():
        url = reverse("document-detail", args=[document.pk])
        assert client.get(url).status_code == 200
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200  # the poll
        assert client.get(f"/api/v1/documents/{document.pk}/").status_code == 200
    assert rows() == before
    assert Document.objects.get(pk=jobs["stale queued"].pk).state == JobState.QUEUED


def test_the_one_schedule_runs_the_documents_expirer():
    [schedule] = Schedule.objects.filter(name=core_jobs.STALE_SCHEDULE)
    assert import_string(schedule.func) is core_jobs.expire_stale_jobs
    assert import_string(core_jobs.expirers()["documents"]) is act.expire_stale_jobs
    assert not Schedule.objects.filter(name="stiplan-expire-stale-documents").exists()


def test_the_scheduled_action_fails_only_stale_jobs_and_audits_each(jobs):
    schedule = Schedule.objects.get(name=core_jobs.STALE_SCHEDULE)
    expired = import_string(schedule.func)()["documents"]  # what the cluster runs
    assert sorted(expired) == sorted([jobs["stale queued"].pk, jobs["stale running"].pk])
    states = {name: Document.objects.get(pk=d.pk).state for name, d in jobs.items()}
    assert states == {"stale queued": JobState.FAILED, "stale running": JobState.FAILED,
                      "fresh queued": JobState.QUEUED, "old done": JobState.DONE}
    failed = Document.objects.get(pk=jobs["stale running"].pk)
    assert "timed out" in failed.error and failed.finished_at is not None
    assert audited("documents.expire_stale_job") == [
        (str(jobs["stale queued"].pk), "queued", "failed", "system"),
        (str(jobs["stale running"].pk), "running", "failed", "system")]
    assert act.expire_stale_jobs() == []  # a second run finds nothing more


@pytest.mark.parametrize("command", ["jobs", "report"])
def test_the_command_fails_stale_jobs(jobs, command):
    out = io.StringIO()
    call_command(command, "expire-stale", stdout=out)
    assert (f"documents: 2 (#{jobs['stale queued'].pk}, #{jobs['stale running'].pk})"
            in out.getvalue().splitlines())
    assert Document.objects.get(pk=jobs["stale queued"].pk).state == JobState.FAILED


def test_only_plan_officers_expire_jobs_by_hand(jobs, users):
    with pytest.raises(Exception) as caught:
        act.expire_stale_jobs(by=users["reviewer"])
    assert caught.type.__name__ == "PermissionDenied"
    assert Document.objects.get(pk=jobs["stale queued"].pk).state == JobState.QUEUED
    assert len(act.expire_stale_jobs(by=users["plan_officer"])) == 2
