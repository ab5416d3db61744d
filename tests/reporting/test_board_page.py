"""The review board and the round list as a reviewer uses them: what waits, oldest first."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from stiplan.reporting.actions import submit_report
from stiplan.reporting.models import UnitReport
from tests.reporting.test_report_page import complete


def submitted(report, by, days_ago: int) -> None:
    complete(report, by)
    submit_report(report, by=by)
    UnitReport.objects.filter(pk=report.pk).update(
        submitted_at=timezone.now() - timedelta(days=days_ago))


def units_on(page: str) -> list[str]:
    return re.findall(r'<tr data-unit="([^"]+)"', page)


def test_the_board_counts_what_waits_and_shows_it_oldest_first(client, users, stc, sgddt,
                                                                 other_reporter):
    submitted(stc, users["reporter"], days_ago=1)
    submitted(sgddt, other_reporter, days_ago=5)
    client.force_login(users["reviewer"])
    url = reverse("round-board", args=[stc.round_id])
    page = client.get(url).content.decode()
    assert re.search(r'data-testid="waiting">2<', page)
    waiting = client.get(url, {"state": "waiting", "sort": "oldest"}).content.decode()
    assert units_on(waiting) == ["VL25.SGDDT", "VL25.STC"]
    drafts = units_on(client.get(url, {"state": "draft"}).content.decode())
    assert drafts and "VL25.STC" not in drafts
    assert len(units_on(client.get(url, {"state": "nonsense"}).content.decode())) > len(drafts)


def test_the_round_list_leads_a_reviewer_to_the_board(client, users, round_2025):
    client.force_login(users["reviewer"])
    page = client.get(reverse("round-list")).content.decode()
    main = page[page.index('<main'):]
    first = re.search(r'<table[^>]*>.*?<a href="([^"]+)"', main, re.S).group(1)
    assert first == reverse("round-board", args=[round_2025.pk])


def test_opening_a_round_picks_units_and_actions_by_name(client, users, plan):
    client.force_login(users["plan_officer"])
    page = client.get(reverse("round-open")).content.decode()
    assert re.search(r'<option value="VL25\.STC">Sở Tài chính[^<]*</option>', page)
    assert 'data-filter-for="id_units"' in page
    response = client.post(reverse("round-open"), {
        "kind": "ad_hoc", "year": 2026, "opened_on": "2026-06-01", "deadline": "2026-06-30",
        "title": "Đột xuất", "units": ["VL25.STC", "VL25.SGDDT"], "questions": "Kết quả?"})
    assert response.status_code == 302
    from stiplan.reporting.models import Round

    opened = Round.objects.get(title="Đột xuất")
    assert sorted(opened.reports.values_list("unit__code", flat=True)) == ["VL25.SGDDT",
                                                                             "VL25.STC"]
