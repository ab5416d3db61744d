"""Evidence files are accepted by their content, kept outside the web root, served to their unit."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from stiplan.reporting.actions import add_evidence

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def report(private_media, stc):
    """STC's report of the 2025 round; its evidence goes to the test's own folder."""
    return stc


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_a_pdf_is_stored_privately_and_served_to_its_unit(report, users, client):
    attachment = add_evidence(report, "bien-ban.pdf", PDF, by=users["reporter"])
    path = attachment.file.path
    assert str(settings.PRIVATE_MEDIA_ROOT) in path and "static" not in path
    client.force_login(users["reporter"])
    response = client.get(f"/reporting/evidence/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]


def test_another_units_officer_cannot_fetch_it(report, users, client, django_user_model):
    attachment = add_evidence(report, "bien-ban.pdf", PDF, by=users["reporter"])
    client.force_login(django_user_model.objects.get(username="baocao.sgddt"))
    assert client.get(f"/reporting/evidence/{attachment.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/reporting/evidence/{attachment.pk}/").status_code == 302


@pytest.mark.parametrize(("name", "raw"), [
    ("script.pdf", b"<script>alert(1)</script>"),
    ("virus.exe", b"MZ\x90\x00"),
    ("fake.docx", b"PK\x03\x04not really a zip"),
    ("page.html", b"<html></html>"),
    ("image.png", PDF),  # content and name disagree
])
def test_files_that_are_not_what_they_claim_are_refused(report, users, name, raw):
    with pytest.raises(ValidationError):
        add_evidence(report, name, raw, by=users["reporter"])
    assert report.attachments.count() == 0


def test_office_documents_are_checked_inside(report, users):
    assert add_evidence(report, "bao-cao.docx", docx(), by=users["reporter"]).content_type.endswith(
        "wordprocessingml.document")


def test_too_large_and_foreign_uploads_are_refused(report, users, django_user_model):
    with pytest.raises(ValidationError):
        add_evidence(report, "big.pdf", PDF + b"0" * settings.MAX_UPLOAD_BYTES,
                     by=users["reporter"])
    with pytest.raises(PermissionDenied):
        add_evidence(report, "x.pdf", PDF,
                     by=django_user_model.objects.get(username="baocao.sgddt"))


@pytest.mark.parametrize(("path", "says"), [("upload/", "Chưa chọn tệp để tải lên."),
                                            ("evidence/", "Chưa chọn tệp minh chứng.")])
def test_a_post_without_a_file_says_so_on_the_report_and_changes_nothing(report, users, client, path, says):
    client.force_login(users["reporter"])
    version = report.version
    response = client.post(f"/reporting/reports/{report.pk}/{path}", {}, follow=True)
    assert response.redirect_chain == [(f"/reporting/reports/{report.pk}/", 302)]
    assert says in response.content.decode()
    report.refresh_from_db()
    assert (report.version, report.attachments.count()) == (version, 0)
