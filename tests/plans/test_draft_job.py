"""A scanned PDF or an image is read into a draft by a background job: the page shows the job's
progress while it runs, then the review; a bad scan, a document over the page cap or past the
time limit ends the job failed, with the reason on the page and nothing else kept."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from stiplan.core import jobs as core_jobs
from stiplan.core.models import AuditEntry
from stiplan.plans import actions as plan_actions
from stiplan.plans.actions import read_draft
from stiplan.plans.docreaders import Limits
from stiplan.plans.models import DraftStatus, PlanDraft

pytestmark = pytest.mark.django_db

LINES = """ỦY BAN NHÂN DÂN TỈNH VĨNH LONG
Số: 52/KH-UBND
Vĩnh Long, ngày 07 tháng 3 năm 2025
KẾ HOẠCH
Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị
I. MỤC ĐÍCH, YÊU CẦU
Tạo chuyển biến mạnh mẽ về khoa học, công nghệ.
II. MỤC TIÊU
- Đến năm 2030, tỷ lệ doanh nghiệp đổi mới sáng tạo đạt tối thiểu 40%.
III. NHIỆM VỤ, GIẢI PHÁP
1. Hoàn thiện thể chế
- Rà soát các văn bản quy phạm pháp luật của tỉnh.
IV. TỔ CHỨC THỰC HIỆN
1. Sở Khoa học và Công nghệ
Chủ trì theo dõi thực hiện Kế hoạch.""".splitlines()


def scanned_pdf(settings) -> bytes:
    """One page of a short plan, printed into an image-only PDF (no text layer) at 200 dpi."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(settings.STIPLAN_FONT_DIR / "LiberationSerif-Regular.ttf"), 36)
    image = Image.new("L", (1654, 80 + 70 * len(LINES)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(LINES):
        draw.text((100, 60 + i * 70), line, font=font, fill=0)
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=200)
    return out.getvalue()


def blank(kind: str) -> bytes:
    from PIL import Image
    from pypdf import PdfWriter

    out = io.BytesIO()
    if kind == "png":
        Image.new("L", (800, 1000), 255).save(out, format="PNG")
    else:
        writer = PdfWriter()
        for _ in range(300):
            writer.add_blank_page(width=595, height=842)
        writer.write(out)
    return out.getvalue()


@pytest.fixture
def queued(settings, monkeypatch) -> list:
    """Jobs handed to the background cluster, kept here instead (the test runs them)."""
    settings.STIPLAN_JOBS_SYNC = False
    jobs: list = []
    monkeypatch.setattr(core_jobs, "run_later", lambda func, *args, name="": jobs.append(
        (func, args)))
    return jobs


def upload(client, name: str, raw: bytes, capture):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with capture(execute=True):
        response = client.post(reverse("plan-import"), {"file": SimpleUploadedFile(name, raw)})
    assert response.status_code == 302
    return PlanDraft.objects.latest("pk"), response["Location"]


def test_a_scan_is_read_by_a_job_and_the_page_shows_its_progress(
        settings, login, queued, monkeypatch, django_capture_on_commit_callbacks):
    client = login("kehoach")
    draft, page = upload(client, "52-KH-UBND.pdf", scanned_pdf(settings),
                         django_capture_on_commit_callbacks)
    assert queued == [("stiplan.plans.actions.read_draft", (draft.pk,))]
    assert draft.status == DraftStatus.READING
    waiting = client.get(page).content.decode()
    assert 'data-testid="progress" data-state="reading"' in waiting and "hx-get" in waiting
    assert "chờ tiến trình chạy nền nhận việc" in waiting
    seen = []
    progress = plan_actions._draft_progress
    monkeypatch.setattr(plan_actions, "_draft_progress", lambda pk, *step: (
        progress(pk, *step), seen.append(PlanDraft.objects.get(pk=pk).step)))
    read_draft(draft.pk)
    assert seen[-1] == "ocr 1/1"
    draft.refresh_from_db()
    assert (draft.status, draft.source_kind, draft.progress) == (DraftStatus.OPEN, "ocr", 100)
    assert draft.result["summary"]["targets"] == 1
    polled = client.get(page, HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"
    review = client.get(page).content.decode()
    assert 'data-testid="progress"' not in review and "52/KH-UBND" in review
    assert {"plans.request_draft", "plans.create_draft"} <= set(
        AuditEntry.objects.filter(object_id=str(draft.pk)).values_list("action", flat=True))


@pytest.mark.parametrize("name, kind, limits, says", [
    ("trang.png", "png", None, "không đọc được chữ"),
    ("dai.pdf", "pdf", None, "300 trang, vượt giới hạn 150"),
    ("quet.pdf", "scan", Limits(total_seconds=0.001), "quá thời gian cho phép"),
])
def test_a_bad_scan_ends_the_job_failed_with_the_reason_on_the_page(
        settings, login, queued, django_capture_on_commit_callbacks, name, kind, limits, says):
    client = login("kehoach")
    raw = scanned_pdf(settings) if kind == "scan" else blank(kind)
    draft, page = upload(client, name, raw, django_capture_on_commit_callbacks)
    read_draft(draft.pk, limits)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.FAILED and says in draft.error
    assert client.get(page, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    shown = client.get(page).content.decode()
    assert 'data-testid="failure"' in shown and says in shown
    assert client.post(page, {"state": "publish"}).status_code == 409, "nothing to publish"
    assert AuditEntry.objects.filter(action="plans.fail_draft", object_id=str(draft.pk)).exists()


def test_a_draft_left_reading_by_a_stopped_worker_is_failed_by_the_stale_job_schedule(users):
    from datetime import timedelta

    from django.utils import timezone

    from stiplan.core.jobs import STALE_AFTER, expire_stale_jobs

    def reading(age: timedelta) -> PlanDraft:
        draft = PlanDraft.objects.create(status=DraftStatus.READING, source_name="quet.pdf",
                                         source_kind="pdf", sha256="0" * 64, step="ocr 2/5")
        PlanDraft.objects.filter(pk=draft.pk).update(created_at=timezone.now() - age)
        return draft

    stale, fresh = reading(STALE_AFTER + timedelta(minutes=1)), reading(timedelta(minutes=2))
    assert expire_stale_jobs()["plans"] == [stale.pk]
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == DraftStatus.FAILED and "qcluster" in stale.error
    assert fresh.status == DraftStatus.READING
    [entry] = AuditEntry.objects.filter(action="plans.expire_stale_draft", object_id=str(stale.pk))
    assert (entry.before["status"], entry.after["status"], entry.actor_label) == (
        "reading", "failed", "system")


def test_a_worker_told_to_stop_mid_reading_fails_the_draft_with_that_reason(
        settings, login, queued, monkeypatch, django_capture_on_commit_callbacks):
    client = login("kehoach")
    draft, page = upload(client, "quet.pdf", scanned_pdf(settings),
                         django_capture_on_commit_callbacks)

    def stopped(*_args):  # what the worker's signal handler raises inside the running job
        raise core_jobs.JobStopped()

    monkeypatch.setattr(plan_actions, "_draft_progress", stopped)
    read_draft(draft.pk)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.FAILED and draft.result in (None, {})
    assert "dừng" in draft.error and "stopped" in draft.error
    assert "dừng" in client.get(page).content.decode()
    assert AuditEntry.objects.filter(action="plans.fail_draft", object_id=str(draft.pk)).exists()
