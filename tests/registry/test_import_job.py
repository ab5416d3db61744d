"""A large bulk file on the web: kept, then checked and written by a background job whose
progress the page polls (htmx); one bad row refuses it whole, naming row and column; only the
Department sees the job."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from stiplan.core.models import AuditEntry
from stiplan.registry import actions, bulk_views, transfer
from stiplan.registry.models import ImportJob, ImportState, Task
from stiplan.registry.tables import write_table

HEADER = ["code", "title", "level", "kind", "mechanism", "selection", "start_date", "host"]
ROW = ["NK-1", "Nghiên cứu tôm càng xanh", "provincial", "de_tai", "funding", "open", "2024-03-01",
       "dh-tra-vinh"]


@pytest.fixture
def staff(db, login, host, monkeypatch):
    monkeypatch.setattr(bulk_views, "BACKGROUND_ROWS", 2)  # three rows go to the job
    return login("kehoach")


def rows(n: int, bad: int | None = None) -> bytes:
    lines = [[f"NK-{i}", *ROW[1:]] for i in range(1, n + 1)]
    if bad is not None:
        lines[bad][6] = "không phải ngày"
    return write_table(HEADER, lines, "csv")


def upload(client, raw: bytes, capture, dry_run=False):
    data = {"entity": "tasks", "file": io.BytesIO(raw)}
    data["file"].name = "nhiem-vu.csv"
    if dry_run:
        data["dry_run"] = "on"
    with capture(execute=True):
        response = client.post("/registry/files/", data)
    assert response.status_code == 302
    return ImportJob.objects.latest("pk"), response["Location"]


def test_a_large_file_is_checked_with_progress_then_written_at_once(
        staff, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(transfer, "PROGRESS_EVERY", 1)
    seen, depth = [], len(connection.atomic_blocks)
    note = transfer.note_import_progress
    monkeypatch.setattr(transfer, "note_import_progress", lambda job, *step: (
        note(job, *step), seen.append((*step, len(connection.atomic_blocks) - depth))))
    job, page = upload(staff, rows(3), django_capture_on_commit_callbacks)
    assert page == f"/registry/files/imports/{job.pk}/"
    # every progress note is committed on its own, none inside the write's transaction
    assert seen == [("read", 0, 1, 0), ("check", 1, 3, 0), ("check", 2, 3, 0), ("check", 3, 3, 0),
                    ("check", 3, 3, 0), ("write", 3, 3, 0)]
    job.refresh_from_db()
    assert (job.state, job.created, job.rows_done, job.problems) == (ImportState.DONE, 3, 3, [])
    assert Task.objects.count() == 3 and job.file.name.startswith("registry/imports/")
    assert {"registry.request_import", "registry.import_tasks", "registry.finish_import"} <= set(
        AuditEntry.objects.values_list("action", flat=True))
    shown = staff.get(page).content.decode()
    assert 'data-state="done"' in shown and "3 dòng mới" in shown and "hx-get" not in shown


def test_a_dry_run_by_the_job_counts_and_writes_nothing(staff, django_capture_on_commit_callbacks):
    job, page = upload(staff, rows(3), django_capture_on_commit_callbacks, dry_run=True)
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.dry_run and job.created == 3
    assert not Task.objects.exists()
    assert "Kiểm tra xong, chưa ghi gì" in staff.get(page).content.decode()


def test_one_bad_row_refuses_the_file_naming_row_and_column(
        staff, settings, django_capture_on_commit_callbacks):
    job, page = upload(staff, rows(4, bad=2), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == ImportState.FAILED and not Task.objects.exists()
    assert [(p["row"], p["column"]) for p in job.problems] == [(4, "G (start_date)")]
    partial = staff.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith("<div") and 'data-state="failed"' in partial and "hx-get" not in partial
    assert "dòng 4, cột G (start_date)" in partial and "không có dữ liệu nào được lưu" in partial
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = staff.get(page).content.decode()
    assert "row 4, column G (start_date)" in english and "Refused" in english
    assert "A large file is checked, then written" in english


def test_the_partial_shows_each_state_and_polls_until_finished(staff, settings):
    settings.STIPLAN_JOBS_SYNC = False
    job = actions.request_import("tasks", "nv.csv", rows(3), by=None)
    page = f"/registry/files/imports/{job.pk}/"

    def partial() -> str:
        return staff.get(page, HTTP_HX_REQUEST="true").content.decode()

    assert 'data-state="queued"' in partial() and "hx-get" in partial()
    assert "chờ tiến trình chạy nền nhận việc" in partial()
    actions.note_import_progress(job, "check", 1, 4)
    checking = partial()
    assert 'data-state="running"' in checking and "Kiểm tra dòng 1/4" in checking
    assert 'value="25"' in checking and "hx-get" in checking
    actions.note_import_progress(job, "write", 4, 4)
    writing = partial()
    assert "Ghi 4 dòng" in writing and "<progress aria-label" in writing
    assert transfer.import_job(job.pk).state == ImportState.RUNNING  # a started job runs once


def test_only_the_department_sees_or_starts_a_job(staff, client, login, settings):
    settings.STIPLAN_JOBS_SYNC = False
    job = actions.request_import("tasks", "nv.csv", rows(3), by=None)
    page = f"/registry/files/imports/{job.pk}/"
    assert login("lanhdao").get(page).status_code == 200
    reporter = login("baocao.stc")
    assert reporter.get(page).status_code == 404
    from django.contrib.auth import get_user_model
    with pytest.raises(PermissionDenied):
        actions.request_import("tasks", "nv.csv", rows(3), by=get_user_model().objects.get(
            username="baocao.stc"))
    client.logout()
    assert client.get(page).status_code in (302, 404)
