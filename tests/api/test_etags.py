"""ETags on detail reads and If-Match on writes: a detail GET carries a strong ETag of its
representation and answers 304 to If-None-Match; a write on an object with an If-Match that is no
longer current is refused with 412 and changes nothing; a write without If-Match is accepted
(docs/api.md), and its answer carries the new ETag."""

from __future__ import annotations

import pytest

from stiplan.core.models import AuditEntry
from stiplan.reporting.models import UnitReport

pytestmark = pytest.mark.django_db


def test_a_detail_read_has_a_strong_etag_and_answers_304(client, demo_registry):
    url = "/api/v1/registry/organisations/"
    code = client.get(url).json()["results"][0]["code"]
    first = client.get(f"{url}{code}/")
    tag = first["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    assert client.get(f"{url}{code}/")["ETag"] == tag  # the same representation, the same tag
    again = client.get(f"{url}{code}/", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == tag
    assert client.get(f"{url}{code}/", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    selected = client.get(f"{url}{code}/", {"fields": "name"})
    assert selected["ETag"] != tag  # another representation, another tag


def test_the_etag_follows_the_data(login, demo_registry):
    """A step taken changes the task's representation, so its ETag: the old one gets a 200."""
    staff = login("kehoach")
    code = _task_in("proposed")
    tag = staff.get(f"/api/v1/registry/tasks/{code}/")["ETag"]
    moved = staff.post(f"/api/v1/registry/tasks/{code}/move/", {"step": "identify"},
                       content_type="application/json")
    assert moved.status_code == 200, moved.content
    assert moved["ETag"] != tag
    assert staff.get(f"/api/v1/registry/tasks/{code}/", HTTP_IF_NONE_MATCH=tag).status_code == 200
    assert staff.get(f"/api/v1/registry/tasks/{code}/",
                     HTTP_IF_NONE_MATCH=moved["ETag"]).status_code == 304


def _task_in(state: str) -> str:
    from stiplan.registry.models import Task

    return Task.objects.filter(state=state).order_by("pk").first().code


@pytest.fixture
def stc_report(round_2025) -> UnitReport:
    return round_2025.reports.get(unit__code="VL25.STC")


def test_a_stale_if_match_is_refused_with_412_and_nothing_changes(login, stc_report):
    reporter = login("baocao.stc")
    url = f"/api/v1/reports/{stc_report.pk}/"
    tag = reporter.get(url)["ETag"]
    body = {"indicators": {"tasks_proposed": {"value": "3"}}}
    saved = reporter.post(f"{url}save/", body, content_type="application/json", HTTP_IF_MATCH=tag)
    assert saved.status_code == 200, saved.content
    entries = AuditEntry.objects.count()
    stale = reporter.post(f"{url}save/", {"indicators": {"tasks_proposed": {"value": "4"}}},
                          content_type="application/json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    assert "If-Match" in stale.json()["detail"] and "changed since you read it" in stale.json()["detail"]
    assert AuditEntry.objects.count() == entries
    assert UnitReport.objects.get(pk=stc_report.pk).version == saved.json()["version"]


def test_a_current_or_star_if_match_and_no_if_match_are_accepted(login, stc_report):
    reporter = login("baocao.stc")
    url = f"/api/v1/reports/{stc_report.pk}/"
    for value in ("4", "5", "6"):
        header = {"HTTP_IF_MATCH": reporter.get(url)["ETag"]} if value == "4" else (
            {"HTTP_IF_MATCH": "*"} if value == "5" else {})
        answer = reporter.post(f"{url}save/", {"indicators": {"tasks_proposed": {"value": value}}},
                               content_type="application/json", **header)
        assert answer.status_code == 200, (value, answer.content)


def test_a_workflow_step_answers_with_the_reports_new_etag(login, stc_report):
    reviewer = login("kehoach")
    url = f"/api/v1/reports/{stc_report.pk}/"
    tag = reviewer.get(url)["ETag"]
    answer = reviewer.post(f"{url}unlock/", {"reason": "x"}, content_type="application/json",
                           HTTP_IF_MATCH='"not-the-tag"')
    assert answer.status_code == 412
    assert reviewer.get(url)["ETag"] == tag
