"""Evidence files: accepted by their content (magic bytes), not by their name (reporting.actions
add_evidence and remove_evidence store them privately)."""

from __future__ import annotations

import zipfile
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from stiplan.core.constants import MIME_DOCX, MIME_PDF, MIME_XLSX

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
