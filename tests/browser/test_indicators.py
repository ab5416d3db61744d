"""In a real browser: every target of the plan on the overview, and a restated series."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from stiplan.demo.series import create_demo_series
from stiplan.plans.models import Target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_overview_shows_every_target_with_a_status(site, page: Page):
    create_demo_series()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site.url}/indicators/")
    tiles = page.get_by_test_id("tile")
    codes = list(Target.objects.values_list("code", flat=True))
    expect(tiles).to_have_count(len(codes))
    for code in codes:
        tile = page.locator(f"[data-testid=tile][data-target='{code}']")
        assert tile.get_attribute("data-status") in {"achieved", "on_track", "at_risk",
                                                      "off_track", "no_data"}
        expect(tile.locator(".why")).not_to_be_empty()
    expect(page.locator("[data-target=T01]")).to_contain_text("trên 50%")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)


def test_indicator_page_marks_the_restated_years(site, page: Page):
    create_demo_series()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site.url}/indicators/st_investment_grdp/")
    restated = page.locator("[data-testid=series] tr[data-restated]")
    expect(restated.first).to_contain_text("2015")
    assert restated.count() == 10  # 2015–2024, before the July 2025 merger
    expect(page.locator("[data-testid=series] thead")).to_contain_text("Bến Tre")
    expect(page.locator("#chart canvas").first).to_be_visible()  # canvas: see indicator-chart.js
    page.screenshot(path=str(SHOTS / "indicator.png"), full_page=True)


def test_the_overview_works_on_a_phone(site, page: Page):
    create_demo_series()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site.url}/indicators/")
    expect(page.get_by_test_id("tile").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the overview scrolls sideways on a phone ({width}px)"
