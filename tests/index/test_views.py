"""Index pages: the profile (published for everyone, computed for the Department), the what-if
panel, data entry and review, and the submission package opened and checked."""

import csv
import hashlib
import io
import json
import re
import zipfile

import pytest
from openpyxl import load_workbook

from stiplan.core.models import AuditEntry
from stiplan.index.models import IndexValue, ValueState

PDF = b"%PDF-1.4\n% evidence for the test\n%%EOF\n"


def test_the_public_profile_shows_published_results_only(edition, client):
    page = client.get("/index/2025/VLG/").content.decode()
    assert 'data-testid="published"' in page
    assert "38,93" in page and "17/34" in page
    assert 'data-testid="computed"' not in page and 'data-testid="what-if"' not in page
    assert "Cần Thơ" in page and "Cà Mau" in page  # the region's peers
    assert "Hải Phòng" not in page.split('data-testid="region-peers"')[1]


def test_the_department_sees_computed_results_radar_interval_and_peers(edition, login):
    page = login("lanhdao").get("/index/2025/VLG/").content.decode()
    for testid in ("computed", "interval", "strengths", "weaknesses", "grdp-peers", "what-if"):
        assert f'data-testid="{testid}"' in page, testid
    radar = json.loads(re.search(r'<script id="radar-data" type="application/json">(.*?)</script>',
                                 page, re.S).group(1))
    assert len(radar["indicators"]) == 7 and all(len(s["values"]) == 7 for s in radar["series"])
    grdp = page.split('data-testid="grdp-peers"')[1].split("</table>")[0]
    assert grdp.count("<tr") == 1 + 6  # header, Vĩnh Long and its 5 closest provinces by GRDP


def _whatif(client, values: dict) -> tuple[str, str]:
    page = client.post("/index/2025/VLG/what-if/", values).content.decode()
    score = re.search(r'data-testid="what-if-score">([^<]+)<', page).group(1)
    rank = re.search(r'data-testid="what-if-rank">([^<]+)<', page).group(1)
    return score, rank


def test_what_if_returns_a_changed_score_and_rank(edition, login):
    client = login("kehoach")
    before = IndexValue.objects.count(), AuditEntry.objects.count()
    base_score, base_rank = _whatif(client, {})
    # The best value in every indicator (raw counts far beyond any province's): the province
    # reaches the top of every normalised scale, so it scores 100 and ranks first.
    fw = edition.framework.tree()
    best = {f"v-{c}": "1000000000" if fw.by_code[c].denominator else
            str(max(IndexValue.objects.filter(edition=edition, code=c).values_list("value", flat=True)))
            for c in fw.indicators}
    score, rank = _whatif(client, best)
    assert (score, rank) == ("100", "1/34")
    assert (base_score, base_rank) != (score, rank) and base_rank != "1/34"
    assert (IndexValue.objects.count(), AuditEntry.objects.count()) == before  # nothing written


def test_what_if_names_a_bad_number_and_a_value_outside_the_definition(edition, login):
    page = login("kehoach").post("/index/2025/VLG/what-if/", {"v-1.1.1": "abc"}).content.decode()
    assert "1.1.1: «abc» không phải là số" in page
    page = login("kehoach").post("/index/2025/VLG/what-if/", {"v-2.2.1": "120"}).content.decode()
    assert "2.2.1" in page and "lớn hơn giới hạn trên 100" in page


def test_entry_saves_a_value_with_evidence_and_review_needs_another_officer(edition, login, client):
    officer = login("kehoach")
    response = officer.post("/index/2025/entry/", {
        "code": "1.1.1", "value": "7,5", "source": "QĐ 1/2025",
        "evidence": _upload("qd.pdf", PDF)})
    assert response.status_code == 302
    item = IndexValue.objects.get(edition=edition, unit="VLG", code="1.1.1")
    assert (item.value, item.state, item.entered_by.username) == (7.5, ValueState.DRAFT, "kehoach")
    checked = officer.post(f"/index/values/{item.pk}/check/")
    assert (checked.status_code, checked["Location"]) == (302, "/index/2025/entry/#v-1.1.1")
    assert officer.post(f"/index/values/{item.pk}/review/", {"decision": "accept"}).status_code == 403
    assert IndexValue.objects.get(pk=item.pk).state == ValueState.CHECKED
    reviewed = login("thamdinh").post(f"/index/values/{item.pk}/review/", {"decision": "accept"})
    assert reviewed["Location"] == "/index/2025/entry/#v-1.1.1"
    assert IndexValue.objects.get(pk=item.pk).state == ValueState.REVIEWED


def test_entry_shows_a_bad_value_with_its_place(edition, login):
    page = login("kehoach").post("/index/2025/entry/", {"code": "2.2.1", "value": "150"},
                                 follow=True).content.decode()
    assert "2.2.1" in page and "lớn hơn giới hạn trên" in page


def _upload(name, raw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, raw, content_type="application/octet-stream")


def test_the_submission_package_holds_values_sources_and_evidence(edition, login):
    client = login("kehoach")
    client.post("/index/2025/entry/", {"code": "6.1.1", "value": "123", "source": "Cục SHTT",
                                       "evidence": _upload("don-sang-che.pdf", PDF)})
    response = client.get("/index/2025/package.zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"values.csv", "values.xlsx", "manifest.json", "evidence/6.1.1-don-sang-che.pdf"} <= names
    assert archive.read("evidence/6.1.1-don-sang-che.pdf") == PDF
    rows = list(csv.DictReader(io.StringIO(archive.read("values.csv").decode("utf-8-sig"))))
    assert len(rows) == 52 + 3  # every indicator and denominator
    by_code = {r["code"]: r for r in rows}
    assert (by_code["6.1.1"]["value"], by_code["6.1.1"]["source"]) == ("123.0", "Cục SHTT")
    assert by_code["6.1.1"]["evidence"] == "evidence/6.1.1-don-sang-che.pdf"
    sheet = load_workbook(io.BytesIO(archive.read("values.xlsx"))).active
    header = [c.value for c in sheet[1]]
    xrows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert xrows["6.1.1"]["value"] == 123 and xrows["6.1.1"]["source"] == "Cục SHTT"
    assert xrows["1.1.1"]["state"] == "reviewed"
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["province"] == "VLG" and manifest["year"] == 2025
    for name in names - {"manifest.json"}:
        assert manifest["files"][name] == hashlib.sha256(archive.read(name)).hexdigest(), name


@pytest.mark.parametrize("username", ["baocao.stc"])
def test_a_unit_reporter_gets_no_package_and_no_entry(edition, login, username):
    client = login(username)
    assert client.get("/index/2025/package.zip").status_code == 403
    assert client.get("/index/2025/entry/").status_code == 403
    assert client.post("/index/2025/VLG/what-if/", {}).status_code == 403
