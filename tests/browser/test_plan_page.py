"""In a real browser: the Department officer signs in and reads the whole plan in Vietnamese."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from stiplan.demo.reference import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_officer_sees_the_full_plan_in_vietnamese(site, page: Page):
    base = site.url
    sign_in(page, base, "kehoach")
    expect(page.get_by_text("Nguyễn Văn Kế", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile("Kế hoạch triển khai thực hiện")).first.click()
    expect(page.locator("h1")).to_contain_text("Chiến lược phát triển khoa học, công nghệ")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    for heading in ("I. Mục đích, yêu cầu", "II. Mục tiêu", "III. Nhiệm vụ, giải pháp chủ yếu",
                    "IV. Tổ chức thực hiện"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator("[data-testid=group]")).to_have_count(17)
    expect(page.locator("li.action")).to_have_count(49)
    expect(page.locator("[data-testid=targets] tbody tr")).to_have_count(15)
    expect(page.locator("[data-testid=targets]")).to_contain_text("trên 50%")
    expect(page.locator("#a-IV\\.7\\.2")).to_contain_text("kế thừa từ Sở Thông tin và Truyền thông")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / "plan.png"))

    page.get_by_role("link", name="Việc của đơn vị tôi").click()
    summary = page.locator("[data-testid=filter-summary]")
    expect(summary).to_contain_text("Sở Khoa học và Công nghệ")
    assert page.locator("li.action").count() < 49


def test_history_of_2024_shows_the_original_unit(site, page: Page):
    page.goto(f"{site.url}/plans/vinh-long-1925-2023/?unit=VL.STTTT&on=2024-06-01")
    expect(page.locator("#a-IV\\.7\\.2")).to_contain_text("Sở Thông tin và Truyền thông")
    expect(page.locator("#a-IV\\.7\\.2")).not_to_contain_text("kế thừa")


def test_phone_layout_keeps_the_plan_readable(site, page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site.url}/plans/vinh-long-1925-2023/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(SHOTS.parent / "plan-phone.png"), full_page=False) if SHOTS.exists() else None
