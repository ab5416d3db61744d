"""Evidence files: accepted by their content (magic bytes), not by their name; stored privately."""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from stiplan.core.audit import acting_user, record, snapshot
from stiplan.core.constants import MIME_DOCX, MIME_PDF, MIME_XLSX
from stiplan.core.permissions import require
from stiplan.reporting.models import Attachment, UnitReport

KINDS = {
    MIME_PDF: (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}
OFFICE = {
    ".docx": ("word/", MIME_DOCX),
    ".xlsx": ("xl/", MIME_XLSX),
    ".odt": ("content.xml", "application/vnd.oasis.opendocument.text"),
}


def sniff(name: str, raw: bytes) -> str:
    """The content type of an accepted evidence file, or ValidationError."""
    lower = name.lower()
    for content_type, (magic, extensions) in KINDS.items():
        if raw.startswith(magic) and lower.endswith(extensions):
            return content_type
    for extension, (marker, content_type) in OFFICE.items():
        if lower.endswith(extension) and raw.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(BytesIO(raw)) as archive:
                    if any(n.startswith(marker) for n in archive.namelist()):
                        return content_type
            except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError,
                    RuntimeError):
                break
    raise ValidationError(_("Tệp «%(name)s» không phải PDF, Word, Excel, ODT hay ảnh PNG/JPEG hợp lệ.")
                          % {"name": name[:80]})


def _editable(report: UnitReport) -> UnitReport:
    """The report locked for a change of its evidence: refused unless the round is open and the
    report is still being written (draft or returned)."""
    from stiplan.reporting.actions import Conflict, locked_report

    locked = locked_report(report)
    if not locked.editable:
        raise Conflict(_("Báo cáo đang ở trạng thái «%(state)s»: không thêm hay xóa minh chứng "
                         "được.") % {"state": locked.get_state_display()})
    return locked


def _next_version(locked: UnitReport) -> None:
    locked.version += 1
    locked.save(update_fields=["version"])


@transaction.atomic
def add_evidence(report: UnitReport, name: str, raw: bytes, *, by, action_item=None) -> Attachment:
    """Store an evidence file of an editable report; the report's version moves."""
    require(by, "reporting.edit_report", report)
    locked = _editable(report)
    if len(raw) > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(_("Tệp quá lớn (tối đa 10 MB)."))
    if action_item is not None and action_item.report_id != locked.pk:
        raise ValidationError(_("Nhiệm vụ không thuộc báo cáo này."))
    content_type = sniff(name, raw)
    digest = hashlib.sha256(raw).hexdigest()
    safe_name = "".join(ch for ch in name if ch.isalnum() or ch in " ._-()")[-120:] or "minh-chung"
    attachment = Attachment(report=locked, action_item=action_item, name=safe_name,
                            content_type=content_type, size=len(raw), sha256=digest,
                            uploaded_by=acting_user(by))
    attachment.file.save(digest[:16], ContentFile(raw), save=False)
    attachment.save()
    _next_version(locked)
    record("reporting.add_evidence", attachment, by=by, after=snapshot(attachment),
           unit=locked.unit, reason=f"version {locked.version}")
    return attachment


@transaction.atomic
def remove_evidence(attachment: Attachment, *, by) -> UnitReport:
    """Remove an evidence file of an editable report; the file goes once the change commits."""
    require(by, "reporting.edit_report", attachment.report)
    locked = _editable(attachment.report)
    stored, storage = attachment.file.name, attachment.file.storage
    _next_version(locked)
    record("reporting.remove_evidence", attachment, by=by, before=snapshot(attachment),
           after=None, unit=locked.unit, reason=f"version {locked.version}")
    attachment.delete()
    if not Attachment.objects.filter(file=stored).exists():
        transaction.on_commit(lambda: storage.delete(stored))
    return locked
