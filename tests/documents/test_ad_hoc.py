"""The answer to an ad hoc round: each question with the accepted answers, the tasks and values it
asked about, in the three formats."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from stiplan.documents import actions as act
from stiplan.documents.models import DocumentKind, JobState
from stiplan.reporting.models import ReportState, Round

from .conftest import docx_xml, needs, pdf_text


@needs
def test_the_ad_hoc_report_in_three_formats(demo, users, tmp_path):
    round_ = Round.objects.get(kind="ad_hoc")
    document = act.request_document(round_, by=users["plan_officer"], run_now=True,
                                    options={"directions": "Nhân rộng mô hình ứng dụng."})
    assert document.kind == DocumentKind.AD_HOC and document.state == JobState.DONE
    content = document.content
    accepted = round_.reports.filter(state=ReportState.ACCEPTED).select_related("unit")
    waiting = round_.reports.exclude(state=ReportState.ACCEPTED).select_related("unit")
    assert accepted.count() == 5 and waiting.count() == 1
    assert [len(q["answers"]) for q in content["questions"]] == [5, 5]
    assert content["summary"].startswith("Kết quả ứng dụng tiến bộ khoa học và công nghệ")

    with document.pdf.open("rb") as fh:
        text = re.sub(r"\s+", " ", pdf_text(fh.read(), tmp_path))
    assert "I. TRẢ LỜI CÁC NỘI DUNG YÊU CẦU" in text and "Q1." in text and "Q2." in text
    for report in accepted:
        assert f"{report.unit.name}:" in text
    assert f"{waiting[0].unit.name}:" not in text  # a draft is not reported
    assert "Nhân rộng mô hình ứng dụng." in text
    assert "III.1.1." in text and "III.1.2." not in text  # only the tasks the request named

    with document.docx.open("rb") as fh:
        xml = docx_xml(fh.read())
    assert "TRẢ LỜI CÁC NỘI DUNG YÊU CẦU" in xml and content["questions"][0]["question"] in xml
    with document.xlsx.open("rb") as fh:
        book = load_workbook(io.BytesIO(fh.read()))
    assert book["Trả lời"].max_row == 1 + 10
    values = book["Số liệu"]
    assert values.max_row == 1 + len(content["values"]) and values.max_row > 1
