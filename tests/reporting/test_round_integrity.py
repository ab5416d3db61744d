"""No silent loss in a round: a closed round refuses every write (actions, pages, Excel, API),
reopening needs a reason, a round with reports cannot be deleted, evidence changes only while the
report is editable and moves its version, and sync_round locks what it changes."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from stiplan.core.models import AuditEntry
from stiplan.reporting import actions as act
from stiplan.reporting.actions import add_evidence, remove_evidence
from stiplan.reporting.excel import apply_upload, build_template
from stiplan.reporting.models import Attachment, Round, UnitReport

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CLOSED = "đã đóng"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def fill(report):
    act.save_items(report, by=None, actions={i.action.code: {"status": "in_progress"}
                                             for i in report.action_items.select_related("action")},
                   indicators={i.indicator.code: {"value": "1"}
                               for i in report.indicator_items.select_related("indicator")})


def version(report) -> int:
    return UnitReport.objects.get(pk=report.pk).version


@pytest.fixture
def closed(round_2025, stc, users):
    """The 2025 round, closed while STC's report is a draft holding one evidence file and its
    template has been downloaded; SGDDT's report is submitted."""
    attachment = add_evidence(stc, "bien-ban.pdf", PDF, by=users["reporter"])
    stc.refresh_from_db()
    template = build_template(stc)
    sgddt = round_2025.reports.get(unit__code="VL25.SGDDT")
    fill(sgddt)
    act.submit_report(sgddt, by=None)
    act.close_round(round_2025, by=users["plan_officer"])
    return {"round": round_2025, "draft": stc, "submitted": sgddt, "attachment": attachment,
            "template": template}


WRITES = {
    "save": lambda c, u: act.save_items(c["draft"], by=u["reporter"],
                                        indicators={"tasks_proposed": {"value": "3"}}),
    "submit": lambda c, u: act.submit_report(c["draft"], by=u["reporter"]),
    "return": lambda c, u: act.return_report(c["submitted"], by=u["reviewer"],
                                             comments={"report": "Bổ sung"}),
    "accept": lambda c, u: act.accept_report(c["submitted"], by=u["reviewer"]),
    "add evidence": lambda c, u: add_evidence(c["draft"], "x.pdf", PDF, by=u["reporter"]),
    "remove evidence": lambda c, u: remove_evidence(c["attachment"], by=u["reporter"]),
    "excel": lambda c, u: apply_upload(c["draft"], c["template"], by=u["reporter"]),
    "sync": lambda c, u: act.sync_round(c["round"], date(2025, 11, 15), by=u["plan_officer"]),
}


@pytest.mark.parametrize("write", WRITES)
def test_a_closed_round_refuses_every_write(closed, users, write):
    before = {r.pk: (r.state, r.version) for r in closed["round"].reports.all()}
    evidence = Attachment.objects.count()
    with pytest.raises(act.RoundClosed) as err:
        WRITES[write](closed, users)
    assert CLOSED in str(err.value)
    assert {r.pk: (r.state, r.version) for r in closed["round"].reports.all()} == before
    assert Attachment.objects.count() == evidence


def test_the_pages_refuse_saves_evidence_and_excel_in_a_closed_round(closed, login):
    client = login("baocao.stc")
    draft = closed["draft"]
    url = f"/reporting/reports/{draft.pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="round-closed"' in page and 'name="verb" value="submit"' not in page
    for verb in ("save", "submit"):
        response = client.post(url, {"verb": verb, "version": draft.version,
                                     "i:tasks_proposed:value": "3"})
        assert response.status_code == 409
        assert any(CLOSED in str(m) for m in get_messages(response.wsgi_request))
    response = client.post(f"{url}evidence/", {"file": _file("y.pdf", PDF)})
    assert any(CLOSED in str(m) for m in get_messages(response.wsgi_request))
    response = client.post(f"{url}upload/", {"file": _file("r.xlsx", closed["template"])})
    assert any(CLOSED in str(m) for m in get_messages(response.wsgi_request))
    assert version(draft) == draft.version and draft.attachments.count() == 1


def test_the_api_refuses_saves_submission_and_excel_in_a_closed_round(closed, users):
    api = APIClient()
    api.force_authenticate(users["reporter"])
    base = f"/api/v1/reports/{closed['draft'].pk}"
    answers = [api.post(f"{base}/save/", {"indicators": {"tasks_proposed": {"value": "3"}}},
                        format="json"),
               api.post(f"{base}/submit/", {}, format="json"),
               api.post(f"{base}/upload/", {"file": _file("r.xlsx", closed["template"])},
                        format="multipart")]
    assert [a.status_code for a in answers] == [409, 409, 409]
    assert all(CLOSED in a.json()["detail"] for a in answers)
    assert version(closed["draft"]) == closed["draft"].version


def _file(name, raw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, raw)


def test_reopening_needs_a_reason_and_is_audited(closed, users):
    round_ = closed["round"]
    with pytest.raises(ValidationError):
        act.reopen_round(round_, reason="  ", by=users["plan_officer"])
    act.reopen_round(round_, reason="Đơn vị xin bổ sung số liệu", by=users["plan_officer"])
    entry = AuditEntry.objects.filter(action="reporting.reopen_round").get()
    assert (entry.before["status"], entry.after["status"]) == ("closed", "open")
    assert entry.reason == "Đơn vị xin bổ sung số liệu" and entry.actor == users["plan_officer"]
    assert AuditEntry.objects.filter(action="reporting.close_round", object_id=str(round_.pk)).exists()
    assert act.save_items(closed["draft"], by=users["reporter"],
                          indicators={"tasks_proposed": {"value": "3"}}) == 1


def test_only_the_plan_officer_closes_and_archive_follows_closing(round_2025, users):
    with pytest.raises(act.Conflict):
        act.archive_round(round_2025, by=users["plan_officer"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        act.close_round(round_2025, by=users["reporter"])
    act.close_round(round_2025, by=users["plan_officer"])
    assert act.archive_round(round_2025, by=users["plan_officer"]).status == "archived"


def test_the_round_page_closes_and_reopens(round_2025, login):
    client = login("kehoach")
    url = f"/reporting/rounds/{round_2025.pk}/"
    client.post(url, {"verb": "close"})
    assert Round.objects.get(pk=round_2025.pk).status == "closed"
    response = client.post(url, {"verb": "reopen", "reason": ""})
    assert Round.objects.get(pk=round_2025.pk).status == "closed"
    assert any("lý do" in str(m) for m in get_messages(response.wsgi_request))
    client.post(url, {"verb": "reopen", "reason": "Bổ sung"})
    assert Round.objects.get(pk=round_2025.pk).status == "open"


def test_a_round_with_reports_cannot_be_deleted(round_2025, login):
    reports = round_2025.reports.count()
    with pytest.raises(ProtectedError):
        round_2025.delete()
    client = login("quantri")
    url = f"/admin/reporting/round/{round_2025.pk}/delete/"
    page = client.get(url)
    assert page.status_code == 200 and page.context["protected"]
    client.post(url, {"post": "yes"})
    changelist = "/admin/reporting/round/"
    client.post(changelist, {"action": "delete_selected", "_selected_action": [round_2025.pk],
                             "post": "yes"})
    assert Round.objects.filter(pk=round_2025.pk).exists()
    assert round_2025.reports.count() == reports


def test_evidence_changes_only_while_editable_and_moves_the_version(
        stc, users, django_capture_on_commit_callbacks):
    start = version(stc)
    with django_capture_on_commit_callbacks(execute=True):
        attachment = add_evidence(stc, "bien-ban.pdf", PDF, by=users["reporter"])
    assert version(stc) == start + 1
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        remove_evidence(attachment, by=users["reporter"])
    assert version(stc) == start + 2 and not Attachment.objects.filter(pk=attachment.pk).exists()
    import os

    assert not os.path.exists(path)
    assert AuditEntry.objects.filter(action="reporting.remove_evidence",
                                     before__name="bien-ban.pdf").exists()
    kept = add_evidence(stc, "giu-lai.pdf", PDF, by=users["reporter"])
    fill(stc)
    act.submit_report(stc, by=None)
    submitted = version(stc)
    for attempt in (lambda: add_evidence(stc, "muon.pdf", PDF, by=users["reporter"]),
                    lambda: remove_evidence(kept, by=users["reporter"])):
        with pytest.raises(act.Conflict):
            attempt()
    assert version(stc) == submitted and stc.attachments.count() == 1


@pytest.mark.skipif(not connection.features.has_select_for_update,
                    reason="SQLite locks the whole database; rows are locked on PostgreSQL")
def test_sync_round_locks_the_round_and_its_reports(round_2025, users):
    with CaptureQueriesContext(connection) as queries:
        act.sync_round(round_2025, date(2025, 11, 15), by=users["plan_officer"])
    locked = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert any('FROM "reporting_round"' in sql for sql in locked)
    assert any('FROM "reporting_unitreport"' in sql for sql in locked)
