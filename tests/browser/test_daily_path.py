"""The officials' daily path in a real browser: an officer fixes a bad value from the error's
link without retyping anything, a reviewer's comment survives "Chấp nhận", a failed document
shows its fix and offers the shipped template, and each role's home page shows its next task."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from stiplan.documents import actions as documents
from stiplan.plans.models import ValueType
from stiplan.reporting.actions import save_items, submit_report
from stiplan.reporting.models import ReportState, Round, UnitReport
from tests.browser.test_reporting_round import signed_in
from tests.documents.conftest import template_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def rounds(site, settings, private_media, demo_rounds_snapshot):
    """The demo rounds; document jobs run at once, their files in a folder of the test."""
    settings.STIPLAN_JOBS_SYNC = True
    demo_rounds_snapshot.restore()
    return Round.objects.get(year=2025, kind="annual")


def own_report(round_: Round) -> UnitReport:
    return round_.reports.get(unit__code="VL25.STC")


@pytest.fixture
def base(site) -> str:
    return site.url


def test_an_officer_fixes_a_bad_value_from_the_errors_link(rounds, base, browser: Browser):
    report = own_report(rounds)
    items = [i for i in report.indicator_items.select_related("indicator")
             if i.indicator.value_type != ValueType.COUNT
             and (i.max_value is None or i.max_value > 200_000)]
    first, bad, third = items[:3]  # each takes 123.456,7
    page = signed_in(browser, base, "baocao.stc")
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/reporting/reports/{report.pk}/")

    def field(item, name="value"):
        return page.locator(f"[id='i:{item.indicator.code}:{name}']")

    field(first).fill("123.456,7")
    field(bad).fill("mười hai")
    field(third).fill("42")
    field(third, "source").fill("Cục Thống kê")
    expect(page.get_by_label("Giá trị", exact=True).first).to_be_visible()  # a visible label
    assert field(first).bounding_box()["width"] > 200, "a value input is usable on a phone"
    page.get_by_role("button", name="Lưu", exact=True).click()

    summary = page.get_by_test_id("refused")
    expect(summary).to_contain_text(bad.indicator.name)
    expect(summary).not_to_contain_text("indicator:")
    summary.get_by_role("link", name=bad.indicator.name).click()
    expect(field(bad)).to_be_focused()
    expect(field(bad)).to_have_attribute("aria-invalid", "true")
    expect(field(first)).to_have_value("123.456,7")
    expect(field(third)).to_have_value("42")
    expect(field(third, "source")).to_have_value("Cục Thống kê")
    field(bad).fill("12")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".msg.success")).to_contain_text("Đã lưu")

    saved = {i.indicator.code: i for i in report.indicator_items.select_related("indicator")}
    assert str(saved[first.indicator.code].value.normalize()) == "123456.7"
    assert saved[bad.indicator.code].value == 12
    assert saved[third.indicator.code].value == 42
    assert saved[third.indicator.code].source == "Cục Thống kê"


def test_a_reviewers_comment_survives_pressing_accept(rounds, base, browser: Browser,
                                                     django_user_model):
    report = own_report(rounds)
    reporter = django_user_model.objects.get(username="baocao.stc")
    save_items(report, by=reporter,
               actions={i.action.code: {"status": "in_progress"}
                        for i in report.action_items.select_related("action")},
               indicators={i.indicator.code: {"value": "1"}
                           for i in report.indicator_items.select_related("indicator")})
    submit_report(report, by=reporter)
    item = report.action_items.select_related("action").first()

    page = signed_in(browser, base, "thamdinh")
    page.goto(f"{base}/reporting/reports/{report.pk}/")
    page.locator(f"[id='c-action:{item.action.code}']").fill("Nên nêu rõ kinh phí năm sau.")
    page.get_by_test_id("accept").click()
    expect(page.get_by_text("Các nhận xét bạn đã nhập được lưu kèm")).to_be_visible()
    page.get_by_test_id("confirm-accept").click()
    expect(page.get_by_test_id("state")).to_have_text("Đã chấp nhận")
    expect(page.get_by_test_id("review-comment").first).to_contain_text("kinh phí năm sau")
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED


def test_a_failed_document_shows_the_fix_and_offers_the_shipped_template(rounds, base, browser,
                                                                        django_user_model):
    officer = django_user_model.objects.get(username="kehoach")
    documents.upload_template(kind="annual", layout="default", name="Mẫu lỗi",
                              raw=template_with("{{ groups[999].code }}"), by=officer)
    failed = documents.request_document(rounds, formats=["docx"], by=officer, run_now=True)

    page = signed_in(browser, base, "kehoach")
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/documents/{failed.pk}/")
    failure = page.get_by_test_id("failure")
    expect(failure).to_contain_text("Mẫu Word đang dùng có lỗi")
    expect(failure).to_contain_text("Cách khắc phục")
    expect(failure.get_by_test_id("retry")).to_have_count(0)
    expect(page.get_by_test_id("job-state")).to_have_text("Lỗi")
    failure.get_by_test_id("revert").click()
    expect(page.get_by_test_id("progress")).to_have_attribute("data-state", "done")
    expect(page.get_by_test_id("download-docx")).to_be_visible()


@pytest.mark.parametrize("username,card,says", [
    ("baocao.stc", "task-reports", "Hạn nộp"),
    ("thamdinh", "task-waiting", "chờ thẩm định"),
    ("kehoach", "task-rounds", "Đã nộp"),
    ("lanhdao", "task-overview", "Xem tổng quan"),
])
def test_each_roles_home_page_shows_its_next_task(rounds, base, browser: Browser, username,
                                                 card, says):
    page = signed_in(browser, base, username)
    page.goto(f"{base}/")
    expect(page.get_by_test_id(card)).to_contain_text(says)
    page.get_by_test_id(card).get_by_role("link").first.click()
    expect(page.locator("h1")).to_be_visible()
