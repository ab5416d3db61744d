"""The report page as an officer and a reviewer meet it: errors named in their words at the field,
the checklist of what is on screen, nothing typed lost, a reviewer's comment kept on accepting."""

import re

import pytest
from django.urls import reverse

from stiplan.reporting.actions import accept_report, return_report, save_items, submit_report
from stiplan.reporting.models import ReportState


@pytest.fixture
def officer(client, users):
    client.force_login(users["reporter"])  # baocao.stc
    return client


def form_of(report) -> dict:
    """Every field of the page's form, as saved (what a browser would send back)."""
    data = {"version": report.version, "verb": "save"}
    for item in report.action_items.select_related("action"):
        p = f"a:{item.action.code}:"
        data |= {p + "status": item.status, p + "done": "", p + "results": "",
                 p + "difficulties": "", p + "proposals": ""}
    for item in report.indicator_items.select_related("indicator"):
        p = f"i:{item.indicator.code}:"
        data |= {p + "value": "", p + "source": "", p + "note": "", p + "explanation": ""}
    return data


def section(page: str, testid: str) -> str:
    """The HTML of the page's <section> marked `testid`."""
    start = page.index(f'data-testid="{testid}"')
    return page[start:page.index("</section>", start)]


def indicators_of(report):
    return list(report.indicator_items.select_related("indicator").order_by("indicator__code"))


def test_the_checklist_names_items_in_words_and_links_to_their_fields(officer, stc):
    page = officer.get(reverse("report-detail", args=[stc.pk])).content.decode()
    action = stc.action_items.select_related("action").first()
    indicator = indicators_of(stc)[0]
    checklist = section(page, "checklist")
    assert f'href="#a:{action.action.code}:status"' in checklist
    assert f"{action.action.code} — " in checklist
    assert f'href="#i:{indicator.indicator.code}:value"' in checklist
    assert f"{indicator.indicator.name} ({indicator.indicator.unit})" in checklist
    assert "action:" not in checklist and "indicator:" not in checklist
    assert f'id="i:{indicator.indicator.code}:value"' in page  # the anchor exists


def test_one_bad_value_keeps_everything_typed_and_is_marked_at_its_field(officer, stc):
    first, second, third = indicators_of(stc)[:3]
    data = form_of(stc) | {f"i:{first.indicator.code}:value": "123.456,7",
                           f"i:{second.indicator.code}:value": "mười hai",
                           f"i:{third.indicator.code}:value": "42",
                           f"i:{third.indicator.code}:source": "Cục Thống kê"}
    response = officer.post(reverse("report-detail", args=[stc.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    stc.refresh_from_db()
    assert all(i.value is None for i in indicators_of(stc)), "nothing is half-saved"
    assert 'value="123.456,7"' in page and 'value="Cục Thống kê"' in page and 'value="42"' in page
    bad = f"i:{second.indicator.code}:value"
    assert re.search(rf'id="{re.escape(bad)}"[^>]*aria-invalid="true"', page)
    assert page.count('aria-invalid="true"') == 1, "only the bad field is marked"
    summary = section(page, "refused")
    assert f'href="#{bad}"' in summary and second.indicator.name in summary
    assert "không phải là số" in summary and "is not a number" not in summary
    assert page.count("«mười hai» không phải là số") == 2, "said at the field and in the list, once each"


def test_after_a_refused_save_the_checklist_is_that_of_the_screen(officer, stc):
    first, second = indicators_of(stc)[:2]
    data = form_of(stc) | {f"i:{first.indicator.code}:value": "12",
                           f"i:{second.indicator.code}:value": "x y z"}
    page = officer.post(reverse("report-detail", args=[stc.pk]), data).content.decode()
    checklist = section(page, "checklist")
    assert f'href="#i:{first.indicator.code}:value"' not in checklist, "just typed: not missing"
    assert f'href="#i:{second.indicator.code}:value"' not in checklist, "said by the refusal"


def test_a_returned_report_lists_the_items_to_fix(officer, stc, users):
    indicator = indicators_of(stc)[0]
    complete(stc, users["reporter"])
    submit_report(stc, by=users["reporter"])
    return_report(stc, comments={f"indicator:{indicator.indicator.code}": "Thiếu nguồn số liệu"},
                  by=users["reviewer"])
    page = officer.get(reverse("report-detail", args=[stc.pk])).content.decode()
    to_fix = section(page, "to-fix")
    assert f'href="#i:{indicator.indicator.code}:value"' in to_fix
    assert indicator.indicator.name in to_fix and "Thiếu nguồn số liệu" in to_fix


def test_accepting_keeps_the_comment_the_reviewer_typed(client, stc, users):
    complete(stc, users["reporter"])
    submit_report(stc, by=users["reporter"])
    stc.refresh_from_db()
    item = stc.action_items.select_related("action").first()
    client.force_login(users["reviewer"])
    client.post(reverse("report-detail", args=[stc.pk]), {
        "verb": "accept", "version": stc.version,
        f"c:action:{item.action.code}": "Nên bổ sung số liệu kinh phí năm sau"})
    stc.refresh_from_db()
    item.refresh_from_db()
    assert stc.state == ReportState.ACCEPTED
    assert item.review_comment == "Nên bổ sung số liệu kinh phí năm sau"
    assert not item.needs_fix


def test_accept_report_writes_the_notes_into_its_audit_record(stc, users):
    from stiplan.core.models import AuditEntry

    complete(stc, users["reporter"])
    submit_report(stc, by=users["reporter"])
    item = stc.question_items.first() or stc.action_items.select_related("action").first()
    key = f"action:{item.action.code}"
    accept_report(stc, notes={key: "Tốt"}, by=users["reviewer"])
    entry = AuditEntry.objects.filter(action="reporting.accept_report").latest("pk")
    assert f"{key}: Tốt" in entry.reason


def test_irreversible_steps_ask_once_and_say_what_follows(officer, stc):
    page = officer.get(reverse("report-detail", args=[stc.pk])).content.decode()
    panel = page[page.index('data-testid="submit"'):]
    panel = panel[:panel.index("</details>")]
    assert "không sửa được nữa" in panel and 'value="submit"' in panel


def complete(report, by) -> None:
    """Fill every item so the report can be submitted."""
    save_items(report, by=by,
               actions={i.action.code: {"status": "in_progress"}
                        for i in report.action_items.select_related("action")},
               indicators={i.indicator.code: {"value": "1"}
                           for i in report.indicator_items.select_related("indicator")},
               questions={q.code: {"answer": "Có"} for q in report.question_items.all()})
    report.refresh_from_db()
