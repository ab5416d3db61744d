"""The council pages, the Department's only: a plan officer creates a council, adds its members,
records a conflict, enters the scoring sheets and ranks the proposals through the page; a sheet
the registry refuses (a conflicted member, a score out of range) is said at its field in the page
language and writes nothing; the ranking is shown in the order the rule gives; the minutes are a
Word file in the Decree 30 format with the council's rows. A reporter and a visitor are refused
every council address, and no public page names a council member."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse
from docx import Document as WordDocument

from stiplan.core.models import AuditEntry
from stiplan.registry.actions import add_council_member, create_council, declare_conflict, enter_scores
from stiplan.registry.models import Council, CouncilMember, Score, Task

pytestmark = pytest.mark.django_db

LIST = reverse("council-list")
CRITERIA = [{"code": "C1", "name": "Tính cấp thiết", "max": 30},
            {"code": "C2", "name": "Nội dung, phương pháp", "max": 40}]
#: Names planted on the council only: no public page may show them.
MEMBER_NAMES = ["Đặng Hội Đồng Một", "Huỳnh Hội Đồng Hai", "Tạ Hội Đồng Ba"]


def page(council) -> str:
    return reverse("council-detail", kwargs={"pk": council.pk})


def minutes(council) -> str:
    return reverse("council-minutes", kwargs={"pk": council.pk})


def make_public(task) -> Task:
    Task.objects.filter(pk=task.pk).update(state="listed", public=True)
    return Task.objects.get(pk=task.pk)


@pytest.fixture
def members(people):
    """Three people named only for this council (people[:3] renamed)."""
    for person, name in zip(people, MEMBER_NAMES, strict=False):
        person.full_name = name
        person.save(update_fields=["full_name"])
    return people[:3]


@pytest.fixture
def council(propose, members, users):
    """A selection council over two public proposals A and B with three members (a chair first)."""
    a, b = make_public(propose(code="HS-A")), make_public(propose(code="HS-B"))
    officer = users["plan_officer"]
    made = create_council("selection", "Hội đồng tuyển chọn 02/2026", tasks=[a, b], criteria=CRITERIA,
                          decision_number="15/QĐ-SKHCN", decision_date=dt.date(2026, 3, 1),
                          meets_on=dt.date(2026, 3, 10), by=officer)
    for person, role in zip(members, ["chair", "reviewer", "member"], strict=True):
        add_council_member(made, person, role, by=officer)
    return made


def member_of(council, person) -> CouncilMember:
    return CouncilMember.objects.get(council=council, person=person)


def sheet_post(member, task, c1, c2) -> dict:
    return {"form": "scores", "scores-member": member.pk, "scores-task": task.pk,
            "scores-criterion_C1": c1, "scores-criterion_C2": c2}


def test_an_officer_creates_a_council_and_adds_its_members_through_the_pages(login, propose, members):
    a = propose(code="HS-X")
    client = login("kehoach")
    response = client.post(LIST, {"kind": "selection", "name": "Hội đồng tuyển chọn thử",
                                  "tasks": [a.pk], "criteria": "C1; Tính cấp thiết; 30\nC2; Phương pháp; 40",
                                  "meets_on": "10/03/2026"})
    council = Council.objects.get(name="Hội đồng tuyển chọn thử")
    assert response.status_code == 302 and response["Location"] == page(council)
    assert [c["code"] for c in council.criteria] == ["C1", "C2"]
    assert list(council.tasks.all()) == [a]
    for person, role in zip(members[:2], ["chair", "secretary"], strict=True):
        client.post(page(council), {"form": "member", "member-person": person.pk, "member-role": role})
    assert {(m.person.full_name, m.role) for m in council.members.all()} == {
        (MEMBER_NAMES[0], "chair"), (MEMBER_NAMES[1], "secretary")}
    html = client.get(page(council)).content.decode()
    assert MEMBER_NAMES[0] in html and MEMBER_NAMES[1] in html and "HS-X" in html


def test_a_bad_criteria_line_is_said_at_its_field_and_no_council_is_made(login, propose):
    a = propose(code="HS-X")
    client = login("kehoach")
    before = (Council.objects.count(), AuditEntry.objects.count())
    response = client.post(LIST, {"kind": "selection", "name": "Hội đồng lỗi", "tasks": [a.pk],
                                  "criteria": "C1; Tính cấp thiết; không"})
    assert response.status_code == 200
    assert "Dòng 1" in " ".join(response.context["form"].errors["criteria"])
    assert (Council.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("language, says", [
    ("vi", "đã khai xung đột lợi ích với nhiệm vụ HS-A nên không được chấm điểm"),
    ("en", "declared a conflict of interest with task HS-A and may not score it"),
])
def test_a_conflicted_members_sheet_is_refused_at_the_member_field_and_nothing_is_written(
        login, council, members, language, says):
    a = Task.objects.get(code="HS-A")
    client = login("kehoach")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    third = member_of(council, members[2])
    client.post(page(council), {"form": "conflict", "conflict-member": third.pk, "conflict-task": a.pk,
                                "conflict-reason": "Đồng tác giả với chủ nhiệm hồ sơ"})
    before = (Score.objects.count(), AuditEntry.objects.count())
    response = client.post(page(council), sheet_post(third, a, "20", "30"))
    assert response.status_code == 200
    assert (Score.objects.count(), AuditEntry.objects.count()) == before
    assert says in " ".join(response.context["forms"]["scores"].errors["member"])
    sheet = re.search(rf'data-testid="sheet-{a.pk}">(.*?)</section>', response.content.decode(), re.S)
    assert MEMBER_NAMES[2] in sheet.group(1) and 'data-testid="excluded"' in sheet.group(1)


@pytest.mark.parametrize("language, says", [("vi", "Điểm phải từ 0 đến 30"), ("en", "between 0 and 30")])
def test_a_score_above_its_maximum_is_refused_at_its_field(login, council, members, language, says):
    a = Task.objects.get(code="HS-A")
    client = login("kehoach")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    before = (Score.objects.count(), AuditEntry.objects.count())
    response = client.post(page(council), sheet_post(member_of(council, members[0]), a, "31", "30"))
    assert response.status_code == 200
    assert (Score.objects.count(), AuditEntry.objects.count()) == before
    assert says in " ".join(response.context["forms"]["scores"].errors["criterion_C1"])


def test_sheets_entered_through_the_page_rank_the_proposals_in_the_rules_order(login, council, members):
    a, b = Task.objects.get(code="HS-A"), Task.objects.get(code="HS-B")
    client = login("kehoach")
    chair, reviewer = member_of(council, members[0]), member_of(council, members[1])
    # A: totals 50 and 40 → mean 45; B: 60 and 60 → mean 60, so B ranks first.
    for member, task, c1, c2 in ((chair, a, "20", "30"), (reviewer, a, "15", "25"),
                                 (chair, b, "25", "35"), (reviewer, b, "30", "30")):
        response = client.post(page(council), sheet_post(member, task, c1, c2))
        assert response.status_code == 302
    assert Score.objects.filter(member__council=council).count() == 8
    client.post(page(council), {"form": "rank", "rank-on": "10/03/2026"})
    html = client.get(page(council)).content.decode()
    ranking = re.search(r'data-testid="ranking">(.*?)</table>', html, re.S).group(1)
    assert ranking.index("HS-B") < ranking.index("HS-A")
    assert "Nguyên tắc xếp hạng" in html


def test_the_minutes_are_a_decree_30_word_file_with_the_councils_rows(login, council, members, users,
                                                                       tmp_path):
    officer = users["plan_officer"]
    a, b = Task.objects.get(code="HS-A"), Task.objects.get(code="HS-B")
    chair, reviewer, third = (member_of(council, p) for p in members)
    declare_conflict(third, b, reason="Cùng đơn vị công tác với chủ nhiệm", by=officer)
    sheets = {(chair, a): (20, 30), (reviewer, a): (15, 25), (chair, b): (25, 35), (reviewer, b): (30, 31)}
    for (member, task), (c1, c2) in sheets.items():
        enter_scores(member, task, {"C1": c1, "C2": c2}, by=officer)
    client = login("kehoach")
    client.post(page(council), {"form": "rank"})
    client.post(page(council), {"form": "conclusion", "conclusion-task": b.pk,
                                "conclusion-conclusion": "Đề nghị giao trực tiếp cho hồ sơ HS-B"})
    response = client.get(minutes(council))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    doc = WordDocument(io.BytesIO(response.content))
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Vĩnh Long, ngày 10 tháng 3 năm 2026", "BIÊN BẢN", "Số:",
                     council.name, council.decision_number, "Đề nghị giao trực tiếp cho hồ sơ HS-B"):
        assert expected in text, expected
    for person in members:
        assert person.full_name in text
    assert f"{MEMBER_NAMES[2]}, hồ sơ HS-B: Cùng đơn vị công tác với chủ nhiệm" in text
    # the means from the sheets made above: A (50 + 40) / 2 = 45, B (60 + 61) / 2 = 60.5, B first
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    ranked = {r[0]: r for r in rows if r[0] in ("HS-A", "HS-B")}
    assert ranked["HS-B"][3:] == ["60,50", "1"] and ranked["HS-A"][3:] == ["45,00", "2"]
    assert ranked["HS-B"][2] == "2" and ranked["HS-A"][2] == "2"  # two sheets each (the third: no sheet)
    if shutil.which("soffice"):
        source = tmp_path / "bien-ban.docx"
        source.write_bytes(response.content)
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                       check=True, capture_output=True, timeout=180)
        assert (tmp_path / "bien-ban.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("username", [None, "baocao.stc"])
def test_a_reporter_and_a_visitor_are_refused_every_council_address(client, login, council, username):
    if username:
        client = login(username)
    before = (CouncilMember.objects.count(), AuditEntry.objects.count())
    for url in (LIST, page(council), minutes(council)):
        response = client.get(url)
        refused = response.status_code in (403, 404) or (
            response.status_code == 302 and "login" in response["Location"])
        assert refused, (url, response.status_code)
        assert not any(name in response.content.decode() for name in MEMBER_NAMES)
    for url, data in ((LIST, {"kind": "selection", "name": "x"}),
                      (page(council), {"form": "member", "member-person": 1, "member-role": "member"})):
        response = client.post(url, data)
        assert response.status_code in (302, 403, 404)
        assert response.status_code != 302 or "login" in response["Location"]
    assert (CouncilMember.objects.count(), AuditEntry.objects.count()) == before


def test_no_public_registry_page_names_a_council_member(client, council):
    assert Task.objects.filter(public=True, councils=council).count() == 2
    pages = [reverse("task-list")] + [reverse("task-detail", kwargs={"pk": t.pk})
                                      for t in council.tasks.all()]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not any(name in html for name in MEMBER_NAMES), url
