"""A parent that passes does not hand over its children of another unit: a round the reporting
officer of VL25.STC may open shows only STC's report (page, API, board), a unit page shows only the
memberships the reader may see, and another unit's evidence is neither listed nor downloadable."""


import pytest

from stiplan.orgs.models import Membership
from stiplan.reporting.actions import add_evidence
from stiplan.reporting.models import Round

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def round_with_evidence(round_2025, private_media):
    """The 2025 round; each of STC's and SGDDT's reports carries one evidence file."""
    reports = {code: round_2025.reports.get(unit__code=code) for code in ("VL25.STC", "VL25.SGDDT")}
    files = {code: add_evidence(r, f"minh-chung-{code}.pdf", PDF, by=None)
             for code, r in reports.items()}
    return round_2025, reports, files


def test_the_round_shows_the_reporter_only_their_own_units_report(round_with_evidence, login):
    round_, reports, _files = round_with_evidence
    client = login("baocao.stc")
    board = client.get(f"/api/v1/rounds/{round_.pk}/board/").json()
    assert [u["unit"] for u in board["units"]] == ["VL25.STC"]
    listed = client.get(f"/api/v1/reports/?round={round_.pk}").json()["results"]
    assert [r["unit"] for r in listed] == ["VL25.STC"]
    page = client.get(f"/reporting/rounds/{round_.pk}/")
    assert page.status_code == 200
    assert [r.unit.code for r in page.context["board"].reports] == ["VL25.STC"]
    assert f"/reporting/reports/{reports['VL25.SGDDT'].pk}/" not in page.content.decode()


def test_a_plan_officer_sees_every_units_report_in_the_same_round(round_with_evidence, login):
    """The other side: the same pages do list other units' reports to the Department."""
    round_, _reports, _files = round_with_evidence
    board = login("kehoach").get(f"/api/v1/rounds/{round_.pk}/board/").json()
    assert {"VL25.STC", "VL25.SGDDT"} <= {u["unit"] for u in board["units"]}


def test_another_units_evidence_is_neither_listed_nor_downloadable(round_with_evidence, login):
    _round, reports, files = round_with_evidence
    client = login("baocao.stc")
    own_page = client.get(f"/reporting/reports/{reports['VL25.STC'].pk}/")
    assert [a.pk for a in own_page.context["attachments"]] == [files["VL25.STC"].pk]
    assert "minh-chung-VL25.SGDDT" not in own_page.content.decode()
    assert client.get(f"/reporting/evidence/{files['VL25.STC'].pk}/").status_code == 200
    assert client.get(f"/reporting/evidence/{files['VL25.SGDDT'].pk}/").status_code == 404
    assert client.get(f"/reporting/reports/{reports['VL25.SGDDT'].pk}/").status_code == 404


def test_a_unit_page_shows_the_memberships_the_reader_may_see(round_with_evidence, login):
    """The page of VL25.SGDDT is public, its people are not: STC's reporter sees none of them."""
    other = Membership.objects.filter(unit__code="VL25.SGDDT")
    assert other.exists()
    page = login("baocao.stc").get("/units/VL25.SGDDT/")
    assert page.status_code == 200 and list(page.context["memberships"]) == []
    staff_page = login("kehoach").get("/units/VL25.SGDDT/")
    assert {m.pk for m in staff_page.context["memberships"]} == set(other.values_list("pk", flat=True))


def test_with_related_restricts_the_children_of_a_visible_parent(round_with_evidence, users):
    """The mechanism under the pages and the API: a prefetch restricted for the reader."""
    round_, _reports, _files = round_with_evidence
    seen = Round.objects.restrict(users["reporter"]).with_related(users["reporter"], "reports")
    assert [r.unit.code for r in seen.get(pk=round_.pk).reports.all()] == ["VL25.STC"]
    every = Round.objects.restrict(users["plan_officer"]).with_related(users["plan_officer"], "reports")
    assert every.get(pk=round_.pk).reports.count() == round_.reports.count() > 1
