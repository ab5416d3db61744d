"""The background job: a request is queued for the django-q2 cluster after the transaction commits,
and the queued task makes the files with its progress recorded step by step."""

from __future__ import annotations

from django_q.brokers import get_broker
from django_q.signing import SignedPackage

from stiplan.core.models import AuditEntry
from stiplan.documents import actions as act
from stiplan.documents.models import Document, JobState


def test_a_request_is_queued_and_the_queued_task_makes_the_files(demo, users, settings,
                                                                 django_capture_on_commit_callbacks):
    settings.STIPLAN_JOBS_SYNC = False
    with django_capture_on_commit_callbacks(execute=True):
        document = act.request_document(demo, by=users["plan_officer"], formats=["xlsx", "docx"])
    assert document.state == JobState.QUEUED and document.progress == 0
    broker = get_broker()
    queued = broker.dequeue()
    assert len(queued) == 1
    task = SignedPackage.loads(queued[0][1])
    assert task["func"] == "stiplan.documents.actions.generate" and task["args"] == (document.pk,)

    seen = []
    original = act._progress

    def spy(doc, percent, step, **fields):
        seen.append(percent)
        original(doc, percent, step, **fields)

    act._progress = spy
    try:
        act.generate(*task["args"])  # what the cluster's worker runs
    finally:
        act._progress = original
    document.refresh_from_db()
    assert document.state == JobState.DONE and document.progress == 100
    assert seen == sorted(seen) and len(seen) >= 4  # start, content, one step per format
    assert document.docx and document.xlsx and not document.pdf
    actions = set(AuditEntry.objects.filter(object_type="documents.document", object_id=str(
        document.pk)).values_list("action", flat=True))
    assert actions == {"documents.request_document", "documents.generate_document"}


def test_nothing_is_queued_when_the_request_is_refused(demo, users, settings,
                                                      django_capture_on_commit_callbacks):
    settings.STIPLAN_JOBS_SYNC = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            act.request_document(demo, by=users["plan_officer"], formats=[])
        except Exception as exc:  # noqa: BLE001
            assert exc.__class__.__name__ == "ValidationError"
    assert callbacks == [] and not Document.objects.exists()
    assert get_broker().queue_size() == 0
