"""A whole reporting round in a real browser: open, Excel round trip, return, resubmit, accept."""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from stiplan.demo.reference import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(accept_downloads=True, locale="vi-VN").new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    return page


def fill_template(raw: bytes, number_for_first_indicator: str) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    actions = wb["Nhiệm vụ"]
    for row in range(6, actions.max_row + 1):
        if actions.cell(row, 1).value:
            actions.cell(row, 4).value = "Đang triển khai"
            actions.cell(row, 5).value = "Đã bố trí kinh phí sự nghiệp khoa học năm 2025."
    indicators = wb["Chỉ tiêu"]
    values = {"grdp_current": "231.000", "total_budget_spending": "40.920.000",
              "sti_budget_spending": "389.400", "rd_state_spending": "120.450",
              "tasks_proposed": "4"}
    for row in range(6, indicators.max_row + 1):
        code = indicators.cell(row, 1).value
        if code:
            indicators.cell(row, 4).value = values.get(code, "1")
            indicators.cell(row, 5).value = "Sở Tài chính"
    first = next(r for r in range(6, indicators.max_row + 1) if indicators.cell(r, 1).value)
    indicators.cell(first, 4).value = number_for_first_indicator
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_whole_round(site, browser: Browser, tmp_path):
    base = site.url
    deadline = timezone.localdate() + timedelta(days=14)

    # 1. The Department opens the 2025 round.
    officer = signed_in(browser, base, "kehoach")
    officer.goto(f"{base}/reporting/rounds/new/")
    officer.get_by_label("Năm báo cáo", exact=True).fill("2025")
    officer.get_by_label("Ngày mở", exact=True).fill(timezone.localdate().isoformat())
    officer.get_by_label("Hạn nộp", exact=True).fill(deadline.isoformat())
    officer.get_by_role("button", name="Mở kỳ báo cáo").click()
    expect(officer.locator("h1")).to_contain_text("Báo cáo năm 2025")
    expected_units = officer.locator("[data-testid=units] tbody tr").count()
    assert expected_units > 10
    board_url = officer.url

    # 2. The unit officer downloads the Excel template, uploads it with one error, fixes it.
    unit = signed_in(browser, base, "baocao.stc")
    unit.goto(f"{base}/reporting/")
    unit.get_by_role("link", name=re.compile("Báo cáo năm 2025")).first.click()
    expect(unit.locator("h1")).to_contain_text("Sở Tài chính")
    with unit.expect_download() as download:
        unit.get_by_test_id("download").click()
    template = download.value.path().read_bytes()
    bad = tmp_path / "bao-cao-loi.xlsx"
    bad.write_bytes(fill_template(template, "mười hai"))
    unit.locator("#id_upload").set_input_files(str(bad))
    unit.get_by_test_id("upload").click()
    error = unit.locator(".msg.error").filter(has_text="cột D")
    expect(error).to_contain_text("Trang «Chỉ tiêu», dòng 6, cột D")
    expect(error).to_contain_text("không phải là số")
    good = tmp_path / "bao-cao.xlsx"
    good.write_bytes(fill_template(template, "231.000"))
    unit.locator("#id_upload").set_input_files(str(good))
    unit.get_by_test_id("upload").click()
    expect(unit.locator(".msg.success")).to_contain_text("mục được cập nhật")
    unit.get_by_test_id("submit").click()
    unit.get_by_test_id("confirm-submit").click()
    expect(unit.get_by_test_id("state")).to_have_text("Đã gửi")
    report_url = unit.url

    # 3. The reviewer returns one item with a comment.
    reviewer = signed_in(browser, base, "thamdinh")
    reviewer.goto(report_url)
    first_comment = reviewer.locator("textarea[name^='c:action:']").first
    first_comment.fill("Đề nghị nêu rõ số kinh phí đã bố trí.")
    reviewer.get_by_test_id("return").click()
    reviewer.get_by_test_id("confirm-return").click()
    expect(reviewer.get_by_test_id("state")).to_have_text("Trả lại để bổ sung")

    # 4. The officer reads the comment, fixes the item and resubmits.
    unit.reload()
    expect(unit.get_by_test_id("review-comment").first).to_contain_text("số kinh phí")
    returned = unit.locator("article.needs-fix").first
    returned.locator("textarea[name$=':results']").fill("Bố trí 389.400 triệu đồng cho KH, CN và ĐMST.")
    unit.get_by_test_id("submit").click()
    unit.get_by_test_id("confirm-submit").click()
    expect(unit.get_by_test_id("state")).to_have_text("Đã gửi lại")

    # 5. The reviewer accepts.
    reviewer.reload()
    reviewer.get_by_test_id("accept").click()
    reviewer.get_by_test_id("confirm-accept").click()
    expect(reviewer.get_by_test_id("state")).to_have_text("Đã chấp nhận")

    # 6. The board shows the unit on time and the completeness ratio.
    officer.goto(board_url)
    row = officer.locator("[data-testid=units] tr[data-unit='VL25.STC']")
    expect(row.locator(".ontime")).to_have_text("Đúng hạn")
    expect(row).to_contain_text("Đã chấp nhận")
    ratio = f"{100 / expected_units:.1f}".replace(".", ",")
    expect(officer.get_by_test_id("completeness")).to_have_text(f"{ratio}%")
    officer.screenshot(path=str(tmp_path / "board.png"), full_page=True)
