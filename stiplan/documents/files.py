"""A finished document's stored files as downloads, shared by the pages and the API."""

from __future__ import annotations

import logging

from django.http import FileResponse, Http404

from stiplan.core.constants import MIME_DOCX, MIME_PDF, MIME_XLSX
from stiplan.documents.models import Document, Format, JobState

log = logging.getLogger(__name__)
CONTENT_TYPES = {
    Format.DOCX: MIME_DOCX,
    Format.PDF: MIME_PDF,
    Format.XLSX: MIME_XLSX,
}


def file_response(document: Document, fmt: str) -> FileResponse:
    """A finished document's file, or 404 (unknown format, job not done, file gone)."""
    stored = document.file_of(fmt) if document.state == JobState.DONE else None
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except OSError:
        log.error("document %s: stored file %s is missing", document.pk, stored.name)
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, content_type=CONTENT_TYPES[fmt],
                        filename=stored.name.rsplit("/", 1)[-1])
