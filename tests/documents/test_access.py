"""Who may do what with documents, for every role, through the pages (the rules live in
stiplan.core.permissions)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from stiplan.demo.rounds import create_demo_rounds
from stiplan.demo.series import create_demo_series
from stiplan.documents import actions as act
from stiplan.documents.models import Document
from stiplan.reporting.models import Round
from tests.conftest import rows_standing_for_module, snapshot_of
from tests.core.test_routes import ACCOUNTS

from .conftest import shipped, template_with

ROLES = ["admin", "plan_officer", "reviewer", "leader", "reporter", "public"]
READ = {"admin": 200, "plan_officer": 200, "reviewer": 200, "leader": 200, "reporter": 403,
        "public": 302}
WRITE = {"admin": 302, "plan_officer": 302, "reviewer": 403, "leader": 403, "reporter": 403,
         "public": 302}


def client_for(users, role) -> Client:
    client = Client()
    if role != "public":
        client.force_login(users[role])
    return client


def make_yearly_workbook() -> None:
    officer = get_user_model().objects.get(username=ACCOUNTS["plan_officer"])
    act.request_document(Round.objects.get(year=2025, kind="annual"), by=officer,
                         formats=["xlsx"], run_now=True)


#: The demo rounds and the plan officer's workbook of 2025, made once per run; their rows stand
#: under every test of the module.
made_snapshot = snapshot_of(create_demo_rounds, create_demo_series, make_yearly_workbook)
standing_rows = rows_standing_for_module("made_snapshot")


@pytest.fixture
def made(db, private_media, made_snapshot) -> Document:
    """The yearly workbook among the demo rounds, put back from the run's snapshot (its file in
    the test's own folder)."""
    made_snapshot.restore_files()
    return Document.objects.get()


@pytest.mark.parametrize("role", ROLES)
def test_reading_documents(role, users, made):
    client = client_for(users, role)
    for url in (reverse("document-list"), reverse("document-detail", args=[made.pk]),
                reverse("document-file", args=[made.pk, "xlsx"]), reverse("document-templates"),
                reverse("document-template-file", args=["annual", "ministry"])):
        response = client.get(url)
        assert response.status_code == READ[role], (role, url)
        if response.status_code == 302:
            assert reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_making_and_regenerating_documents(role, users, made):
    client = client_for(users, role)
    before = Document.objects.count()
    response = client.post(reverse("document-list"), {"round": made.round_id, "layout": "default",
                                                      "formats": ["xlsx"]})
    assert response.status_code == WRITE[role], role
    response = client.post(reverse("document-regenerate", args=[made.pk]))
    assert response.status_code == WRITE[role], role
    made_now = Document.objects.count() - before
    assert made_now == (2 if role in ("admin", "plan_officer") else 0)


@pytest.mark.parametrize("role", ROLES)
def test_uploading_templates(role, users, private_media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users, role)
    upload = SimpleUploadedFile("mau.docx", shipped("annual", "default"))
    response = client.post(reverse("document-templates"), {"kind": "annual", "layout": "default",
                                                           "name": "Mẫu", "file": upload})
    assert response.status_code == WRITE[role], role


def test_a_broken_upload_shows_the_tag_and_a_file_that_does_not_exist_is_404(users, made):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users, "plan_officer")
    upload = SimpleUploadedFile("mau.docx", template_with("{{ summary }"))
    response = client.post(reverse("document-templates"), {"kind": "annual", "layout": "default",
                                                           "name": "Mẫu", "file": upload})
    assert response.status_code == 200
    assert "{{ summary }" in response.content.decode()
    assert client.get(reverse("document-file", args=[made.pk, "pdf"])).status_code == 404
    assert client.get(reverse("document-file", args=[made.pk, "exe"])).status_code == 404
    assert client.get(reverse("document-detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_documents_api_for_every_role(role, users, made):
    from rest_framework.test import APIClient

    client = APIClient()
    if role != "public":
        client.force_authenticate(users[role])
    listed = client.get("/api/v1/documents/")
    expected = 200 if READ[role] == 200 else 403
    assert listed.status_code == expected, role
    asked = client.post("/api/v1/documents/", {"round": made.round_id, "formats": ["xlsx"]},
                        format="json")
    assert asked.status_code == (202 if role in ("admin", "plan_officer") else 403), role
    if expected == 200:
        body = listed.json()["results"]
        assert body[0]["id"] in {made.pk, made.pk + 1}
        got = client.get(f"/api/v1/documents/{made.pk}/file/xlsx/")
        assert got.status_code == 200 and got["Content-Type"].endswith("spreadsheetml.sheet")
        assert client.get(f"/api/v1/documents/{made.pk}/file/pdf/").status_code == 404
