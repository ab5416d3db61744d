"""A bulk import whose worker was killed mid-run (or that no worker took) does not leave its page
polling for ever: past the time a job may take, the one stale-job schedule (and `stiplan jobs
expire-stale`) ends it as stale, audited; its page stops polling and says to send the file again,
in both languages. A fresh job is left alone, counted from when it started, not when it was sent."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from stiplan.core.jobs import JobExpired
from stiplan.core.models import AuditEntry
from stiplan.registry import actions, transfer
from stiplan.registry.models import ImportJob, ImportState, Task
from stiplan.registry.tables import write_table
from tests.stalejobs import audited, run_schedule, states

HEADER = ["code", "title", "level", "kind", "mechanism", "selection", "start_date", "host"]
ROW = ["Nghiên cứu tôm càng xanh", "provincial", "de_tai", "funding", "open", "2024-03-01",
       "dh-tra-vinh"]
RAW = write_table(HEADER, [[f"NS-{i}", *ROW] for i in range(1, 5)], "csv")


@pytest.fixture
def staff(db, login, host, settings):
    settings.STIPLAN_JOBS_SYNC = False  # the jobs below are left as a killed worker left them
    return login("kehoach")


def job(state: str, sent: int, started: int | None = None, **fields) -> ImportJob:
    """An import job in `state`, sent `sent` minutes ago and started `started` minutes ago."""
    officer = get_user_model().objects.get(username="kehoach")
    made = actions.request_import("tasks", "nhiem-vu.csv", RAW, by=officer)
    now = timezone.now()
    ImportJob.objects.filter(pk=made.pk).update(
        state=state, created_at=now - timedelta(minutes=sent),
        started_at=None if started is None else now - timedelta(minutes=started), **fields)
    return ImportJob.objects.get(pk=made.pk)


def partial(client, pk: int) -> str:
    return client.get(f"/registry/files/imports/{pk}/", HTTP_HX_REQUEST="true").content.decode()


def test_a_killed_job_is_ended_by_the_schedule_and_its_page_stops_polling(staff, settings):
    killed = job(ImportState.RUNNING, sent=30, started=25, step="check", rows_done=2, rows_total=4)
    never_taken = job(ImportState.QUEUED, sent=45)
    waited_then_started = job(ImportState.RUNNING, sent=30, started=2, step="check")
    fresh = job(ImportState.QUEUED, sent=3)
    old_done = job(ImportState.DONE, sent=600, started=599)
    assert 'hx-get' in partial(staff, killed.pk) and 'data-state="running"' in partial(staff, killed.pk)

    expired = run_schedule("registry")

    assert sorted(expired) == sorted([killed.pk, never_taken.pk])
    assert states(killed, never_taken, waited_then_started, fresh, old_done) == {
        killed.pk: ImportState.STALE, never_taken.pk: ImportState.STALE,
        waited_then_started.pk: ImportState.RUNNING, fresh.pk: ImportState.QUEUED,
        old_done.pk: ImportState.DONE}
    killed.refresh_from_db()
    assert killed.error.startswith("Không có tiến trình chạy nền") and "timed out" in killed.error
    assert killed.finished_at is not None and killed.step == ""
    assert audited("registry.expire_stale_import") == [
        (str(killed.pk), "running", "stale", "system"), (str(never_taken.pk), "queued", "stale", "system")]
    assert run_schedule("registry") == []  # a second run finds nothing more

    shown = partial(staff, killed.pk)
    assert 'data-state="stale"' in shown and "hx-get" not in shown and "hx-trigger" not in shown
    assert "Việc nhập tệp đã dừng giữa chừng" in shown and "trong 20 phút" in shown
    assert 'href="/registry/files/"' in shown and "Gửi lại tệp" in shown and "<progress" not in shown
    assert "Tệp bị từ chối" not in shown  # it was not refused: nobody finished it
    assert 'hx-get' in partial(staff, fresh.pk), "a job still running is still polled"

    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = staff.get(f"/registry/files/imports/{killed.pk}/").content.decode()
    assert "The import stopped midway" in english and "Stopped midway" in english
    assert "within 20 minutes" in english and "Send the file again" in english
    assert "hx-get" not in english


def test_the_command_ends_a_killed_job(staff):
    killed = job(ImportState.RUNNING, sent=40, started=40, step="write")
    out = io.StringIO()
    call_command("jobs", "expire-stale", stdout=out)
    assert f"registry: 1 (#{killed.pk})" in out.getvalue().splitlines()
    assert ImportJob.objects.get(pk=killed.pk).state == ImportState.STALE


def test_a_stale_job_delivered_again_does_nothing_and_writes_nothing(staff):
    killed = job(ImportState.RUNNING, sent=40, started=40)
    actions.expire_stale_imports()
    assert transfer.import_job(killed.pk).state == ImportState.STALE
    assert not Task.objects.exists()


def test_a_job_ended_as_stale_while_it_runs_stops_and_keeps_that_state(staff, monkeypatch):
    running = job(ImportState.QUEUED, sent=1)
    read = transfer.read_table

    def read_then_expire(*args, **kwargs):  # the expirer runs between two progress notes
        ImportJob.objects.filter(pk=running.pk).update(state=ImportState.STALE)
        return read(*args, **kwargs)

    monkeypatch.setattr(transfer, "read_table", read_then_expire)
    assert transfer.import_job(running.pk).state == ImportState.STALE
    assert not Task.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["registry.fail_import", "registry.finish_import"])


def test_a_checked_file_is_not_written_for_a_job_ended_as_stale(staff, users):
    stale = job(ImportState.STALE, sent=40, started=40)
    table = transfer.read_table(RAW, "nhiem-vu.csv", where="web")
    prepared = transfer.prepare(transfer.cols.ENTITIES["tasks"], table, by=users["plan_officer"])
    assert prepared.problems == []
    with pytest.raises(JobExpired):
        actions.finish_import_job(stale, prepared)
    assert actions.fail_import_job(stale, error="late").state == ImportState.STALE
    assert not Task.objects.exists() and ImportJob.objects.get(pk=stale.pk).error == ""


def test_only_the_department_ends_jobs_by_hand(staff, users):
    killed = job(ImportState.RUNNING, sent=40, started=40)
    with pytest.raises(PermissionDenied):
        actions.expire_stale_imports(by=users["reporter"])
    assert ImportJob.objects.get(pk=killed.pk).state == ImportState.RUNNING
    assert actions.expire_stale_imports(by=users["plan_officer"]) == [killed.pk]
    assert AuditEntry.objects.get(action="registry.expire_stale_import").actor == users["plan_officer"]
