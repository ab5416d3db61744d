"""Each role lands on its next task: the officer's open reports, the reviewer's queue (oldest
first), the plan officer's open rounds and documents, the leader's overview."""

import re

from django.urls import reverse

from tests.reporting.test_board_page import submitted


def home_as(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def card(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start:page.index("</section>", start)]


def test_the_officer_sees_the_open_report_its_deadline_and_what_is_missing(client, users, stc):
    page = card(home_as(client, users["reporter"]), "task-reports")
    assert reverse("report-detail", args=[stc.pk]) in page
    assert "10/12/2025" in page
    missing = int(re.search(r"còn (\d+) mục cần bổ sung", page).group(1))
    assert missing == stc.action_items.count() + stc.indicator_items.count()


def test_the_reviewer_sees_what_waits_oldest_first(client, users, stc, sgddt, other_reporter):
    submitted(stc, users["reporter"], days_ago=1)
    submitted(sgddt, other_reporter, days_ago=4)
    page = card(home_as(client, users["reviewer"]), "task-waiting")
    assert "2 báo cáo chờ thẩm định" in page
    assert page.index(sgddt.unit.name) < page.index(stc.unit.name)


def test_the_plan_officer_sees_the_rounds_completeness_and_the_documents(client, users,
                                                                        round_2025):
    page = home_as(client, users["plan_officer"])
    rounds = card(page, "task-rounds")
    assert reverse("round-board", args=[round_2025.pk]) in rounds and "Đã nộp 0/" in rounds
    assert reverse("document-list") in card(page, "task-documents")


def test_the_leader_is_sent_to_the_overview(client, users, round_2025):
    page = card(home_as(client, users["leader"]), "task-overview")
    assert reverse("overview") in page


def test_the_public_sees_the_plans_and_no_tasks(client, round_2025):
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="next-tasks"' not in page and 'class="hero"' in page
