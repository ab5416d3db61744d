"""In a real browser: a plan officer asks for the 2025 yearly report, follows the job's progress
and downloads the Word file, which opens with the Decree 30 header."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection
from docx import Document as WordDocument
from playwright.sync_api import Page, expect

from stiplan.demo.reference import DEMO_PASSWORD
from stiplan.documents import actions as act
from stiplan.reporting.models import Round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def background_jobs(monkeypatch, settings, tmp_path):
    """Jobs run in a thread of their own, as the django-q2 cluster runs them beside the server."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STIPLAN_JOBS_SYNC = False
    threads = []

    def enqueue(document_id: int) -> None:
        def run():
            try:
                act.generate(document_id)
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        threads.append(thread)

    monkeypatch.setattr(act, "enqueue", enqueue)
    yield threads
    for thread in threads:
        thread.join(timeout=120)


def test_officer_makes_the_yearly_report_and_downloads_it(site, private_media, demo_rounds_snapshot,
                                                         page: Page, background_jobs):
    demo_rounds_snapshot.restore()
    page.goto(f"{site.url}/accounts/login/?next=/documents/")
    page.get_by_label("Tên đăng nhập").fill("kehoach")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    form = page.get_by_test_id("document-form")
    round_2025 = Round.objects.get(year=2025, kind="annual")
    expect(form.get_by_label("Kỳ báo cáo")).to_have_value(str(round_2025.pk))
    form.get_by_label("Họ tên người ký").fill("Nguyễn Văn Ký")
    form.get_by_role("button", name="Tạo văn bản").click()

    progress = page.get_by_test_id("progress")
    expect(progress).to_be_visible()
    first_state = progress.get_attribute("data-state")
    assert first_state in ("queued", "running")  # the job runs in the background
    expect(progress).to_have_attribute("data-state", "done", timeout=60_000)  # htmx polled it
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    with page.expect_download() as caught:
        page.get_by_test_id("download-docx").click()
    download = caught.value
    assert download.suggested_filename.endswith(".docx")
    word = WordDocument(str(download.path()))
    text = "\n".join(p.text for p in word.paragraphs) + "\n".join(
        c.text for t in word.tables for r in t.rows for c in r.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Nguyễn Văn Ký" in text
    assert len(word.inline_shapes) == 2 and "[[chart:" not in text  # both charts placed as pictures
    expect(page.get_by_test_id("download-pdf")).to_be_visible()
    expect(page.get_by_test_id("download-xlsx")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "documents.png"), full_page=True)
