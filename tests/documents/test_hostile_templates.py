"""Hostile Word templates, through the real upload page and the real document request: each is
refused at upload with its tag named, or renders inert. No server file leaves in a document and
none is written. The same templates, stored without the upload check, are also run by the real
document job and by the renderer: the sandbox holds on its own."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import jinja2
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from stiplan.documents.actions import upload_template
from stiplan.documents.models import Document, DocumentTemplate, JobState
from stiplan.documents.sandbox import SecurityError, environment
from stiplan.documents.word import render_context, render_docx

from .conftest import PLACEHOLDER, docx_xml, template_with, with_text, word_file

MARKER = "STIPLAN-SECRET-MARKER-7f3a"
#: (case, where the tag goes: body, header or title, the tag). {secret} is a server file holding
#: MARKER; {sentinel} a path no template may write.
REFUSED = [
    ("tpl", "body", "{{ chart_units.tpl }}"),
    ("replace_pic", "body", "{{ chart_targets.tpl.replace_pic('image1.png', '{secret}') }}"),
    ("replace_zipname", "body", "{{ chart_units.tpl.replace_zipname('docProps/app.xml', '{secret}') }}"),
    ("docx.save", "body", "{{ chart_units.tpl.docx.save('{sentinel}') }}"),
    ("docx", "body", "{{ chart_units.docx }}"),
    ("renderer internals", "body", "{{ chart_units.tpl.current_rendering_part.blob }}"),
    ("self", "body", "{{ self }}"),
    ("self block", "body", "{% block b %}x{% endblock %}{{ self.b() }}"),
    ("self private", "body", "{{ self._TemplateReference__context }}"),
    ("cycler", "body", "{{ cycler(1, 2).next() }}"),
    ("joiner", "body", "{% set j = joiner(',') %}{{ j() }}"),
    ("namespace", "body", "{% set ns = namespace(a=1) %}{{ ns.a }}"),
    ("lipsum", "body", "{{ lipsum(5) }}"),
    ("range", "body", "{% for i in range(10**9) %}x{% endfor %}"),
    ("dict", "body", "{{ dict(a=1) }}"),
    ("attr filter", "body", "{{ chart_units|attr('tpl') }}"),
    ("format filter", "body", "{{ '%s'|format(chart_units) }}"),
    ("hidden filter", "body", "{% if summary %}{{ summary|attr('upper') }}{% endif %}"),
    ("safe filter", "body", "{{ summary|safe }}"),
    ("format method", "body", "{{ '{0.__class__}'.format(summary) }}"),
    ("format method, no dunder", "body", "{{ '{0.tpl}'.format(chart_units) }}"),
    ("class", "body", "{{ summary.__class__ }}"),
    ("config", "body", "{{ config }}"),
    ("request", "body", "{{ request }}"),
    ("settings", "body", "{{ settings.SECRET_KEY }}"),
    ("loop cycle", "body", "{% for g in groups %}{{ loop.cycle('a', 'b') }}{% endfor %}"),
    ("caller", "body", "{% macro m() %}{{ caller.tpl }}{% endmacro %}{% call m() %}x{% endcall %}"),
    ("macro internals", "body", "{% macro m() %}{% endmacro %}{{ m._environment }}"),
    ("include", "body", "{% include '{secret}' %}"),
    ("import", "body", "{% import '{secret}' as s %}"),
    ("extends", "body", "{% extends '{secret}' %}"),
    ("in the header", "header", "{{ chart_units.tpl.docx.save('{sentinel}') }}"),
    ("in the title", "title", "{{ chart_units.tpl.replace_pic('image1.png', '{secret}') }}"),
]
#: Tags the upload check cannot judge (the name is computed, or the danger is the value): they are
#: accepted, and the sandbox stops them when the document is made.
INERT = [
    ("computed dunder", "body", "{{ summary['_' ~ '_class_' ~ '_'] }}"),
    ("computed loop internals", "body",
     "{% for g in groups %}{{ loop['_iter' ~ 'ator'] }}{% endfor %}"),
    ("percent format", "body", "{{ '%s %r' % (summary, board) }}"),
    ("huge repetition", "body", "{{ 'x' * 10**9 }}"),
    ("huge power", "body", "{{ 7 ** 100000 }}"),
    ("map attribute", "body", "{{ groups|map(attribute='tpl')|list }}"),
    ("map method", "body", "{{ groups|map(attribute='items')|list }}"),
    ("chart in the header", "header", "{{ chart_units }}"),
]
#: Reaching for the renderer through a value: P is every path into the context.
REACH = [
    "{P}.tpl.docx.save('{sentinel}')",
    "{P}.replace_pic('image1.png', '{secret}')",
    "{P}.tpl.replace_zipname('docProps/app.xml', '{secret}')",
    "{P}.docx.save('{sentinel}')",
    "{P}['tpl']",
]


@pytest.fixture
def planted(tmp_path):
    """A server file an attacker wants to read, and a path they want to write."""
    secret = tmp_path / "secret.txt"
    secret.write_text(f"SECRET_KEY={MARKER}\n")
    return {"secret": str(secret), "sentinel": str(tmp_path / "written-by-template.docx")}


@pytest.fixture
def officer(users) -> Client:
    client = Client()
    client.force_login(users["plan_officer"])
    return client


def fill(tag: str, planted: dict) -> str:
    return tag.replace("{secret}", planted["secret"]).replace("{sentinel}", planted["sentinel"])


def hostile(where: str, tag: str, planted: dict) -> tuple[str, bytes]:
    """The tag with the planted paths filled in, and a Word file holding it where asked."""
    tag = fill(tag, planted)
    if where == "body":
        return tag, template_with(tag)
    return tag, word_file("{{ summary }}", **{where: tag})


def upload(client: Client, raw: bytes, kind: str = "annual"):
    """Post a template to the upload page as staff would."""
    return client.post(reverse("document-templates"), {
        "kind": kind, "layout": "default", "name": "Mẫu thử", "file": SimpleUploadedFile(
            "mau.docx", raw)})


def request_document(client: Client, round_, capture, formats=("docx", "pdf", "xlsx")) -> Document:
    """Ask for a document through the documents page; the queued job runs inline."""
    with capture(execute=True):
        response = client.post(reverse("document-list"), {
            "round": round_.pk, "layout": "default", "formats": list(formats)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Document.objects.latest("pk")


def produced(document: Document) -> list[bytes]:
    """Every file the document has, and every member of the zipped ones."""
    blobs = []
    for fmt in ("docx", "pdf", "xlsx"):
        stored = document.file_of(fmt)
        if not stored:
            continue
        with stored.open("rb") as fh:
            raw = fh.read()
        blobs.append(raw)
        if fmt in ("docx", "xlsx"):
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                blobs += [z.read(name) for name in z.namelist()]
    return blobs


def nothing_leaked(document: Document, planted: dict) -> None:
    assert document.state in (JobState.DONE, JobState.FAILED)
    assert not any(MARKER.encode() in blob for blob in produced(document))
    assert not written(planted)


def written(planted: dict) -> bool:
    return Path(planted["sentinel"]).exists()


def store_unchecked(kind: str, raw: bytes) -> DocumentTemplate:
    """A template in use that never went through the upload check (an old upload, a restored
    database): the document job must hold on its own."""
    DocumentTemplate.objects.update(active=False)
    template = DocumentTemplate(kind=kind, layout="default", name="Không kiểm tra")
    template.file.save(f"{kind}-default.docx", ContentFile(raw), save=True)
    return template


def paths(value, expr: str = ""):
    """A Jinja expression for every value reachable in the context (the first item of each list,
    the first of numbered keys)."""
    if expr:
        yield expr
    if isinstance(value, dict):
        numbered = [k for k in value if k.isdigit()][:1]
        for key in [k for k in value if not k.isdigit()] + numbered:
            sub = key if not expr else (f"{expr}['{key}']" if key.isdigit() else f"{expr}.{key}")
            yield from paths(value[key], sub)
    elif isinstance(value, list) and value:
        yield from paths(value[0], f"{expr}[0]")


# --- Refused at upload, naming the tag --------------------------------------------------------


@pytest.mark.parametrize("case,where,tag", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_at_upload_naming_the_tag(case, where, tag, officer, planted, private_media):
    tag, raw = hostile(where, tag, planted)
    response = upload(officer, raw)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    tags = re.findall(r"\{[{%].*?[}%]\}", tag)  # one of them is at fault, and named
    assert any(t in page for t in tags), (case, page[page.find("errorlist"):][:600])
    assert not DocumentTemplate.objects.exists()
    assert not written(planted)


def test_every_path_into_the_context_is_refused_at_upload(contexts, users, planted,
                                                          private_media):
    """`.tpl`, `.docx`, `replace_pic`, `save` reached through every name a template can use,
    given to the upload's action (the page shows its message: the test above)."""
    base = word_file(PLACEHOLDER)
    tried, missed = 0, []
    for kind, (content, charts) in contexts.items():
        context, _pictures = render_context(content, charts)
        for expr in paths(context):
            for reach in REACH[:2]:  # the others are reached the same way: see the sandbox test
                tag = fill("{{ " + reach.replace("{P}", expr) + " }}", planted)
                raw = with_text(base, PLACEHOLDER, tag)
                tried += 1
                try:
                    upload_template(kind=kind, layout="default", name="Mẫu thử", raw=raw,
                                    by=users["plan_officer"])
                    missed.append(tag)
                except ValidationError as refused:
                    if tag not in " ".join(refused.messages) or DocumentTemplate.objects.exists():
                        missed.append(tag)
    print(f"{tried} reaching tags refused at upload")
    assert tried > 200 and missed == []
    assert not written(planted)


# --- Accepted at upload, inert when the document is made --------------------------------------


def test_what_the_upload_accepts_renders_inert(demo, officer, planted,
                                               django_capture_on_commit_callbacks):
    outcomes = {}
    for case, where, tag in INERT:
        tag, raw = hostile(where, tag, planted)
        response = upload(officer, raw)
        assert response.status_code == 302, (case, html.unescape(response.content.decode())[:500])
        # the template shapes the Word file only (the PDF and the workbook are laid out from the
        # content without it): the Word file is what each case asks for
        document = request_document(officer, demo, django_capture_on_commit_callbacks, ["docx"])
        nothing_leaked(document, planted)
        outcomes[case] = document.state
        if document.state == JobState.DONE:
            assert "built-in method" not in docx_xml(produced(document)[0]), case
    # the escapes fail the job with the reason; reading nothing dangerous just renders
    assert outcomes["computed dunder"] == outcomes["computed loop internals"] == JobState.FAILED
    assert outcomes["percent format"] == outcomes["huge repetition"] == JobState.FAILED
    assert outcomes["huge power"] == JobState.FAILED
    assert outcomes["chart in the header"] == JobState.DONE


# --- The same templates without the upload check ----------------------------------------------


def test_unchecked_templates_are_stopped_by_the_sandbox_in_the_document_job(
        demo, officer, planted, django_capture_on_commit_callbacks):
    """Every refused template, put in use without the upload check, then asked for on the page."""
    done = []
    for case, where, tag in REFUSED:
        _tag, raw = hostile(where, tag, planted)
        store_unchecked("annual", raw)
        document = request_document(officer, demo, django_capture_on_commit_callbacks, ["docx"])
        nothing_leaked(document, planted)
        if document.state == JobState.FAILED:
            assert "Mẫu văn bản" in document.error, (case, document.error)
        else:
            done.append(case)
    print(f"{len(REFUSED) - len(done)}/{len(REFUSED)} unchecked templates failed the job; "
          f"rendered inert: {done}")
    assert set(done) <= {"self"}  # `{{ self }}` prints "<TemplateReference None>", nothing more


def test_every_path_into_the_context_is_stopped_by_the_sandbox(contexts, planted):
    """The reaching tags rendered in the sandbox with the real context, without the upload check."""
    env, stopped, rendered = environment(), 0, []
    for content, charts in contexts.values():
        context, _pictures = render_context(content, charts)
        for expr in paths(context):
            for reach in REACH:
                tag = fill("{{ " + reach.replace("{P}", expr) + " }}", planted)
                try:
                    rendered.append(env.from_string(tag).render(context))
                except (jinja2.UndefinedError, SecurityError):
                    stopped += 1
    print(f"sandbox: {stopped} stopped, {len(rendered)} rendered")
    assert stopped > 400 and rendered == []
    assert not written(planted)


def test_a_forged_chart_marker_in_the_content_stays_text(annual_content):
    """Only markers of this rendering become pictures; one typed into a narrative stays text."""
    content = dict(annual_content, summary="[[chart:chart_units:0123456789abcdef]]")
    docx = render_docx(content, word_file("{{ summary }} {{ chart_units }}"))
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        pictures = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(pictures) == 1
    assert "[[chart:chart_units:0123456789abcdef]]" in docx_xml(docx)


def test_the_reported_escape_reads_and_writes_no_file(demo, officer, planted,
                                                      django_capture_on_commit_callbacks):
    """The escape as reported: `chart_units` carried the live DocxTemplate. Refused at upload,
    and stopped by the job when stored without the check."""
    raw = template_with(
        f"{{{{ chart_units.tpl.replace_zipname('docProps/app.xml', '{planted['secret']}') }}}}"
        f"{{{{ chart_units.tpl.docx.save('{planted['sentinel']}') }}}}")
    response = upload(officer, raw)
    assert "chart_units.tpl" in html.unescape(response.content.decode())
    assert not DocumentTemplate.objects.exists()
    store_unchecked("annual", raw)
    document = request_document(officer, demo, django_capture_on_commit_callbacks)
    assert document.state == JobState.FAILED
    nothing_leaked(document, planted)
