"""A plan from its document in a real browser: the seed decision uploaded as DOCX, reviewed (one
flagged target fixed, the rest accepted), published; a later decision amends a 2030 target, the
plan page and its history show both versions, and the round of that year uses the amended target.

The DOCX is made here with python-docx from the seed text (tests/plans/data/vinh-long-1925-2023.txt,
the same bytes as ../shared/seed/000_66da5b860bff0b28.txt), one paragraph per line.
"""

from __future__ import annotations

import re
from datetime import timedelta

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests.browser.test_reporting_round import signed_in
from tests.plans.plancompare import SEED_TEXT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "vinh-long-1925-tu-van-ban"


def seed_docx(path) -> None:
    document = docx.Document()
    for line in SEED_TEXT.read_text("utf-8").splitlines():
        document.add_paragraph(line)
    document.save(path)


def item(page, key: str):
    return page.locator(f'article[data-key="{key}"]')


def field(page, key: str, name: str):
    return page.locator(f'[id="f-{key}-{name}"]')


def test_import_review_publish_amend(site, browser: Browser, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    base = site.url
    source = tmp_path / "1925-QD-UBND.docx"
    seed_docx(source)
    page = signed_in(browser, base, "kehoach")

    # 1. Upload: the decision becomes a draft, flagged items first, beside its text.
    page.goto(f"{base}/plans/import/")
    page.get_by_label(re.compile("Văn bản kế hoạch")).set_input_files(source)
    page.get_by_role("button", name="Đọc văn bản").click()
    expect(page.get_by_role("heading", name=re.compile("Rà soát bản nháp"))).to_be_visible()
    expect(page.get_by_test_id("source")).to_contain_text("1925/QĐ-UBND")
    first = page.get_by_test_id("first")
    flagged_target = first.locator('article.flagged[data-key^="targets["]').first
    key = flagged_target.get_attribute("data-key")
    assert int(page.get_by_test_id("open-count").inner_text()) > 1

    # 2. Fix one flagged target: its wording, value and comparator as the decision means them.
    field(page, key, "comparator").fill("gte")
    field(page, key, "value").fill("1")
    field(page, key, "wording").fill("Xây dựng và triển khai bộ chỉ số ĐMST địa phương (đã rà soát)")
    item(page, key).get_by_role("button", name="Lưu sửa").click()
    expect(item(page, key).get_by_test_id("state")).to_have_text("fixed")
    expect(field(page, key, "wording")).to_have_value(re.compile("đã rà soát"))

    # 3. Accept the other flagged items; publishing before that is refused.
    page.get_by_role("button", name="Kiểm tra và đưa vào hệ thống").click()
    expect(page.get_by_test_id("error").first).to_contain_text("flagged item not yet reviewed")
    open_items = first.locator("article.flagged:not(:has([data-testid=state]))")
    while open_items.count():
        open_items.first.get_by_role("button", name="Chấp nhận").click()
    expect(page.get_by_test_id("open-count")).to_have_text("0")

    # 4. Publish: the seed plan's code is taken (named on the header); a new code, then in force.
    page.get_by_role("button", name="Kiểm tra và đưa vào hệ thống").click()
    expect(page.get_by_test_id("error").first).to_contain_text("header.code")
    field(page, "header", "code").fill(CODE)
    item(page, "header").get_by_role("button", name="Lưu sửa").click()
    page.get_by_role("button", name="Kiểm tra và đưa vào hệ thống").click()
    expect(page).to_have_url(re.compile(f"/plans/{CODE}/"))
    targets = page.get_by_test_id("targets")
    expect(targets).to_contain_text("(đã rà soát)")
    expect(targets).to_contain_text("«trên 50%»")
    expect(page.get_by_test_id("version-1")).to_contain_text("1925/QĐ-UBND")
    expect(page.get_by_role("link", name=re.compile("Văn bản gốc đã lưu trữ"))).to_be_visible()

    # 5. A later decision amends the 2030 TFP target (T01, "trên 50%").
    page.get_by_role("link", name="Ghi nhận quyết định sửa đổi, thay thế").first.click()
    page.get_by_label("Loại quyết định").select_option("amend")
    page.get_by_label("Số hiệu").fill("215/QĐ-UBND")
    page.get_by_label("Ngày ban hành (có hiệu lực từ)").fill("2026-03-02")
    page.get_by_label("Trích yếu").fill("Sửa đổi chỉ tiêu đóng góp của TFP đến năm 2030")
    page.locator("#id_t-0-target").select_option("T01")
    page.locator("#id_t-0-comparator").select_option("gt")
    page.locator("#id_t-0-value").fill("55")
    page.locator("#id_t-0-wording").fill("trên 55%")
    page.get_by_role("button", name="Ghi nhận quyết định").click()
    change = page.get_by_test_id("version-2").get_by_test_id("change-T01")
    expect(change).to_contain_text("«trên 50%»")
    expect(change).to_contain_text("«trên 55%»")

    # 6. The plan page: today the amended target, before the decision the old one; both versions.
    page.goto(f"{base}/plans/{CODE}/")
    expect(page.get_by_test_id("targets")).to_contain_text("«trên 55%»")
    expect(page.get_by_test_id("amended")).to_contain_text("215/QĐ-UBND")
    expect(page.get_by_test_id("version-1")).to_contain_text("1925/QĐ-UBND")
    expect(page.get_by_test_id("version-2")).to_contain_text("215/QĐ-UBND")
    page.goto(f"{base}/plans/{CODE}/?on=2025-06-30")
    expect(page.get_by_test_id("targets")).to_contain_text("«trên 50%»")
    expect(page.get_by_test_id("targets")).not_to_contain_text("«trên 55%»")

    # 7. The reporting round of 2026 is measured against the amended target.
    today = timezone.localdate()
    page.goto(f"{base}/reporting/rounds/new/?plan={CODE}")
    page.get_by_label("Năm báo cáo", exact=True).fill("2026")
    page.get_by_label("Ngày mở", exact=True).fill(today.isoformat())
    page.get_by_label("Hạn nộp", exact=True).fill((today + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Mở kỳ báo cáo").click()
    row = page.get_by_test_id("round-targets").locator("tr", has_text="T01")
    expect(row).to_contain_text("«trên 55%»")
    expect(row).to_contain_text("215/QĐ-UBND")
