"""Documents fixtures: the demo rounds 2023–2025 with their values, and tools that open files."""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pytest
from django.db import transaction
from django.test import override_settings

from stiplan.documents import content as assembly
from stiplan.documents.charts import charts_of
from stiplan.reporting.models import Round

needs = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdffonts")),
                           reason="poppler-utils (pdftotext, pdffonts) are not installed")


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STIPLAN_JOBS_SYNC = True
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def demo(db, private_media, demo_rounds_snapshot) -> Round:
    """The demo rounds (2025: some accepted, one returned then accepted, some missing), put back
    from the session's snapshot."""
    demo_rounds_snapshot.restore()
    return Round.objects.get(year=2025, kind="annual")


def restore_in_a_folder_of_its_own(snapshot, tmp_path_factory) -> None:
    """The snapshot's rows, and its files in a fresh folder (not the checkout's var/)."""
    with override_settings(PRIVATE_MEDIA_ROOT=tmp_path_factory.mktemp("private")):
        snapshot.restore()


@pytest.fixture(scope="module")
def annual_content(django_db_setup, django_db_blocker, demo_rounds_snapshot,
                   tmp_path_factory) -> dict:
    """The 2025 yearly report's content, assembled once per module in a rolled-back transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        restore_in_a_folder_of_its_own(demo_rounds_snapshot, tmp_path_factory)
        content = assembly.annual(Round.objects.get(year=2025, kind="annual"),
                                  {"date": "2025-12-15", "number": "125"})
        transaction.set_rollback(True)
    return content


@pytest.fixture(scope="module")
def contexts(django_db_setup, django_db_blocker, demo_rounds_snapshot, tmp_path_factory) -> dict:
    """The content and charts of the demo 2025 yearly report and of the demo ad hoc round's
    answer, assembled once per module in a rolled-back transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        restore_in_a_folder_of_its_own(demo_rounds_snapshot, tmp_path_factory)
        contents = {"annual": assembly.annual(Round.objects.get(year=2025, kind="annual")),
                    "ad_hoc": assembly.ad_hoc(Round.objects.get(kind="ad_hoc"))}
        transaction.set_rollback(True)
    return {kind: (content, charts_of(content)) for kind, content in contents.items()}


def pdf_text(pdf: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[dict]:
    """pdffonts' table: name, type, embedded, subset, unicode map, per font."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def docx_xml(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return z.read("word/document.xml").decode()


def shipped(kind: str, layout: str) -> bytes:
    """A shipped Word template, read from the package (no database needed)."""
    from stiplan.documents.docx_build import SHIPPED, TEMPLATES

    return (SHIPPED / TEMPLATES[(kind, layout)][1]).read_bytes()


def word_file(body: str = "", *, header: str = "", title: str = "") -> bytes:
    """A small Word file staff might make: one paragraph, a page header, a document title."""
    from docx import Document as WordDocument

    doc = WordDocument()
    doc.add_paragraph(body)
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    doc.core_properties.title = title
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def template_with(text: str) -> bytes:
    """The shipped yearly template with one more paragraph, as staff would type it in Word. The
    template is built once; each call writes `text` into the paragraph's place in its XML."""
    if text != text.strip() or any(c in text for c in "\n\r\t"):
        return _annual_default_with(text)  # python-docx turns these into Word breaks and tabs
    return with_text(_annual_default_with(PLACEHOLDER), PLACEHOLDER, text)


#: A word no template holds, standing for the text a test writes into a Word file.
PLACEHOLDER = "STIPLAN-TEXT-GOES-HERE"


@functools.cache
def _annual_default_with(text: str) -> bytes:
    from stiplan.documents.docx_build import annual_default

    doc = annual_default()
    doc.add_paragraph(text, style="VB Nội dung")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def with_text(base: bytes, placeholder: str, text: str) -> bytes:
    """The Word file `base` with `placeholder` in its body replaced by `text`, as Word would
    store it (quicker than building the file again)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                assert data.count(placeholder.encode()) == 1, placeholder
                data = data.replace(placeholder.encode(), xml_escape(text).encode())
            dst.writestr(item, data)
    return out.getvalue()
