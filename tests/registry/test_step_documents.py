"""The proposal form's regime override (a reason required, and audited) and each step's document
file: accepted only in the formats of Circular 05/2021/TT-BKHCN, a refusal said at the file field
with nothing saved."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from stiplan.core.models import AuditEntry
from stiplan.registry.models import Task, TaskStep
from tests.registry.test_pages import PROPOSE, detail, error_of, proposal_form


def test_the_regime_is_overridden_only_with_a_reason_which_is_audited(login, host):
    client = login("kehoach")
    before = (Task.objects.count(), AuditEntry.objects.count())
    refused = client.post(PROPOSE, proposal_form(regime="tt2014"))
    assert (Task.objects.count(), AuditEntry.objects.count()) == before
    assert "cần ghi lý do" in error_of(refused, "regime_reason")

    reason = "Tiếp nối nhiệm vụ phê duyệt năm 2024 (Công văn 15/SKHCN)"
    client.post(PROPOSE, proposal_form(regime="tt2014", regime_reason=reason))
    task = Task.objects.get(code="NV-FORM-1")
    assert (task.regime, task.regime_reason) == ("tt2014", reason)
    entry = AuditEntry.objects.get(action="registry.propose_task", object_id=str(task.pk))
    assert reason in str(entry.after)


def test_a_step_keeps_its_document_in_an_accepted_format(login, propose):
    task = propose()
    client = login("kehoach")
    minutes = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.7\n%...\n", "application/pdf")
    response = client.post(detail(task), {"step": "identify", "decision_number": "3/BB-HĐ",
                                          "decision_date": "02/02/2024", "document": minutes})
    assert response.status_code == 302
    step = TaskStep.objects.get(task=task, step="identify")
    assert step.document.name.endswith(".pdf") and step.document.read().startswith(b"%PDF-1.7")


def test_a_document_in_a_refused_format_is_named_at_its_field_and_nothing_is_saved(login, propose):
    task = propose()
    client = login("kehoach")
    before = (TaskStep.objects.count(), AuditEntry.objects.count())
    for name, body, says in [("bien-ban.exe", b"MZ", "«exe»"),
                             ("bien-ban.pdf", b"%PDF-1.3\n", "1.4"),
                             ("bien-ban", b"text", "«?»")]:
        response = client.post(detail(task), {"step": "identify",
                                              "document": SimpleUploadedFile(name, body)})
        assert response.status_code == 200
        error = " ".join(response.context["form"].errors["document"])
        assert name in error and says in error and "docx" in error
    assert (TaskStep.objects.count(), AuditEntry.objects.count()) == before
    task.refresh_from_db()
    assert task.state == "proposed"
