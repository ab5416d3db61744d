"""Hostile Word templates, through the real upload page and the real document request: each is
refused at upload with its tag named, or renders inert. No server file leaves in a document and
none is written."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from stiplan.reports.models import Document, DocumentTemplate, JobState

from .conftest import template_with

MARKER = "STIPLAN-SECRET-MARKER-7f3a"


@pytest.fixture
def secret(tmp_path):
    """A server file an attacker wants to read, and a path they want to write."""
    path = tmp_path / "secret.txt"
    path.write_text(f"SECRET_KEY={MARKER}\n")
    return path


@pytest.fixture
def sentinel(tmp_path):
    return tmp_path / "written-by-template.docx"


@pytest.fixture
def officer(users) -> Client:
    client = Client()
    client.force_login(users["plan_officer"])
    return client


def upload(client: Client, raw: bytes, kind: str = "annual"):
    """Post a template to the upload page as staff would."""
    return client.post(reverse("document-templates"), {
        "kind": kind, "layout": "default", "name": "Mẫu thử", "file": SimpleUploadedFile(
            "mau.docx", raw)})


def request_document(client: Client, round_, capture) -> Document:
    """Ask for every format through the documents page; the queued job runs inline."""
    with capture(execute=True):
        response = client.post(reverse("document-list"), {
            "round": round_.pk, "layout": "default", "formats": ["docx", "pdf", "xlsx"]})
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


def test_the_reported_escape_reads_and_writes_no_file(demo, officer, secret, sentinel,
                                                      django_capture_on_commit_callbacks):
    """The escape as reported: `chart_units` carried the live DocxTemplate."""
    raw = template_with(
        f"{{{{ chart_units.tpl.replace_zipname('docProps/app.xml', '{secret}') }}}}"
        f"{{{{ chart_units.tpl.docx.save('{sentinel}') }}}}")
    response = upload(officer, raw)
    accepted = DocumentTemplate.objects.filter(active=True).exists()
    if accepted:
        document = request_document(officer, demo, django_capture_on_commit_callbacks)
        assert document.state in (JobState.DONE, JobState.FAILED)
        assert not any(MARKER.encode() in blob for blob in produced(document))
    else:
        assert "chart_units.tpl" in response.content.decode()
    assert not sentinel.exists()
