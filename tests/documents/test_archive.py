"""Archived documents: the content and the versions of its inputs are kept, so regenerating gives
the archived words and numbers after the data changed, and a new document shows the change."""

from __future__ import annotations

import io
from decimal import Decimal

from docx import Document as WordDocument

from stiplan.documents import actions as act
from stiplan.documents.models import JobState
from stiplan.metrics.actions import bump_revision
from stiplan.metrics.models import DataValue, Revision
from stiplan.reporting.models import ActionItem, ReportState


def words(document) -> str:
    with document.docx.open("rb") as fh:
        word = WordDocument(io.BytesIO(fh.read()))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def test_the_archive_keeps_each_input_version(demo, users):
    document = act.request_document(demo, by=users["plan_officer"], formats=["docx"], run_now=True)
    assert document.state == JobState.DONE and document.progress == 100
    versions = {int(pk): v for pk, v in document.inputs["reports"].items()}
    assert versions == dict(demo.reports.values_list("pk", "version"))
    assert document.inputs["revision"] == Revision.current()


def test_regenerating_after_a_change_gives_the_archived_content(demo, users):
    officer = users["plan_officer"]
    first = act.request_document(demo, by=officer, options={"date": "2025-12-15"}, formats=["docx"],
                                 run_now=True)  # the words are read from the DOCX
    item = (ActionItem.objects.filter(report__round=demo, report__state=ReportState.ACCEPTED)
            .exclude(done="").select_related("report__unit").first())
    before_text = item.done
    ActionItem.objects.filter(pk=item.pk).update(done="Nội dung đã sửa sau khi báo cáo được lập.")
    value = DataValue.objects.filter(final=True, provenance__report__isnull=False).first()
    DataValue.objects.filter(pk=value.pk).update(value=value.value + Decimal("123456"))
    bump_revision()  # what the commit of those updates runs (metrics.signals)

    again = act.regenerate(first, by=officer, run_now=True)
    assert again.state == JobState.DONE and again.regenerated_from == first
    assert again.content == first.content and again.inputs == first.inputs
    assert words(again) == words(first)
    assert before_text in words(again)
    assert "Nội dung đã sửa sau khi báo cáo được lập." not in words(again)

    fresh = act.request_document(demo, by=officer, options={"date": "2025-12-15"}, formats=["docx"],
                                 run_now=True)
    assert "Nội dung đã sửa sau khi báo cáo được lập." in words(fresh)
    assert fresh.inputs["revision"] > first.inputs["revision"]
    changed = [v for v in fresh.content["annex_values"] if v["unit_code"] == value.unit.code
               and v["indicator"] == value.indicator.code and v["year"] == value.year]
    assert changed[0]["value"] == float(value.value + Decimal("123456"))
    archived = [v for v in first.content["annex_values"] if v["unit_code"] == value.unit.code
                and v["indicator"] == value.indicator.code and v["year"] == value.year]
    assert archived[0]["value"] == float(value.value)


def test_the_xlsx_annex_gives_every_number_its_provenance(demo, users):
    from openpyxl import load_workbook

    document = act.request_document(demo, by=users["plan_officer"], formats=["xlsx"], run_now=True)
    with document.xlsx.open("rb") as fh:
        book = load_workbook(io.BytesIO(fh.read()))
    assert book.sheetnames == ["Thông tin", "Chỉ tiêu", "Chuỗi số liệu của tỉnh", "Số liệu gốc",
                               "Kết quả nhiệm vụ", "Khó khăn - kiến nghị", "Đơn vị báo cáo"]
    raw = book["Số liệu gốc"]
    head = [c.value for c in raw[1]]
    rows = [dict(zip(head, (c.value for c in r), strict=True)) for r in raw.iter_rows(min_row=2)]
    assert len(rows) == len(document.content["annex_values"]) > 100
    reported = [r for r in rows if r["Báo cáo số"]]
    assert reported, "values from unit reports carry their report"
    for r in reported[:50]:
        value = DataValue.objects.get(indicator__code=r["Mã số liệu"], unit__code=r["Mã đơn vị"],
                                      period=str(r["Năm"]), source="reported")
        assert value.provenance["report"] == r["Báo cáo số"]
        assert value.provenance["version"] == r["Phiên bản"]
        assert float(value.value) == r["Giá trị"]
    series = book["Chuỗi số liệu của tỉnh"]
    methods = {c.value for c in series["F"][1:]}
    assert any(m.startswith("Công thức:") for m in methods)  # formulas named where used
    assert book["Chỉ tiêu"].max_row == 1 + 15
