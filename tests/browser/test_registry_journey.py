"""A task's road through the registry in a real browser (issue 12): the proposal shows its
duplicate warning; it passes the identification council, the selection council (where a member who
declared a conflict of interest cannot score), the contract, acceptance and registration; and the
PhD it trained appears in the plan's indicator, whose number links back to the task."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from stiplan.analytics.vntext import fold
from stiplan.demo.registry import create_demo_registry
from stiplan.registry.models import CouncilMember, Person, Task
from tests.browser.test_reporting_round import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CODE = "DX-2026-01"


@pytest.fixture
def base(site) -> str:
    """A small demo registry (fields, organisations, people, four tasks) behind a live server."""
    create_demo_registry(tasks=4)
    return site.url


def ok(page: Page, button: str, message: str) -> None:
    """Press `button`; the page says it is done with `message`."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".msg.success")).to_contain_text(message)


def take_step(page: Page, step: str, state: str, decision: str = "") -> None:
    """Take lifecycle step `step` on the task page (with a decision when it needs one)."""
    page.select_option("#id_step", step)
    if decision:
        page.fill("#id_decision_number", decision)
        page.fill("#id_decision_date", "20/11/2026")
    ok(page, "Ghi bước", "Đã ghi bước")
    expect(page.get_by_test_id("state")).to_have_text(state)


def new_council(page: Page, base: str, kind: str, name: str, task: Task, criteria: str = "") -> None:
    page.goto(f"{base}/registry/councils/")
    page.select_option("#id_kind", kind)
    page.fill("#id_name", name)
    page.select_option("#id_tasks", str(task.pk))
    page.fill("#id_criteria", criteria)
    ok(page, "Lập hội đồng", name)


def conclude(page: Page, task: Task, conclusion: str, grade: str = "") -> None:
    page.select_option("#id_conclusion-task", str(task.pk))
    if grade:
        page.select_option("#id_conclusion-grade", grade)
    page.fill("#id_conclusion-conclusion", conclusion)
    ok(page, "Ghi kết luận", task.code)


def score(page: Page, member: CouncilMember, task: Task, c1: str, c2: str) -> None:
    page.select_option("#id_scores-member", str(member.pk))
    page.select_option("#id_scores-task", str(task.pk))
    page.fill("#id_scores-criterion_C1", c1)
    page.fill("#id_scores-criterion_C2", c2)
    page.get_by_role("button", name="Ghi phiếu chấm", exact=True).click()


def test_a_proposal_goes_from_its_duplicate_warning_to_the_phd_in_the_plan_indicator(
        base, browser: Browser):
    twin = Task.objects.order_by("pk").first()
    people = list(Person.objects.order_by("pk")[:4])
    page = signed_in(browser, base, "kehoach")

    # The proposal, typed without accents, is refused until the proposer has seen its twin.
    page.goto(f"{base}/registry/tasks/new/")
    page.fill("#id_code", CODE)
    page.fill("#id_title", fold(twin.title))
    for name, value in (("level", "provincial"), ("kind", "de_tai"), ("mechanism", "commissioning"),
                        ("selection", "open")):
        page.select_option(f"#id_{name}", value)
    page.select_option("#id_host", index=1)
    page.fill("#id_start_date", "01/02/2026")
    page.fill("#id_end_date", "31/12/2027")
    page.get_by_role("button", name="Gửi đề xuất", exact=True).click()
    expect(page.get_by_test_id("similar")).to_contain_text(twin.code)
    expect(page.locator(".field-error")).to_contain_text("rất giống")
    assert not Task.objects.filter(code=CODE).exists()
    page.check("#id_not_a_duplicate")
    ok(page, "Gửi đề xuất", CODE)
    task = Task.objects.get(code=CODE)
    assert task.regime == "law2025"

    # The identification council concludes; the list is approved.
    new_council(page, base, "identification", "Hội đồng xác định nhiệm vụ 2026", task)
    conclude(page, task, "Đề nghị đặt hàng.")
    page.goto(f"{base}/registry/tasks/{task.pk}/")
    take_step(page, "identify", "đã qua hội đồng xác định nhiệm vụ")
    take_step(page, "approve_list", "trong danh mục được phê duyệt", "101/QĐ-UBND")

    # The selection council: three members, one declares a conflict and cannot score.
    new_council(page, base, "selection", "Hội đồng tuyển chọn 2026", task,
                "C1; Tính cấp thiết; 50\nC2; Nội dung, phương pháp; 50")
    for person, role in zip(people[:3], ("chair", "reviewer", "member"), strict=True):
        page.select_option("#id_member-person", str(person.pk))
        page.select_option("#id_member-role", role)
        ok(page, "Thêm thành viên", person.full_name)
    chair, reviewer, member = CouncilMember.objects.filter(council__name="Hội đồng tuyển chọn 2026"
                                                           ).order_by("pk")
    page.select_option("#id_conflict-member", str(member.pk))
    page.select_option("#id_conflict-task", str(task.pk))
    page.fill("#id_conflict-reason", "Là đồng tác giả của chủ nhiệm.")
    ok(page, "Ghi xung đột lợi ích", "xung đột lợi ích")
    expect(page.get_by_test_id("excluded")).to_contain_text(member.person.full_name)
    score(page, member, task, "50", "50")
    expect(page.locator(".field-error")).to_contain_text("không được chấm điểm")
    assert not member.scores.exists()
    for sitting in (chair, reviewer):
        score(page, sitting, task, "40", "35")
        expect(page.locator(".msg.success")).to_contain_text(sitting.person.full_name)
    ok(page, "Xếp hạng", "Đã xếp hạng")
    expect(page.get_by_test_id("ranking")).to_contain_text("75")

    # Selection, appraisal, approval, contract, then acceptance graded «khá».
    page.goto(f"{base}/registry/tasks/{task.pk}/")
    take_step(page, "select", "đã tuyển chọn hoặc giao trực tiếp")
    take_step(page, "appraise", "đã thẩm định nội dung và kinh phí")
    take_step(page, "approve", "đã phê duyệt", "102/QĐ-UBND")
    take_step(page, "contract", "đang thực hiện theo hợp đồng", "15/HĐ-SKHCN")
    take_step(page, "self_assess", "đã tự đánh giá")
    new_council(page, base, "acceptance", "Hội đồng nghiệm thu 2026", task)
    conclude(page, task, "Đạt yêu cầu, xếp loại khá.", grade="good")
    page.goto(f"{base}/registry/tasks/{task.pk}/")
    take_step(page, "accept", "nghiệm thu đạt", "103/QĐ-SKHCN")

    # The PhD trained, then registration with its certificate number.
    page.select_option("#id_output-kind", "trained_phd")
    page.fill("#id_output-title", "Luận án tiến sĩ về giống lúa chịu mặn")
    page.fill("#id_output-year", "2026")
    page.select_option("#id_output-person", str(people[3].pk))
    ok(page, "Thêm kết quả", "Luận án tiến sĩ")
    page.select_option("#id_step", "register")
    page.locator("[id^='id_certificate_']").fill("26/KQNC-SKHCN")
    ok(page, "Ghi bước", "Đã ghi bước")
    expect(page.get_by_test_id("state")).to_have_text("đã đăng ký kết quả")

    # The plan's indicator counts the PhD of 2026 and links back to the task.
    page.goto(f"{base}/indicators/phd_supported/")
    row = page.locator("tr[data-period='2026'][data-source='computed']")
    expect(row.get_by_test_id("behind").get_by_role("link", name=CODE)).to_be_visible()
    assert float(row.locator("td.num").inner_text().replace(",", ".")) >= 1
    row.get_by_role("link", name=CODE).click()
    expect(page).to_have_url(f"{base}/registry/tasks/{task.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(fold(twin.title))
    expect(page.get_by_test_id("state")).to_have_text("đã đăng ký kết quả")
