"""What goes wrong stays contained: hostile templates are stopped, a failed job stores nothing,
a lost file is a 404, a job that never ends is marked failed, a regeneration keeps its template."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument

from stiplan.core.jobs import JobStopped
from stiplan.documents import actions as act
from stiplan.documents import content
from stiplan.documents.layouts import TemplateProblem, check_template
from stiplan.documents.models import Document, JobState

from .conftest import template_with

ESCAPE = ("{{ (summary.__class__.__mro__[1].__subclasses__()|selectattr('__name__','equalto',"
          "'catch_warnings')|first)()._module.__builtins__['__import__']('os').getpid() }}")


def officer_client(users) -> Client:
    client = Client()
    client.force_login(users["plan_officer"])
    return client


def test_a_template_reaching_python_internals_is_refused_at_upload():
    with pytest.raises(TemplateProblem) as caught:
        check_template(template_with(ESCAPE), "annual")
    assert "thuộc tính nội bộ" in caught.value.vi and "__class__" in caught.value.vi


def test_a_template_is_rendered_in_a_sandbox(demo, users):
    """A method that changes data is refused at upload; past the static check (a computed name),
    the sandbox still refuses: the job fails with the reason."""
    with pytest.raises(TemplateProblem, match=r"groups\.append"):
        check_template(template_with("{{ groups.append(1) }}"), "annual")
    act.upload_template(kind="annual", layout="default", name="Sửa dữ liệu",
                        raw=template_with("{{ groups['app' ~ 'end'](1) }}"),
                        by=users["plan_officer"])
    document = act.request_document(demo, by=users["plan_officer"], formats=["docx"], run_now=True)
    assert document.state == JobState.FAILED and "không được phép" in document.error
    assert not document.docx


def test_a_job_failing_on_its_last_format_stores_no_file(demo, users, settings, private_media):
    settings.STIPLAN_FONT_DIR = "/nonexistent-fonts"  # DOCX and XLSX succeed, the PDF cannot
    document = act.request_document(demo, by=users["plan_officer"], run_now=True)
    assert document.state == JobState.FAILED
    assert not (document.docx or document.pdf or document.xlsx)
    assert not list(private_media.rglob("*.docx")) and not list(private_media.rglob("*.xlsx"))
    client = officer_client(users)
    assert client.get(reverse("document-file", args=[document.pk, "docx"])).status_code == 404
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(users["plan_officer"])
    assert api.get(f"/api/v1/documents/{document.pk}/").json()["files"] == {}


def test_a_file_missing_from_storage_is_a_404_not_a_500(demo, users):
    document = act.request_document(demo, by=users["plan_officer"], formats=["xlsx"], run_now=True)
    document.xlsx.storage.delete(document.xlsx.name)
    assert officer_client(users).get(
        reverse("document-file", args=[document.pk, "xlsx"])).status_code == 404
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(users["plan_officer"])
    assert api.get(f"/api/v1/documents/{document.pk}/file/xlsx/").status_code == 404


@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
                    reason="a PostgreSQL connection can be left waiting on a result")
def test_a_stop_that_leaves_the_connection_busy_still_ends_the_document_failed(
        transactional_db, demo, users, monkeypatch):
    """As CI saw: the stop landed while psycopg sent a query, the query's result stayed unread."""
    def stopped_mid_query(*_args, **_kwargs):
        connection.connection.pgconn.send_query(b"SELECT 1")
        raise JobStopped()

    monkeypatch.setattr(content, "assemble", stopped_mid_query)
    document = act.request_document(demo, by=users["plan_officer"], formats=["docx"], run_now=True)
    assert document.state == JobState.FAILED
    assert "stopped" in document.error and not document.docx


def test_a_job_that_never_ends_is_marked_failed(demo, users):
    """By the scheduled action, not by reading its page (see test_stale_jobs)."""
    stuck = Document.objects.create(kind="annual", round=demo, formats=["pdf"],
                                    state=JobState.RUNNING)
    Document.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=1))
    client = officer_client(users)
    page = client.get(reverse("document-detail", args=[stuck.pk]))
    assert page.status_code == 200 and 'data-state="running"' in page.content.decode()
    assert act.expire_stale_jobs() == [stuck.pk]
    page = client.get(reverse("document-detail", args=[stuck.pk]))
    assert page.status_code == 200 and 'data-state="failed"' in page.content.decode()
    stuck.refresh_from_db()
    assert stuck.state == JobState.FAILED and "qcluster" in stuck.error


def test_regenerating_keeps_the_template_the_document_was_made_with(demo, users):
    officer = users["plan_officer"]
    first = act.request_document(demo, by=officer, formats=["docx"], run_now=True)
    act.upload_template(kind="annual", layout="default", name="Mẫu mới",
                        raw=template_with("Đoạn của mẫu mới."), by=officer)
    again = act.regenerate(first, by=officer, run_now=True)
    fresh = act.request_document(demo, by=officer, formats=["docx"], run_now=True)

    def text(document) -> str:
        with document.docx.open("rb") as fh:
            return "\n".join(p.text for p in WordDocument(io.BytesIO(fh.read())).paragraphs)

    assert "Đoạn của mẫu mới." not in text(again) and text(again) == text(first)
    assert "Đoạn của mẫu mới." in text(fresh)


@pytest.mark.django_db  # the module fixture reads the test database
def test_the_sandbox_alone_stops_the_escape(annual_content):
    """Even a template that skipped the upload check cannot reach Python from the content."""
    from stiplan.documents.word import render_docx

    with pytest.raises(TemplateProblem, match="không được phép"):
        render_docx(annual_content, template_with(ESCAPE))
