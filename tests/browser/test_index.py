"""In a real browser: the PII profile's what-if panel changes the score and rank shown, and the
submission package downloads with its evidence files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from stiplan.demo.index import create_demo_index
from stiplan.demo.reference import DEMO_PASSWORD
from stiplan.index.models import IndexValue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def index_site(site, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    create_demo_index()
    return site


def sign_in(page: Page, url: str, next_: str) -> None:
    page.goto(f"{url}/accounts/login/?next={next_}")
    page.get_by_label("Tên đăng nhập").fill("kehoach")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_what_if_changes_the_score_and_rank_shown(index_site, page: Page):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, index_site.url, "/index/2025/VLG/")
    expect(page.get_by_test_id("computed")).to_be_visible()
    radar = page.locator("#radar canvas").first
    expect(radar).to_be_visible()
    box = radar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    page.wait_for_timeout(300)  # the tooltip, drawn in the canvas (no style attribute for CSP)
    form = page.get_by_test_id("what-if")
    form.get_by_test_id("what-if-run").click()
    score = page.get_by_test_id("what-if-score")
    expect(score).to_be_visible()
    base_score, base_rank = score.inner_text(), page.get_by_test_id("what-if-rank").inner_text()
    assert base_rank.endswith("/34") and base_rank != "1/34"
    for code in ("1.1.1", "1.2.1", "1.2.2", "1.3.1", "3.1.1"):
        form.get_by_test_id(f"w-{code}").fill("9,9")  # near the top of a 0–10 point scale
    for code in ("2.2.1", "5.1.1", "7.1.2"):
        form.get_by_test_id(f"w-{code}").fill("99")  # percentages
    for code in ("6.1.1", "6.1.2", "6.2.1", "6.2.3", "6.2.5", "2.3.1"):
        form.get_by_test_id(f"w-{code}").fill("1.000.000")  # raw counts far beyond the others
    form.get_by_test_id("what-if-run").click()
    expect(score).not_to_have_text(base_score)
    new_rank = page.get_by_test_id("what-if-rank")
    expect(new_rank).not_to_have_text(base_rank)
    better = int(new_rank.inner_text().split("/")[0])
    assert better < int(base_rank.split("/")[0])
    assert float(score.inner_text().replace(",", ".")) > float(base_score.replace(",", "."))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "index-profile.png"), full_page=True)


def test_the_submission_package_downloads_with_its_evidence(index_site, page: Page):
    sign_in(page, index_site.url, "/index/2025/entry/")
    expect(page.get_by_test_id("entry")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_test_id("package").click()
    download = info.value
    assert download.suggested_filename == "pii-2025-VLG.zip"
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    with_evidence = IndexValue.objects.filter(edition__year=2025, unit="VLG").exclude(evidence="")
    assert with_evidence.count() >= 20
    for item in with_evidence:
        with item.evidence.open("rb") as fh:
            assert archive.read(f"evidence/{item.code}-{item.evidence_name}") == fh.read()
    assert {"values.csv", "values.xlsx", "manifest.json"} <= set(archive.namelist())
