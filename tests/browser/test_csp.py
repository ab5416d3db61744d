"""The Content-Security-Policy allows everything the main pages need: a visitor's and a plan
officer's walk (the chart and its tooltip, htmx, the admin) reports no violation."""

import pytest
from playwright.sync_api import Page, expect

from stiplan.demo.reference import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Not /api/v1/: DRF's browsable API inlines a <style> (its own template), which the policy
# blocks; only its code colouring is lost.
PUBLIC = ["/", "/plans/", "/plans/vinh-long-1925-2023/", "/indicators/", "/units/",
          "/accounts/login/"]
OFFICER = ["/reporting/", "/documents/", "/history/", "/admin/", "/admin/auth/user/",
           "/admin/auth/user/add/"]


def test_main_pages_report_no_violation(site, private_media, demo_rounds_snapshot, page: Page):
    demo_rounds_snapshot.restore()
    response = page.goto(f"{site.url}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for path in PUBLIC:
        assert page.goto(f"{site.url}{path}").ok, path
    page.goto(f"{site.url}/indicators/st_investment_grdp/")
    chart = page.locator("#chart canvas").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(500)  # the tooltip is drawn on hover
    page.goto(f"{site.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    for path in OFFICER:
        assert page.goto(f"{site.url}{path}").ok, path
