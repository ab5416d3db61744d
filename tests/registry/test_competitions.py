"""Competitions, awards and the recognition of initiatives: a call is judged by a council of the
registry's machinery (a member's declared conflict keeps them off that entry's sheet, scores per
criterion, the ranking rule with its tie rule, the call's weights applied), prizes are given by a
decision, and once the results are published a visitor sees the winners — never an entry that
did not win, a score, or a council member's name."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from stiplan.core.models import AuditEntry
from stiplan.registry.actions import (
    Decision,
    add_council_member,
    declare_conflict,
    enter_scores,
    rank_council,
)
from stiplan.registry.councils import council_record, minutes_content
from stiplan.registry.models import Call, Consensus, Entry, Organisation, Score
from stiplan.registry.recognition.actions import award, open_call, open_judging, publish_results, submit_entry

pytestmark = pytest.mark.django_db

#: C1 weighs twice C2: unweighted, entry C would rank above B; weighted they tie on the total
#: and the tie rule (C1 first) puts B first.
CRITERIA = [{"code": "C1", "name": "Tính mới, sáng tạo", "max": 40, "weight": 2},
            {"code": "C2", "name": "Hiệu quả, khả năng ứng dụng", "max": 60}]
SCORES = {  # entry → member index → (C1, C2); member 0 declared a conflict with A
    "A": {1: (35, 50), 2: (30, 55)},
    "B": {0: (38, 41), 1: (36, 45), 2: (37, 43)},
    "C": {0: (34, 49), 1: (35, 47), 2: (36, 45)},
}


@pytest.fixture
def officer(users):
    return users["plan_officer"]


@pytest.fixture
def competition(officer, host, people):
    """A provincial STI award: call, three entries (an organisation, a person, both), a council
    of three (people 0–2), the conflict of member 0 with entry A, every sheet and the ranking."""
    call = open_call(kind="sti_award", title="Giải thưởng KH&CN tỉnh Vĩnh Long 2026", year=2026,
                     opens_on=dt.date(2026, 3, 1), closes_on=dt.date(2026, 6, 30),
                     criteria=CRITERIA, by=officer)
    entrant = people[3]
    entries = {
        "A": submit_entry(call, title="Quy trình nhân giống bưởi da xanh", organisation=host,
                          on=dt.date(2026, 4, 2), by=officer),
        "B": submit_entry(call, title="Máy sấy lúa tiết kiệm năng lượng", person=entrant,
                          on=dt.date(2026, 5, 2), by=officer),
        "C": submit_entry(call, title="Phần mềm quản lý khiếu nại", person=people[4],
                          organisation=host, on=dt.date(2026, 6, 30), by=officer),
    }
    council = open_judging(call, name="Hội đồng Giải thưởng KH&CN 2026", by=officer,
                           meets_on=dt.date(2026, 7, 15))
    members = [add_council_member(council, p, role, by=officer)
               for p, role in zip(people[:3], ["chair", "reviewer", "member"], strict=True)]
    declare_conflict(members[0], entries["A"], reason="Là cán bộ của tổ chức dự thi", by=officer)
    for key, sheets in SCORES.items():
        for n, (c1, c2) in sheets.items():
            enter_scores(members[n], entries[key], {"C1": c1, "C2": c2}, by=officer)
    ranking = rank_council(council, by=officer, on=dt.date(2026, 7, 15))
    return {"call": call, "entries": entries, "council": council, "members": members,
            "ranking": ranking}


def ranks(ranking) -> dict:
    return {row.entry.title: (row.rank, row.mean_score) for row in ranking}


def test_a_competition_runs_end_to_end(competition, officer, client, people):
    """Call, entries, a member's conflict, scores, ranking, winners published: a visitor sees
    the winners, no score and no reviewer's name."""
    call, e, members = competition["call"], competition["entries"], competition["members"]
    # the conflicted member has no sheet for A, and cannot give one
    assert not Score.objects.filter(member=members[0], entry=e["A"]).exists()
    with pytest.raises(ValidationError) as refused:
        enter_scores(members[0], e["A"], {"C1": 40, "C2": 60}, by=officer)
    assert refused.value.code == "conflict"
    # ranking by the weighted mean of the sheets; B and C tie at 117, C1 (the first) decides
    assert ranks(competition["ranking"]) == {
        e["A"].title: (1, Decimal("117.50")), e["B"].title: (2, Decimal("117.00")),
        e["C"].title: (3, Decimal("117.00"))}
    # winners, by decision; then published
    award(e["A"], "first", decision=Decision("120/QĐ-UBND", dt.date(2026, 8, 1)), by=officer)
    award(e["B"], "second", decision=Decision("120/QĐ-UBND", dt.date(2026, 8, 1)), by=officer)
    anonymous = client.get(reverse("competition-detail", args=[call.pk])).content.decode()
    assert e["A"].title not in anonymous, "a result is not public before it is published"
    publish_results(call, on=dt.date(2026, 8, 5), by=officer)

    page = client.get(reverse("competition-detail", args=[call.pk])).content.decode()
    assert e["A"].title in page and e["B"].title in page and "Trường Đại học Trà Vinh" in page
    assert "120/QĐ-UBND" in page and people[3].full_name in page  # the winner by name
    assert e["C"].title not in page, "an entry that did not win stays with the Department"
    for member in people[:3]:
        assert member.full_name not in page, "no reviewer is named in public"
    for score in ("117", "117,5", "117.5", "117,50"):
        assert score not in page, "no score is shown in public"
    assert 'data-testid="entries"' not in page
    council_page = client.get(reverse("council-detail", args=[competition["council"].pk]))
    assert council_page.status_code == 302  # the council (members, sheets) asks to sign in
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"registry.open_call", "registry.submit_entry", "registry.create_council",
            "registry.declare_conflict", "registry.enter_scores", "registry.rank_council",
            "registry.award", "registry.publish_results"} <= actions


def test_the_department_sees_every_entry_with_its_rank_and_the_councils_sheets(competition, login):
    client = login("kehoach")
    page = client.get(reverse("competition-detail", args=[competition["call"].pk])).content.decode()
    assert all(e.title in page for e in competition["entries"].values())
    assert "117,5" in page
    council = client.get(reverse("council-detail", args=[competition["council"].pk])).content.decode()
    assert "không chấm (xung đột lợi ích)" in council and competition["entries"]["A"].code in council


def test_the_minutes_of_a_call_council_list_its_entries_in_rank_order_and_who_stood_aside(
        competition, officer, people):
    content = minutes_content(council_record(competition["council"], officer))
    e = competition["entries"]
    assert [(row["code"], row["rank"], row["mean"]) for row in content["tasks"]] == [
        (e["A"].code, "1", "117,50"), (e["B"].code, "2", "117,00"), (e["C"].code, "3", "117,00")]
    assert content["excluded"] == [{"name": people[0].full_name, "task": e["A"].code,
                                    "reason": "Là cán bộ của tổ chức dự thi"}]


def test_a_prize_needs_the_ranking_a_decision_and_the_kind_of_call(competition, officer, host):
    call, e = competition["call"], competition["entries"]
    late = Entry.objects.filter(call=call).count()
    with pytest.raises(ValidationError) as refused:
        award(e["A"], "recognised", decision=Decision("", None), by=officer)
    text = " ".join(refused.value.messages)
    assert "chỉ trao" in text and "Cần số và ngày của quyết định" in text
    unjudged = submit_entry(call, title="Hồ sơ chưa chấm", organisation=host, on=dt.date(2026, 6, 1),
                            by=officer)
    with pytest.raises(ValidationError, match="chưa được hội đồng chấm"):
        award(unjudged, "third", decision=Decision("1/QĐ", dt.date(2026, 8, 1)), by=officer)
    assert Entry.objects.filter(call=call).count() == late + 1
    assert not Entry.objects.exclude(prize="").exists()


def test_results_stand_once_published_and_nothing_is_published_without_a_winner(competition, officer, host):
    call = competition["call"]
    with pytest.raises(ValidationError, match="chưa có hồ sơ nào"):
        publish_results(call, by=officer)
    award(competition["entries"]["A"], "first", decision=Decision("9/QĐ", dt.date(2026, 8, 1)), by=officer)
    publish_results(call, on=dt.date(2026, 8, 2), by=officer)
    with pytest.raises(ValidationError) as refused:
        submit_entry(call, title="Muộn", organisation=host, on=dt.date(2026, 6, 1), by=officer)
    assert refused.value.code == "published"


def test_an_entry_outside_the_dates_or_without_an_entrant_is_refused_at_its_fields(competition, officer):
    with pytest.raises(ValidationError) as refused:
        submit_entry(competition["call"], title=" ", on=dt.date(2026, 7, 1), by=officer)
    assert set(refused.value.error_dict) == {"title", "organisation", "on"}
    assert "01/07/2026" in refused.value.error_dict["on"][0].message % {}


def test_a_call_names_its_bad_fields_and_saves_nothing(officer):
    with pytest.raises(ValidationError) as refused:
        open_call(kind="lottery", title="", year=3000, opens_on=dt.date(2026, 5, 1),
                  closes_on=dt.date(2026, 4, 1), criteria=[{"code": "C1", "max": 10, "weight": 0}],
                  by=officer)
    assert set(refused.value.error_dict) == {"kind", "title", "year", "closes_on", "criteria"}
    assert not Call.objects.exists()


@pytest.mark.parametrize("role", ["reporter", "reviewer", "leader", "public"])
def test_only_the_department_runs_a_call(users, role):
    with pytest.raises(PermissionDenied):
        open_call(kind="other", title="X", year=2026, opens_on=dt.date(2026, 1, 1),
                  closes_on=dt.date(2026, 2, 1), criteria=CRITERIA, by=users[role])


def test_an_initiative_is_recognised_by_decision_and_listed_once_published(officer, host, people, client):
    call = open_call(kind="initiative", title="Công nhận sáng kiến cấp tỉnh đợt 1 năm 2026", year=2026,
                     opens_on=dt.date(2026, 1, 1), closes_on=dt.date(2026, 3, 31),
                     criteria=[{"code": "N", "name": "Tính mới", "max": 50},
                               {"code": "H", "name": "Hiệu quả", "max": 50}], by=officer)
    entry = submit_entry(call, title="Cải tiến quy trình tiếp nhận hồ sơ một cửa", person=people[3],
                         organisation=host, on=dt.date(2026, 2, 1), by=officer)
    council = open_judging(call, name="Hội đồng sáng kiến cấp tỉnh", by=officer)
    assert council.kind == "initiative"
    member = add_council_member(council, people[0], "chair", by=officer)
    enter_scores(member, entry, {"N": 40, "H": "42,5"}, by=officer)
    rank_council(council, by=officer)
    assert Consensus.objects.get(entry=entry).mean_score == Decimal("82.50")
    with pytest.raises(ValidationError, match="chỉ trao"):
        award(entry, "first", decision=Decision("5/QĐ-UBND", dt.date(2026, 4, 20)), by=officer)
    award(entry, "recognised", decision=Decision("5/QĐ-UBND", dt.date(2026, 4, 20)), by=officer)
    publish_results(call, by=officer)
    page = client.get(reverse("competition-detail", args=[call.pk])).content.decode()
    assert entry.title in page and "5/QĐ-UBND" in page and people[0].full_name not in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(reverse("competition-detail", args=[call.pk])).content.decode()
    assert "recognised as an initiative" in english and "Criteria and weights" in english


def test_a_council_of_a_call_judges_only_its_entries(competition, officer, host):
    other = open_call(kind="creative_contest", title="Hội thi sáng tạo kỹ thuật", year=2026,
                      opens_on=dt.date(2026, 1, 1), closes_on=dt.date(2026, 12, 31),
                      criteria=CRITERIA, by=officer)
    stranger = submit_entry(other, title="Mô hình tưới tiết kiệm", organisation=host,
                            on=dt.date(2026, 2, 1), by=officer)
    with pytest.raises(ValidationError, match="không thuộc cuộc thi"):
        enter_scores(competition["members"][1], stranger, {"C1": 1, "C2": 1}, by=officer)
    with pytest.raises(ValidationError, match="đã có hội đồng chấm"):
        open_judging(competition["call"], name="Hội đồng thứ hai", by=officer)


def test_the_pages_open_a_call_and_take_an_entry(officer, login, host):
    client = login("kehoach")
    response = client.post(reverse("competition-list"), {
        "kind": "innovative_enterprise", "title": "Giải thưởng doanh nghiệp ĐMST 2026", "year": 2026,
        "opens_on": "01/03/2026", "closes_on": "30/06/2026",
        "criteria": "C1; Sản phẩm mới; 50; 2\nC2; Thị trường; 50"})
    call = Call.objects.get()
    assert response.status_code == 302 and call.criteria[1]["weight"] == "1"
    response = client.post(reverse("competition-detail", args=[call.pk]), {
        "form": "entry", "entry-title": "Nền tảng truy xuất nguồn gốc", "entry-organisation": host.pk,
        "entry-on": "10/03/2026"})
    assert response.status_code == 302 and call.entries.get().code == "2026-001"
    response = client.post(reverse("competition-detail", args=[call.pk]), {
        "form": "entry", "entry-title": "Trễ hạn", "entry-organisation": host.pk, "entry-on": "10/07/2026"})
    assert response.status_code == 200 and "nằm ngoài thời gian nhận hồ sơ" in response.content.decode()
    assert call.entries.count() == 1
    listing = client.get(reverse("competition-list")).content.decode()
    assert "Giải thưởng doanh nghiệp ĐMST 2026" in listing
    assert Organisation.objects.filter(pk=host.pk).exists()
