"""Writes of the documents app: request a document, make its files (the job), regenerate an
archived document, upload a template. Each checks permission and writes the audit log."""

from __future__ import annotations

import logging
import os
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stiplan.core import faults
from stiplan.core.audit import acting_user, record, snapshot
from stiplan.core.errors import Conflict
from stiplan.core.jobs import (
    STALE_MESSAGE,
    JobStopped,
    drop_busy_connections,
    end_stale,
    run_later,
    stale_cutoff,
)
from stiplan.core.permissions import require
from stiplan.documents import content as assembly
from stiplan.documents.charts import charts_of
from stiplan.documents.layouts import (
    TemplateProblem,
    active_template,
    check_template,
    layouts_of,
    shipped_template,
)
from stiplan.documents.models import (
    Document,
    DocumentKind,
    DocumentTemplate,
    Failure,
    Format,
    JobState,
)
from stiplan.documents.problems import DocumentProblem, FontProblem
from stiplan.reporting.models import Round, RoundKind

log = logging.getLogger(__name__)
OPTION_LIMITS = {"number": 20, "date": 10, "signer_authority": 100, "signer_title": 100,
                 "signer_name": 100, "recipients": 2000, "directions": 8000, "summary": 500}


def clean_options(options: dict) -> dict:
    """Known fields only, each within its length; a date must be a real date."""
    cleaned = {}
    for key, value in (options or {}).items():
        if key not in OPTION_LIMITS or value in (None, ""):
            continue
        text = assembly.plain(value) if key not in ("recipients", "directions") else "\n".join(
            assembly.lines(value))
        if len(text) > OPTION_LIMITS[key]:
            raise ValidationError(_("Trường «%(field)s» dài quá %(max)s ký tự.")
                                  % {"field": key, "max": OPTION_LIMITS[key]})
        cleaned[key] = text
    if "date" in cleaned:
        try:
            date.fromisoformat(cleaned["date"])
        except ValueError:
            raise ValidationError(_("Ngày văn bản «%(value)s» không hợp lệ (dạng YYYY-MM-DD).")
                                  % {"value": cleaned["date"]}) from None
    return cleaned


def request_document(round_: Round, *, layout: str = "default", formats=("docx", "pdf", "xlsx"),
                     options: dict | None = None, by, run_now: bool = False) -> Document:
    """Queue the making of a document for `round_`: the yearly report for an annual round,
    the answer for an ad hoc round. `run_now` makes the files before returning (CLI)."""
    require(by, "documents.generate_document", round_)
    kind = DocumentKind.ANNUAL if round_.kind == RoundKind.ANNUAL else DocumentKind.AD_HOC
    if layout not in {code for code, _label in layouts_of(kind)}:
        raise ValidationError(_("Không có mẫu trình bày «%(layout)s» cho loại văn bản này.")
                              % {"layout": layout})
    formats = [f for f in Format.values if f in set(formats)]
    if not formats:
        raise ValidationError(_("Chọn ít nhất một định dạng: docx, pdf, xlsx."))
    return _queue("documents.request_document", by=by, run_now=run_now, kind=kind, round=round_,
                  layout=layout, formats=formats, options=clean_options(options or {}),
                  template=active_template(kind, layout))


def regenerate(document: Document, *, formats=None, by, run_now: bool = False) -> Document:
    """A new document from the archived content of `document`: the same words and numbers,
    whatever changed in the data since."""
    require(by, "documents.generate_document", document.round)
    if document.content is None:
        raise Conflict(_("Văn bản #%(id)s chưa có nội dung lưu trữ để tạo lại.")
                              % {"id": document.pk})
    formats = [f for f in Format.values if f in set(formats or document.formats)]
    return _queue("documents.regenerate_document", by=by, run_now=run_now, kind=document.kind,
                  round=document.round, layout=document.layout, template=document.template,
                  formats=formats, options=document.options, content=document.content,
                  inputs=document.inputs, regenerated_from=document)


def retry(document: Document, *, by, run_now: bool = False) -> Document:
    """A failed document asked for again: regenerated from its archive when it has one, else
    requested anew with the same round, layout, formats and options (and today's template)."""
    if document.content is not None:
        return regenerate(document, by=by, run_now=run_now)
    return request_document(document.round, layout=document.layout, formats=document.formats,
                            options=document.options, by=by, run_now=run_now)


def revert_template(kind: str, layout: str, *, by) -> list[DocumentTemplate]:
    """Stop using the templates staff uploaded for `kind` and `layout`: the shipped template is
    used again (the uploaded files are kept, for the record). Returns the templates put aside."""
    require(by, "documents.revert_template")
    with transaction.atomic():
        active = list(DocumentTemplate.objects.select_for_update()
                      .filter(kind=kind, layout=layout, active=True))
        if not active:
            raise ValidationError(_("Mẫu mặc định của hệ thống đang được dùng cho loại văn bản và "
                                    "mẫu trình bày này."))
        for template in active:
            before = snapshot(template)
            template.active = False
            template.save(update_fields=["active"])
            record("documents.revert_template", template, by=by, before=before,
                   after=snapshot(template))
    return active


def _queue(action: str, *, by, run_now: bool, **fields) -> Document:
    """Create the document with its audit record, then make it now or queue it on commit."""
    with transaction.atomic():
        document = Document.objects.create(**fields, created_by=acting_user(by))
        record(action, document, by=by, after=snapshot(document))
        if not run_now:
            transaction.on_commit(lambda: enqueue(document.pk))
    return generate(document.pk) if run_now else document


def enqueue(document_id: int) -> None:
    """Hand the job to the background cluster (or run it here when jobs are synchronous)."""
    run_later("stiplan.documents.actions.generate", document_id, name=f"document-{document_id}")


def _progress(document: Document, percent: int, step: str, **fields) -> None:
    Document.objects.filter(pk=document.pk).update(progress=percent, step=step, **fields)


def generate(document_id: int) -> Document:
    """The job: assemble the content (unless archived), make every format in memory, then store
    the files and mark the document done in one step; on any failure nothing is stored."""
    document = Document.objects.select_related("round__plan", "template").get(pk=document_id)
    made: dict[str, bytes] = {}
    try:
        _progress(document, 5, "Bắt đầu / starting", state=JobState.RUNNING)
        if document.content is None:
            _progress(document, 10, "Tổng hợp nội dung / assembling the content")
            content = assembly.assemble(document.round, document.kind, document.options,
                                        layout=document.layout)
            document.content, document.inputs = content, content["inputs"]
            Document.objects.filter(pk=document.pk).update(content=content, inputs=content["inputs"])
        charts = None
        for i, fmt in enumerate(document.formats):
            _progress(document, 30 + 60 * i // len(document.formats),
                      f"Tạo tệp {fmt.upper()} / making the {fmt.upper()} file")
            if fmt in (Format.DOCX, Format.PDF) and charts is None:
                charts = charts_of(document.content)  # drawn once for both formats
            made[fmt] = _render(fmt, document, charts)
        return _store(document, made)
    except TemplateProblem as exc:
        return _failed(document, str(exc), Failure.TEMPLATE)
    except FontProblem as exc:
        return _failed(document, str(exc), Failure.FONT)
    except JobStopped as exc:
        drop_busy_connections()
        return _failed(document, str(exc), Failure.STOPPED)
    except DocumentProblem as exc:
        return _failed(document, str(exc), Failure.INTERNAL)
    except Exception as exc:  # noqa: BLE001 — a job must end with a state, never hang "running"
        if faults.kind_of(exc) == "disk":
            return _failed(document, faults.DISK_FULL, Failure.DISK)
        log.exception("document %s failed", document.pk)
        return _failed(document, _("Lỗi khi tạo văn bản / the document could not be made: %(e)s")
                       % {"e": exc.__class__.__name__}, Failure.INTERNAL)


def _store(document: Document, made: dict[str, bytes]) -> Document:
    _remove_files(document)  # what an earlier, killed attempt left
    try:
        with transaction.atomic():
            for fmt, data in made.items():
                getattr(document, fmt).save(f"{_file_stem(document)}.{fmt}", ContentFile(data),
                                            save=False)
            Document.objects.filter(pk=document.pk).update(
                state=JobState.DONE, progress=100, step="Hoàn thành / done", error="",
                finished_at=timezone.now(), **{fmt: getattr(document, fmt).name for fmt in made})
            document.refresh_from_db()
            record("documents.generate_document", document, by=document.created_by,
                   after={"formats": document.formats, "inputs": document.inputs})
    except BaseException:  # JobStopped too
        _remove_files(document)  # the database kept nothing: neither may the storage
        raise
    return document


def _remove_files(document: Document) -> None:
    """Every file in the document's folder, a part-written one too (a full disk, a killed job)."""
    field = Document._meta.get_field("docx")
    folder = os.path.dirname(field.generate_filename(document, "x"))
    try:
        _dirs, files = field.storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        field.storage.delete(f"{folder}/{name}")


def _render(fmt: str, document: Document, charts: dict | None) -> bytes:
    """One format; WeasyPrint is imported only when a job runs."""
    if fmt == Format.DOCX:
        from stiplan.documents.word import render_docx

        return render_docx(document.content, _template_of(document), charts)
    if fmt == Format.PDF:
        from stiplan.documents.pdf import render_pdf

        return render_pdf(document.content, charts)
    from stiplan.documents.workbook import render_xlsx

    return render_xlsx(document.content)


def _template_of(document: Document) -> bytes:
    """The template chosen when the document was asked for: the uploaded one then active (kept on
    the document, so a regeneration uses it too), else the shipped one."""
    if document.template_id:
        return document.template.read()
    return shipped_template(document.kind, document.layout)


def expire_stale_jobs(before: datetime | None = None, *, by=None) -> list[int]:
    """Mark failed every document job queued or running since before `before` (by default, past
    the time a job may take: no worker, a killed worker), so no page waits for ever. Run with the
    other apps' expirers by the schedule and `stiplan jobs expire-stale` (core/jobs.py); reading a
    document's page never changes it."""
    stale = Document.objects.filter(state__in=(JobState.QUEUED, JobState.RUNNING),
                                    created_at__lt=stale_cutoff(before))
    return end_stale(stale, _expire, by=by, perm="documents.generate_document")


def _expire(document: Document, by) -> None:
    was = {"state": document.state, "progress": document.progress, "step": document.step}
    _failed(document, STALE_MESSAGE, Failure.STALE)
    record("documents.expire_stale_job", document, by=by, before=was,
           after={"state": document.state, "error": document.error})


def _failed(document: Document, message: str, failure: str) -> Document:
    Document.objects.filter(pk=document.pk).update(state=JobState.FAILED, error=message,
                                                   failure=failure, step="Lỗi / failed",
                                                   finished_at=timezone.now())
    document.refresh_from_db()
    return document


def _file_stem(document: Document) -> str:
    kind = "bao-cao-nam" if document.kind == DocumentKind.ANNUAL else "bao-cao-dot-xuat"
    return f"{kind}-{document.round.year}-{document.pk}"


def upload_template(*, kind: str, layout: str, name: str, raw: bytes, by) -> DocumentTemplate:
    """Check a Word template staff changed and make it the one used for its kind and layout."""
    require(by, "documents.upload_template")
    if kind not in DocumentKind.values or layout not in {c for c, _l in layouts_of(kind)}:
        raise ValidationError(_("Loại văn bản hoặc mẫu trình bày không hợp lệ."))
    try:
        check_template(raw, kind)
    except TemplateProblem as exc:
        raise ValidationError(str(exc)) from None
    template = DocumentTemplate(kind=kind, layout=layout, name=assembly.plain(name)[:200] or layout,
                                uploaded_by=acting_user(by))
    template.file.save(f"{kind}-{layout}.docx", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            DocumentTemplate.objects.filter(kind=kind, layout=layout, active=True).update(
                active=False)
            template.save()
            record("documents.upload_template", template, by=by, after=snapshot(template))
    except Exception:
        template.file.storage.delete(template.file.name)  # nothing saved: no orphan file either
        raise
    return template
