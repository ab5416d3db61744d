"""Word templates staff edit: the shipped ones are sound, a broken one is refused naming the tag,
an uploaded one is used for the next documents."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from docx import Document as WordDocument

from stiplan.documents import actions as act
from stiplan.documents import content as assembly
from stiplan.documents.charts import charts_of
from stiplan.documents.docx_build import TEMPLATES
from stiplan.documents.layouts import KNOWN_NAMES, TemplateProblem, check_template, open_template
from stiplan.documents.models import DocumentTemplate, JobState

from .conftest import docx_xml, shipped, template_with

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind,layout", list(TEMPLATES))
def test_shipped_templates_use_only_known_names(kind, layout):
    check_template(shipped(kind, layout), kind)
    names = open_template(shipped(kind, layout)).get_undeclared_template_variables()
    assert names <= KNOWN_NAMES[kind]


def test_the_known_names_are_exactly_what_a_document_has(annual_content):
    assert set(annual_content) | set(charts_of(annual_content)) == KNOWN_NAMES["annual"]


def test_the_known_names_of_an_ad_hoc_document(demo, plan):
    from datetime import date

    from stiplan.reporting.actions import open_round

    round_ = open_round(plan, kind="ad_hoc", year=2026, deadline=date(2026, 3, 1),
                        opened_on=date(2026, 2, 1), by=None,
                        scope={"questions": [{"code": "Q1", "text": "Số sáng kiến?"}]})
    content = assembly.ad_hoc(round_)
    assert set(content) | set(charts_of(content)) == KNOWN_NAMES["ad_hoc"]


@pytest.mark.parametrize("tag,named", [
    ("{% for x in %}", "{% for x in %}"),
    ("{{ summary }", "{{ summary }"),
    ("{% if general %}không đóng", "{% if general %}"),
    ("{{ tieu_de_bao_cao }}", "tieu_de_bao_cao"),
    ("{{ summary | khong_co_bo_loc }}", "khong_co_bo_loc"),
    ("{{ round.khong_co }}", "{{ round.khong_co }}"),  # not a field of the document's data
])
def test_a_broken_template_is_refused_naming_the_tag(tag, named):
    with pytest.raises(TemplateProblem) as caught:
        check_template(template_with(tag), "annual")
    assert named in caught.value.vi and named in caught.value.en
    assert caught.value.vi.startswith("Mẫu văn bản")


@pytest.mark.parametrize("raw", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_a_file_that_is_not_word_is_refused(raw):
    with pytest.raises(TemplateProblem, match="không phải là tài liệu Word"):
        check_template(raw, "annual")


def test_a_zip_that_is_not_word_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "xin chào")
    with pytest.raises(TemplateProblem):
        check_template(out.getvalue(), "annual")


def test_an_uploaded_template_is_used_for_the_next_documents(demo, users, private_media):
    officer = users["plan_officer"]
    raw = template_with("Đoạn do Văn phòng Sở thêm vào mẫu: {{ board.expected }} đơn vị.")
    template = act.upload_template(kind="annual", layout="default", name="Mẫu 2025 của Văn phòng",
                                   raw=raw, by=officer)
    assert template.active
    document = act.request_document(demo, by=officer, formats=["docx"], run_now=True)
    assert document.state == JobState.DONE and document.template == template
    with document.docx.open("rb") as fh:
        text = "\n".join(p.text for p in WordDocument(io.BytesIO(fh.read())).paragraphs)
    assert f"Đoạn do Văn phòng Sở thêm vào mẫu: {document.content['board']['expected']} đơn vị." in text
    second = act.upload_template(kind="annual", layout="default", name="Mẫu mới", raw=raw, by=officer)
    assert list(DocumentTemplate.objects.filter(active=True)) == [second]


def test_a_broken_upload_is_refused_and_nothing_changes(users, private_media):
    with pytest.raises(ValidationError) as caught:
        act.upload_template(kind="annual", layout="default", name="Hỏng",
                            raw=template_with("{% for g in groups %}"), by=users["plan_officer"])
    assert "{% for g in groups %}" in " ".join(caught.value.messages)
    assert not DocumentTemplate.objects.exists()


def test_a_template_that_fails_while_filling_in_fails_the_job_with_the_reason(demo, users):
    officer = users["plan_officer"]
    raw = template_with("{{ groups[999].code }}")  # passes the checks; there is no 1000th group
    act.upload_template(kind="annual", layout="default", name="Thiếu", raw=raw, by=officer)
    document = act.request_document(demo, by=officer, formats=["docx"], run_now=True)
    assert document.state == JobState.FAILED
    assert "999" in document.error and re.search("Mẫu văn bản", document.error)


def test_only_plan_officers_upload_templates(users):
    for role in ("reviewer", "leader", "reporter"):
        with pytest.raises(Exception) as caught:
            act.upload_template(kind="annual", layout="default", name="x", raw=shipped(
                "annual", "default"), by=users[role])
        assert caught.type.__name__ == "PermissionDenied"


def test_the_shipped_files_are_what_the_builder_makes(tmp_path):
    """`stiplan report templates` rebuilds the committed files: same tags, same styles."""
    from stiplan.documents.docx_build import build_all

    for path in build_all(tmp_path):
        built, committed = docx_xml(path.read_bytes()), docx_xml(shipped(*next(
            k for k, v in TEMPLATES.items() if v[1] == path.name)))
        assert built == committed, path.name


def test_a_template_using_filters_loops_macros_and_string_methods_is_accepted(annual_content):
    """The sandbox keeps what templates staff write need: filters, tests, `loop`, macros,
    `str.upper()`, `dict.get()`."""
    text = ("{% macro item(x) %}- {{ x|upper }}{% endmacro %}"
            "{% for g in groups %}{% if loop.first %}{{ loop.index }}. {{ item(g.title) }} "
            "({{ groups|length }} nhóm){% endif %}{% endfor %}"
            " | {{ summary.upper() }} | {{ board.get('expected') }}"
            " | {{ targets|map(attribute='code')|join(', ') }}"
            " | {{ 'có' if round.year is number else 'không' }}")
    raw = template_with(text)
    check_template(raw, "annual")
    from stiplan.documents.word import render_docx

    paragraphs = [p.text for p in WordDocument(io.BytesIO(render_docx(annual_content, raw))).paragraphs]
    c = annual_content
    expected = (f"1. - {c['groups'][0]['title'].upper()} ({len(c['groups'])} nhóm)"
                f" | {c['summary'].upper()} | {c['board']['expected']}"
                f" | {', '.join(t['code'] for t in c['targets'])} | có")
    assert expected in paragraphs
