"""Every write of the index app: frameworks, editions and published results, entering, checking
and reviewing raw values with evidence, and the computation job."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from stiplan.analytics.index import parse_document
from stiplan.core.audit import entry, record, snapshot
from stiplan.core.jobs import (
    STALE_MESSAGE,
    JobStopped,
    drop_busy_connections,
    end_stale,
    run_after_commit,
    stale_cutoff,
)
from stiplan.core.models import AuditEntry
from stiplan.core.permissions import require
from stiplan.index import checks, compute
from stiplan.index.models import (
    Computation,
    Framework,
    IndexEdition,
    IndexValue,
    JobState,
    PublishedResult,
    ValueState,
)
from stiplan.reporting.evidence import sniff

log = logging.getLogger(__name__)


@transaction.atomic
def load_framework(code: str, document: dict, *, by) -> Framework:
    """Store (or replace) a framework after the engine accepted its tree."""
    require(by, "index.manage_edition")
    tree = parse_document(document, code)
    before = Framework.objects.filter(code=code).first()
    fw, _made = Framework.objects.update_or_create(
        code=code, defaults={"name": tree.name, "document": document})
    record("index.load_framework", fw, by=by, before=snapshot(before) if before else None,
           after={"code": code, "name": tree.name, "indicators": len(tree.indicators)})
    return fw


@transaction.atomic
def create_edition(year: int, framework: Framework, units: list[dict], home: str, *, by,
                      synthetic: bool = False) -> IndexEdition:
    require(by, "index.manage_edition")
    codes = [u["code"] for u in units]
    if home not in codes:
        raise ValidationError(_("Tỉnh «%(home)s» không có trong danh sách tỉnh của kỳ %(year)s.")
                              % {"home": home, "year": year})
    edition = IndexEdition.objects.create(year=year, framework=framework, units=units, home=home,
                                          synthetic=synthetic)
    record("index.create_edition", edition, by=by, after=snapshot(edition))
    return edition


@transaction.atomic
def set_published(edition: IndexEdition, rows: list[dict], *, by) -> int:
    """Replace the published results of an edition (rows: unit, score, rank, …)."""
    require(by, "index.manage_edition")
    known = set(edition.unit_names())
    for row in rows:
        if row["unit"] not in known:
            raise ValidationError(_("Kết quả công bố: tỉnh «%(unit)s» không thuộc kỳ %(year)s.")
                                  % {"unit": row["unit"], "year": edition.year})
    edition.published.all().delete()
    PublishedResult.objects.bulk_create(PublishedResult(edition=edition, **row) for row in rows)
    record("index.set_published", edition, by=by, after={"results": len(rows)})
    return len(rows)


@transaction.atomic
def load_values(edition: IndexEdition, rows: list[tuple[str, str, float, str]], *, by,
                   synthetic: bool = False, state: str = ValueState.REVIEWED) -> int:
    """Bulk values (the Academy's data set of every province, or a synthetic one):
    (unit, code, value, source), one audit entry each."""
    require(by, "index.manage_edition")
    fw = edition.framework.tree()
    valid = set(fw.indicators) | set(fw.denominators)
    units = set(edition.unit_names())
    made = []
    for unit, code, value, source in rows:
        if unit not in units or code not in valid:
            raise ValidationError(_("Giá trị «%(unit)s / %(code)s»: tỉnh hoặc chỉ số không thuộc kỳ "
                                    "%(year)s.") % {"unit": unit, "code": code, "year": edition.year})
        made.append(IndexValue(edition=edition, unit=unit, code=code, value=value, source=source,
                               state=state, synthetic=synthetic, entered_at=timezone.now()))
    IndexValue.objects.bulk_create(made)
    AuditEntry.objects.bulk_create(
        entry("index.load_value", v, by=by, after={"unit": v.unit, "code": v.code, "value": v.value})
        for v in made)
    record("index.load_values", edition, by=by, after={"values": len(made), "synthetic": synthetic})
    return len(made)


def last_year_value(edition: IndexEdition, unit: str, code: str) -> float | None:
    prior = IndexValue.objects.filter(edition__year=edition.year - 1, unit=unit, code=code).first()
    return prior.value if prior else None


def _check(edition: IndexEdition, unit: str, code: str, value: float | None) -> list[dict]:
    fw = edition.framework.tree()
    den_code = fw.by_code[code].denominator if code in fw.by_code else None
    den = IndexValue.objects.filter(edition=edition, unit=unit, code=den_code).first() if den_code else None
    return checks.warnings(fw, code, value, last_year_value(edition, unit, code),
                           den.value if den else None)


@transaction.atomic
def save_value(edition: IndexEdition, code: str, *, value: float | None, source: str = "",
                  explanation: str = "", evidence: tuple[str, bytes] | None = None,
                  by) -> IndexValue:
    """Enter (or correct) a raw value of the Department's own province, with its evidence file.
    A change puts the value back to draft; the checks' warnings are stored with it."""
    require(by, "index.enter_value", edition)
    fw = edition.framework.tree()
    if code not in fw.by_code and code not in fw.denominators:
        raise ValidationError(_("Chỉ số «%(code)s» không có trong khung %(fw)s.")
                              % {"code": code, "fw": edition.framework.code})
    if problems := checks.errors(fw, code, value):
        raise ValidationError(problems)
    unit = edition.home
    current = IndexValue.objects.select_for_update().filter(edition=edition, unit=unit,
                                                            code=code).first()
    before = snapshot(current)
    item = current or IndexValue(edition=edition, unit=unit, code=code)
    item.value, item.source, item.explanation = value, source.strip()[:300], explanation.strip()
    item.state, item.reviewed_by, item.reviewed_at = ValueState.DRAFT, None, None
    item.entered_by, item.entered_at, item.synthetic = by, timezone.now(), False
    item.warnings = _check(edition, unit, code, value)
    if evidence is not None:
        name, raw = evidence
        if len(raw) > settings.MAX_UPLOAD_BYTES:
            raise ValidationError(_("Tệp quá lớn (tối đa 10 MB)."))
        item.evidence_type = sniff(name, raw)
        item.evidence_sha256 = hashlib.sha256(raw).hexdigest()
        safe = "".join(ch for ch in name if ch.isalnum() or ch in " ._-()")[-120:]
        item.evidence_name = safe or "minh-chung"
        item.evidence.save(item.evidence_sha256[:16], ContentFile(raw), save=False)
    item.save()
    record("index.save_value", item, by=by, before=before, after=snapshot(item))
    return item


@transaction.atomic
def mark_checked(item: IndexValue, *, by) -> IndexValue:
    """The officer who entered the value sends it to review; warnings need an explanation."""
    require(by, "index.enter_value", item.edition)
    item = IndexValue.objects.select_for_update().get(pk=item.pk)
    if item.state != ValueState.DRAFT:
        raise ValidationError(_("%(code)s: chỉ gửi thẩm định được giá trị đang là bản nháp.")
                              % {"code": item.code})
    if item.value is None:
        raise ValidationError(_("%(code)s: chưa có giá trị.") % {"code": item.code})
    if item.warnings and not item.explanation:
        raise ValidationError(_("%(code)s: có cảnh báo, cần giải trình trước khi gửi thẩm định.")
                              % {"code": item.code})
    before = snapshot(item)
    item.state = ValueState.CHECKED
    item.save(update_fields=["state"])
    record("index.check_value", item, by=by, before=before, after=snapshot(item))
    return item


@transaction.atomic
def review_value(item: IndexValue, *, approve: bool, by, reason: str = "") -> IndexValue:
    """A second officer accepts the value (reviewed) or returns it to draft with a reason."""
    require(by, "index.review_value", item.edition)
    item = IndexValue.objects.select_for_update().get(pk=item.pk)
    if by is not None and item.entered_by_id == by.pk:
        raise PermissionDenied(_("%(code)s: người thẩm định phải khác người nhập số liệu.")
                               % {"code": item.code})
    if item.state != ValueState.CHECKED:
        raise ValidationError(_("%(code)s: chỉ thẩm định được giá trị đã kiểm tra.")
                              % {"code": item.code})
    if not approve and not reason.strip():
        raise ValidationError(_("%(code)s: trả lại cần ghi lý do.") % {"code": item.code})
    before = snapshot(item)
    item.state = ValueState.REVIEWED if approve else ValueState.DRAFT
    item.reviewed_by, item.reviewed_at = (by, timezone.now()) if approve else (None, None)
    item.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    record("index.review_value" if approve else "index.return_value", item, by=by, before=before,
           after=snapshot(item), reason=reason.strip())
    return item


@transaction.atomic
def request_computation(edition: IndexEdition, *, by) -> Computation:
    """Queue the computation of an edition's results from the values stored now."""
    require(by, "index.compute", edition)
    job = Computation.objects.create(edition=edition, requested_by=by if by else None)
    record("index.request_computation", job, by=by, after=snapshot(job))
    run_after_commit("stiplan.index.actions.run_computation", job.pk, name=f"index-{edition.year}")
    return job


def run_computation(job_id: int) -> None:
    """The job: results and rank intervals of every province, stored in one step. A job runs
    once (a queue's second delivery, or a job failed as stale, is left as it is) and always
    ends done or failed, with the reason."""
    job = _start(job_id)
    if job is None:
        return
    edition = job.edition
    try:
        fw = edition.framework.tree()
        units = [u["code"] for u in edition.units]
        rows = IndexValue.objects.filter(edition=edition).values_list("unit", "code", "value")
        data = compute.unit_data(fw, units, rows)
        results = compute.results(fw, data)
        results["interval"] = compute.rank_interval(fw, data)
    except JobStopped as exc:
        drop_busy_connections()
        _finish(job, JobState.FAILED, {}, str(exc))
        return
    except (ValueError, ArithmeticError) as exc:
        _finish(job, JobState.FAILED, {}, str(exc))
        return
    except Exception as exc:  # noqa: BLE001 — a job must end with a state, never hang "running"
        log.exception("index computation %s failed", job.pk)
        _finish(job, JobState.FAILED, {}, f"lỗi khi tính chỉ số / the index could not be "
                                          f"computed: {exc.__class__.__name__}")
        return
    _finish(job, JobState.DONE, results, "")


@transaction.atomic
def _start(job_id: int) -> Computation | None:
    """Mark a queued job running (committed: the stale-job expirer counts from now); None when
    it is not queued."""
    job = (Computation.objects.select_for_update(of=("self",)).select_related("edition__framework")
           .filter(pk=job_id, state=JobState.QUEUED).first())
    if job is None:
        return None
    job.state, job.started_at = JobState.RUNNING, timezone.now()
    job.save(update_fields=["state", "started_at"])
    return job


@transaction.atomic
def _finish(job: Computation, state: str, results: dict, error: str) -> None:
    if not Computation.objects.select_for_update().filter(pk=job.pk, state=JobState.RUNNING).exists():
        return  # failed as stale meanwhile: it stays so
    job.state, job.results, job.error, job.finished_at = state, results, error, timezone.now()
    job.save(update_fields=["state", "results", "error", "finished_at"])
    record("index.finish_computation", job, by=None, after={"state": state, "error": error})


def expire_stale_computations(before: dt.datetime | None = None, *, by=None) -> list[int]:
    """Fail every computation queued since before `before` or running since then (by default,
    past the time a job may take: no worker, or a killed one), each with an audit entry; the
    profile keeps showing the newest done one. Registered with the stale-job expirers
    (core/jobs.py) by IndexConfig.ready."""
    stale = (Computation.objects.alias(since=Coalesce("started_at", "requested_at"))
             .filter(state__in=(JobState.QUEUED, JobState.RUNNING), since__lt=stale_cutoff(before)))
    return end_stale(stale, _expire, by=by, perm="index.compute")


def _expire(job: Computation, by) -> None:
    was = {"state": job.state}
    job.state, job.error, job.finished_at = JobState.FAILED, STALE_MESSAGE, timezone.now()
    job.save(update_fields=["state", "error", "finished_at"])
    record("index.expire_stale_computation", job, by=by, before=was,
           after={"state": job.state, "error": job.error})
