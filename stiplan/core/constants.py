"""Names used in more than one place: the plan pages and commands default to, and the media
types of the office files stiplan serves and accepts."""

#: The Vĩnh Long plan (Quyết định 1925/QĐ-UBND), `plans/vinh-long-1925-2023.yaml`.
DEFAULT_PLAN = "vinh-long-1925-2023"

MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIME_PDF = "application/pdf"
