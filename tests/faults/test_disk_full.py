"""A full disk, on a real small filesystem (a 2–4 MB tmpfs mounted as the private file folder):
an evidence upload and a document each fail with a plain message in both languages, store no
row and no file, part-written ones included, and leave what was there before intact."""

from __future__ import annotations

import hashlib
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stiplan.core.models import AuditEntry
from stiplan.reporting.actions import open_round
from stiplan.reporting.models import Attachment

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def small_disk(tmp_path, settings, request):
    """A tmpfs of the size the test gives (indirect parameter), as PRIVATE_MEDIA_ROOT."""
    size = request.param
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                           str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"a full disk is tested on a small tmpfs, and mounting one is not permitted "
                    f"here (needs root): {done.stderr.strip()}")
    settings.PRIVATE_MEDIA_ROOT = mount
    settings.STIPLAN_JOBS_SYNC = True
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def files_under(root: Path) -> dict[str, str]:
    """Every file (hidden ones too) by its path under root, with its SHA-256."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


def fill(root: Path, leave: int) -> Path:
    """A file taking all the free space of root's filesystem but `leave` bytes."""
    stat = os.statvfs(root)
    filler = root / "filler.bin"
    filler.write_bytes(b"\0" * max(stat.f_bavail * stat.f_frsize - leave, 0))
    return filler


def pdf(n: int, size: int = 300_000) -> bytes:
    body = hashlib.sha256(str(n).encode()).digest() * (size // 32)
    return b"%PDF-1.4\n" + body + b"\n%%EOF\n"


@pytest.mark.parametrize("small_disk", ["2m"], indirect=True)
def test_an_evidence_upload_on_a_full_disk_is_refused_plainly_and_keeps_the_rest(
        small_disk, plan, client, django_user_model):
    round_ = open_round(plan, kind="annual", year=2025, deadline=date(2025, 12, 10),
                        opened_on=date(2025, 11, 1), by=None)
    report = round_.reports.get(unit__code="VL25.STC")
    client.force_login(django_user_model.objects.get(username="baocao.stc"))
    url = f"/reporting/reports/{report.pk}/evidence/"

    stored = {}
    for n in range(20):
        raw = pdf(n)
        response = client.post(url, {"file": SimpleUploadedFile(f"bien-ban-{n}.pdf", raw)})
        if response.status_code != 302:
            break
        stored[hashlib.sha256(raw).hexdigest()] = raw
    else:
        pytest.fail("the 2 MB disk never filled up")
    body = response.content.decode()
    assert response.status_code == 507, body[:2000]
    assert "hết chỗ" in body and "disk is full" in body and "Traceback" not in body
    assert 2 <= len(stored) < 20

    attachments = list(Attachment.objects.filter(report=report))
    assert {a.sha256 for a in attachments} == set(stored)  # no row for the refused file
    assert AuditEntry.objects.filter(action="reporting.add_evidence").count() == len(stored)
    on_disk = files_under(small_disk)
    assert sorted(on_disk) == sorted(a.file.name for a in attachments)  # no part-written file
    assert sorted(on_disk.values()) == sorted(stored)  # the earlier files, byte for byte
    for attachment in attachments:
        download = client.get(f"/reporting/evidence/{attachment.pk}/")
        assert b"".join(download.streaming_content) == stored[attachment.sha256]


@pytest.mark.parametrize("small_disk", ["4m"], indirect=True)
def test_a_document_on_a_full_disk_fails_plainly_stores_nothing_and_runs_again(
        small_disk, users, demo_rounds_snapshot):
    from stiplan.documents import actions as act
    from stiplan.reporting.models import Round

    demo_rounds_snapshot.restore()  # the demo rounds and series, their files on the small disk
    round_ = Round.objects.get(year=2025, kind="annual")
    officer = users["plan_officer"]
    first = act.request_document(round_, by=officer, formats=["docx", "pdf", "xlsx"],
                                 run_now=True)
    first.refresh_from_db()
    assert first.state == "done"
    before = files_under(small_disk)

    filler = fill(small_disk, leave=20_000)
    second = act.request_document(round_, by=officer, formats=["docx", "pdf", "xlsx"],
                                 run_now=True)
    second.refresh_from_db()
    assert second.state == "failed"
    assert "hết chỗ" in second.error and "disk is full" in second.error
    assert (second.docx.name, second.pdf.name, second.xlsx.name) == ("", "", "")
    assert not AuditEntry.objects.filter(action="documents.generate_document",
                                         object_id=str(second.pk)).exists()
    filler.unlink()
    assert files_under(small_disk) == before  # nothing of the failed job, the first one intact

    again = act.regenerate(second, by=officer, run_now=True)  # room again: the same content
    again.refresh_from_db()
    assert again.state == "done" and again.content == second.content
    for field in (again.docx, again.pdf, again.xlsx):
        assert (small_disk / field.name).stat().st_size > 0
