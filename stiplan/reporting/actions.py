"""Every write of the reporting round: open, sync, close, archive, reopen; save items, submit,
return, accept, unlock; add and remove evidence; note a reminder as sent; load the plan's
reporting set-up (parsed by reporting/config.py).

Each runs in one transaction, checks permission, locks the rows it changes (exactly one of two
concurrent transitions wins; the other gets `Conflict`) and writes the audit log. A round that is
not open refuses every write to its reports (`RoundClosed`).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stiplan.analytics import periods
from stiplan.core.audit import acting_user, record, snapshot
from stiplan.core.audit import entry as audit_entry
from stiplan.core.bulk import update_rows
from stiplan.core.errors import Conflict, NotReady
from stiplan.core.models import AuditEntry
from stiplan.core.permissions import require
from stiplan.core.yamlio import InputError
from stiplan.orgs.lineage import load_lineage
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import Plan
from stiplan.reporting import inputs
from stiplan.reporting.evidence import sniff
from stiplan.reporting.models import (
    EDITABLE_STATES,
    IN_REVIEW_STATES,
    ActionItem,
    Attachment,
    IndicatorItem,
    QuestionItem,
    Reminder,
    ReportState,
    Round,
    RoundKind,
    RoundStatus,
    UnitReport,
)
from stiplan.reporting.scope import UnitScope, round_scope
from stiplan.reporting.signals import report_values_changed
from stiplan.reporting.validation import check_report

ACTION_FIELDS = ("status", "done", "results", "difficulties", "proposals")
INDICATOR_FIELDS = ("value", "source", "note", "explanation")
QUESTION_FIELDS = ("answer",)


class RoundClosed(Conflict):
    """The round is closed or archived: nothing in it can be written until it is reopened."""


def refuse_if_closed(round_: Round) -> None:
    if round_.status != RoundStatus.OPEN:
        raise RoundClosed(_("Kỳ báo cáo «%(title)s» đã đóng (%(status)s): không nhận thay đổi nào. "
                            "Liên hệ Sở Khoa học và Công nghệ nếu cần mở lại.")
                          % {"title": round_.title, "status": round_.get_status_display()})


# --- Rounds ------------------------------------------------------------------------------------

def round_period(kind: str, year: int, opened_on: date, period: str = "") -> str:
    """The period a round's values belong to: the year for an annual round; for an ad hoc round
    its own period (given, or the opening day), never a whole year."""
    if kind == RoundKind.ANNUAL:
        if period and period != periods.yearly(year):
            raise ValidationError(_("Báo cáo hằng năm ghi số liệu của năm %(year)s; không chọn kỳ "
                                    "khác.") % {"year": year})
        return periods.yearly(year)
    period = (period or "").strip().upper() or periods.day(opened_on)
    try:
        kind_of = periods.period_type(period)
    except ValueError:
        raise ValidationError(_("Mã kỳ «%(code)s» không hợp lệ (ví dụ: 2026S1, 2026Q2, 202606, "
                                "20260601).") % {"code": period[:20]}) from None
    if kind_of == periods.YEARLY:
        raise ValidationError(_("Báo cáo đột xuất không ghi số liệu cho cả năm; chọn kỳ riêng "
                                "(ví dụ 2026S1 cho 6 tháng đầu năm)."))
    return period


@transaction.atomic
def open_round(plan: Plan, *, kind: str, year: int, deadline: date, by, title: str = "",
               opened_on: date | None = None, scope: dict | None = None, period: str = "",
               remind_before=(7, 1), remind_after=(1, 5, 10)) -> Round:
    """Open a round and send one request to each unit responsible on the opening day."""
    require(by, "reporting.open_round", plan)
    opened_on = opened_on or timezone.localdate()
    period = round_period(kind, year, opened_on, period)
    if deadline < opened_on:
        raise ValidationError(_("Hạn nộp phải sau ngày mở kỳ báo cáo."))
    if kind == RoundKind.ANNUAL and plan.rounds.filter(kind=kind, year=year).exists():
        raise ValidationError(_("Kỳ báo cáo năm %(year)s đã được mở.") % {"year": year})
    if not title:
        title = (_("Báo cáo năm %(year)s thực hiện Kế hoạch %(number)s") if kind == RoundKind.ANNUAL
                 else _("Báo cáo đột xuất năm %(year)s về Kế hoạch %(number)s")) % {
            "year": year, "number": plan.number}
    round_ = Round.objects.create(
        plan=plan, kind=kind, year=year, period=period, title=title, opened_on=opened_on,
        deadline=deadline, scope=scope or {}, remind_before=list(remind_before),
        remind_after=list(remind_after))
    _create_reports(round_, list(round_scope(plan, opened_on, scope, year).values()))
    record("reporting.open_round", round_, by=by, after={
        **snapshot(round_), "reports": round_.reports.count()}, unit=plan.issuing_unit)
    return round_


def _create_reports(round_: Round, scopes: list[UnitScope],
                    inherited_from: OrgUnit | None = None) -> list[UnitReport]:
    """One request per unit scope, with its items: four INSERTs for the whole round, where a
    report at a time took four each (a round asks some 50 units, 124 communes after 2025)."""
    reports = UnitReport.objects.bulk_create(
        UnitReport(round=round_, unit=s.unit, inherited_from=inherited_from) for s in scopes)
    pairs = list(zip(reports, scopes, strict=True))
    ActionItem.objects.bulk_create(
        ActionItem(report=report, action_id=action_id, role=role)
        for report, s in pairs for action_id, role in s.actions.items())
    IndicatorItem.objects.bulk_create(
        IndicatorItem(report=report, indicator_id=ind_id, min_value=rule.min_value,
                      max_value=rule.max_value)
        for report, s in pairs for ind_id, rule in s.indicators.items())
    questions = round_.scope.get("questions", [])
    QuestionItem.objects.bulk_create(
        QuestionItem(report=report, code=q["code"], question=q["text"])
        for report in reports for q in questions)
    return reports


@transaction.atomic
def sync_round(round_: Round, day: date, *, by) -> list[str]:
    """Follow reorganisations during an open round (đơn vị sáp nhập, thành lập trong kỳ).

    A request to a unit that ended and had not submitted passes to its successors, with what it
    had written; a unit newly responsible gets its own request. Returns what was done.
    """
    require(by, "reporting.open_round", round_.plan)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    refuse_if_closed(round_)
    done: list[str] = []
    lineage = load_lineage()
    scopes = round_scope(round_.plan, day, round_.scope, round_.year)
    reports = {r.unit_id: r for r in round_.reports.select_for_update().select_related("unit")}
    for report in list(reports.values()):
        if report.unit.valid_on(day) or report.state not in EDITABLE_STATES:
            continue
        for code in lineage.successors(report.unit.code, day):
            heir = OrgUnit.objects.get(code=code)
            target = reports.get(heir.pk)
            if target is None:
                [target] = _create_reports(round_, [scopes.get(heir.pk) or UnitScope(heir)],
                                           inherited_from=report.unit)
                reports[heir.pk] = target
            _carry_items(report, target)
            done.append(f"{report.unit.code} → {heir.code}")
        before = snapshot(report)
        report.state = ReportState.TRANSFERRED
        report.save(update_fields=["state"])
        record("reporting.transfer_request", report, by=by, before=before, after=snapshot(report),
               unit=report.unit)
    for unit_id, s in scopes.items():
        if unit_id not in reports:
            [reports[unit_id]] = _create_reports(round_, [s])
            done.append(f"+ {s.unit.code}")
            record("reporting.add_request", reports[unit_id], by=by,
                   after=snapshot(reports[unit_id]), unit=s.unit)
    return done


def _set_round_status(round_: Round, to: str, *, by, action: str, allowed: tuple[str, ...],
                      reason: str = "") -> Round:
    require(by, "reporting.open_round", round_.plan)
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.status not in allowed:
        raise Conflict(_("Kỳ báo cáo đang ở trạng thái «%(status)s».")
                       % {"status": locked.get_status_display()})
    before = snapshot(locked)
    locked.status = to
    locked.save(update_fields=["status"])
    record(action, locked, by=by, before=before, after=snapshot(locked),
           unit=locked.plan.issuing_unit, reason=reason)
    return locked


@transaction.atomic
def close_round(round_: Round, *, by, reason: str = "") -> Round:
    """Close a round: its reports take no more saves, evidence or workflow steps."""
    return _set_round_status(round_, RoundStatus.CLOSED, by=by, action="reporting.close_round",
                             allowed=(RoundStatus.OPEN,), reason=(reason or "").strip())


@transaction.atomic
def archive_round(round_: Round, *, by, reason: str = "") -> Round:
    """Archive a closed round (kept whole, read only; it cannot be deleted once it has reports)."""
    return _set_round_status(round_, RoundStatus.ARCHIVED, by=by,
                             action="reporting.archive_round", allowed=(RoundStatus.CLOSED,),
                             reason=(reason or "").strip())


@transaction.atomic
def reopen_round(round_: Round, *, reason: str, by) -> Round:
    """Reopen a closed or archived round; the reason is required and audited."""
    if not (reason or "").strip():
        raise ValidationError(_("Cần nêu lý do mở lại kỳ báo cáo."))
    return _set_round_status(round_, RoundStatus.OPEN, by=by, action="reporting.reopen_round",
                             allowed=(RoundStatus.CLOSED, RoundStatus.ARCHIVED),
                             reason=reason.strip())


def _carry_items(source: UnitReport, target: UnitReport) -> None:
    """Copy what `source` wrote into `target`, item by item, without overwriting answers."""
    existing = {i.action_id: i for i in target.action_items.all()}
    for item in source.action_items.all():
        mine = existing.get(item.action_id)
        if mine is None:
            ActionItem.objects.create(report=target, action_id=item.action_id, role=item.role,
                                      **{f: getattr(item, f) for f in ACTION_FIELDS})
        elif not mine.status and item.status:
            for f in ACTION_FIELDS:
                setattr(mine, f, getattr(item, f))
            mine.save()
    mine_values = {i.indicator_id: i for i in target.indicator_items.all()}
    for item in source.indicator_items.all():
        mine = mine_values.get(item.indicator_id)
        if mine is None:
            IndicatorItem.objects.create(
                report=target, indicator_id=item.indicator_id, min_value=item.min_value,
                max_value=item.max_value, **{f: getattr(item, f) for f in INDICATOR_FIELDS})
        elif mine.value is None and not mine.note and (item.value is not None or item.note):
            for f in INDICATOR_FIELDS:
                setattr(mine, f, getattr(item, f))
            mine.save()


# --- Writing a report ----------------------------------------------------------------------------

def locked_report(report: UnitReport, expected_version: int | None = None) -> UnitReport:
    """The report row locked for a write (with its round: a closed round refuses), at the
    version the user saw."""
    locked = UnitReport.objects.select_for_update().select_related("round", "unit").get(pk=report.pk)
    refuse_if_closed(locked.round)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(_("Báo cáo đã được thay đổi (phiên bản %(now)s, bạn đang xem phiên bản "
                         "%(seen)s). Tải lại trang; nội dung bạn nhập vẫn được giữ trên màn hình.")
                       % {"now": locked.version, "seen": expected_version})
    return locked


def _changed(obj, values: dict, fields: tuple[str, ...]) -> dict:
    changes = {}
    for f in fields:
        if f not in values:
            continue
        new, old = values[f], getattr(obj, f)
        if isinstance(old, Decimal) or isinstance(new, Decimal):
            same = (old is None and new is None) or (
                old is not None and new is not None and Decimal(old) == Decimal(new))
        else:
            same = (old or "") == (new or "")
        if not same:
            changes[f] = (old, new)
    return changes


@transaction.atomic
def save_items(report: UnitReport, *, by, actions: dict | None = None,
               indicators: dict | None = None, questions: dict | None = None,
               expected_version: int | None = None, source: str = "web") -> int:
    """Save the unit's answers: {action code: {field: value}}, {indicator code: …}, {question
    code: …}. Every value is read by reporting.inputs (the one definition of what may be
    written); any problem refuses the whole save with InputError naming each item and field.
    Returns how many items changed; the report's version grows by one if any did."""
    require(by, "reporting.edit_report", report)
    locked = locked_report(report, expected_version)
    if locked.state not in EDITABLE_STATES:
        raise Conflict(_("Báo cáo đang ở trạng thái «%(state)s», không sửa được.")
                       % {"state": locked.get_state_display()})
    parts = [
        ("action", locked.action_items.select_related("action"), lambda i: i.action.code,
         actions, ACTION_FIELDS),
        ("indicator", locked.indicator_items.select_related("indicator"),
         lambda i: i.indicator.code, indicators, INDICATOR_FIELDS),
        ("question", locked.question_items.all(), lambda i: i.code, questions, QUESTION_FIELDS),
    ]
    checked, problems = [], []
    for kind, items, key_of, wanted, fields in parts:
        wanted = wanted or {}
        by_key = {key_of(item): item for item in items}
        for code in wanted:
            if code not in by_key:
                problems.append(inputs.Problem("", "không có trong báo cáo", "not in this report",
                                               f"{kind}:{str(code)[:60]}"))
        cleaned = []
        for code, item in by_key.items():
            if code not in wanted:
                continue
            rules = inputs.ValueRules.of(item) if kind == "indicator" else None
            values, found = inputs.read_fields(wanted[code], fields, rules=rules)
            problems += [replace(p, item=f"{kind}:{code}") for p in found]
            cleaned.append((item, values))
        checked.append((key_of, fields, cleaned))
    if problems:
        raise InputError(problems)
    new_version = locked.version + 1
    entries = []
    for key_of, fields, cleaned in checked:
        touched, touched_fields = [], {"changed_version"}
        for item, values in cleaned:
            changes = _changed(item, values, fields)
            if not changes:
                continue
            for f, (_old, new) in changes.items():
                setattr(item, f, new)
            item.changed_version = new_version
            touched.append(item)
            touched_fields |= set(changes)
            entries.append(audit_entry(
                f"reporting.save_{item._meta.model_name}", item, by=by,
                before={f: old for f, (old, _n) in changes.items()},
                after={f: new for f, (_o, new) in changes.items()},
                unit=locked.unit, reason=source, repr_=f"{locked.unit.code} {key_of(item)}"))
        update_rows(touched, sorted(touched_fields))
    if entries:
        AuditEntry.objects.bulk_create(entries, batch_size=500)
        locked.version = new_version
        locked.save(update_fields=["version"])
    return len(entries)


# --- Workflow -------------------------------------------------------------------------------------

def _move(locked: UnitReport, to: str, *, by, action: str, reason: str = "", **fields) -> UnitReport:
    before = snapshot(locked)
    locked.state = to
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    record(action, locked, by=by, before=before, after=snapshot(locked), unit=locked.unit,
           reason=reason)
    return locked


@transaction.atomic
def submit_report(report: UnitReport, *, by, expected_version: int | None = None) -> UnitReport:
    """Send the report to the Department; refused with the findings that block it."""
    require(by, "reporting.edit_report", report)
    locked = locked_report(report, expected_version)
    if locked.state not in EDITABLE_STATES:
        raise Conflict(_("Báo cáo đã được gửi."))
    blocking = [f for f in check_report(locked) if f.blocking]
    if blocking:
        raise NotReady(blocking)
    now = timezone.now()
    to = ReportState.SUBMITTED if locked.state == ReportState.DRAFT else ReportState.RESUBMITTED
    locked.action_items.update(needs_fix=False)
    locked.indicator_items.update(needs_fix=False)
    locked.question_items.update(needs_fix=False)
    moved = _move(locked, to, by=by, action="reporting.submit_report", submitted_at=now,
                  first_submitted_at=locked.first_submitted_at or now)
    report_values_changed.send(UnitReport, report=moved, final=False, by=by)
    return moved


@transaction.atomic
def return_report(report: UnitReport, *, comments: dict[str, str], by,
                  expected_version: int | None = None) -> UnitReport:
    """Send the report back with a comment on each item to fix ({"action:III.1.2": "…"})."""
    require(by, "reporting.review_report", report)
    locked = locked_report(report, expected_version)
    if locked.state not in IN_REVIEW_STATES:
        raise Conflict(_("Báo cáo không còn chờ thẩm định (trạng thái: %(state)s).")
                       % {"state": locked.get_state_display()})
    comments = _comment_items(locked, comments)
    if not comments:
        raise ValidationError(_("Cần nhận xét ít nhất một mục khi trả lại báo cáo."))
    _write_comments(comments, needs_fix=True)
    return _move(locked, ReportState.RETURNED, by=by, action="reporting.return_report",
                 reason="\n".join(f"{k}: {text}" for k, (_i, text) in comments.items()))


def _comment_items(locked: UnitReport, comments: dict[str, str]) -> dict[str, tuple]:
    """{item key: (item or None for "report", text)} for the comments that say something;
    a key naming no item of the report is refused."""
    comments = {k: v.strip() for k, v in (comments or {}).items() if v and v.strip()}
    items = {
        **{f"action:{i.action.code}": i for i in locked.action_items.select_related("action")},
        **{f"indicator:{i.indicator.code}": i
           for i in locked.indicator_items.select_related("indicator")},
        **{f"question:{i.code}": i for i in locked.question_items.all()},
    }
    unknown = set(comments) - set(items) - {"report"}
    if unknown:
        raise ValidationError(_("Mục không có trong báo cáo: %(items)s")
                              % {"items": ", ".join(sorted(unknown))})
    return {key: (items.get(key), text) for key, text in comments.items()}


def _write_comments(comments: dict[str, tuple], *, needs_fix: bool) -> None:
    for item, text in comments.values():
        if item is not None:
            item.review_comment, item.needs_fix = text, needs_fix
            item.save(update_fields=["review_comment", "needs_fix"])


@transaction.atomic
def set_report_dates(report: UnitReport, *, submitted_at, accepted_at=None, by, reason: str) -> UnitReport:
    """Record when a report really arrived (and was accepted) where the system saw it later: a
    report received on paper and entered afterwards, or the demo's history. Only dates already
    passed through the workflow are set; audited with before → after and the reason."""
    require(by, "reporting.review_report", report)
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do khi sửa ngày gửi, ngày chấp nhận báo cáo."))
    report = UnitReport.objects.select_for_update().get(pk=report.pk)
    if report.submitted_at is None or (accepted_at is not None and report.accepted_at is None):
        raise Conflict(_("Báo cáo chưa được gửi (hoặc chưa được chấp nhận) nên chưa thể ghi ngày."))
    before = snapshot(report)
    fields = {"first_submitted_at": submitted_at, "submitted_at": submitted_at}
    if accepted_at is not None:
        fields["accepted_at"] = accepted_at
    UnitReport.objects.filter(pk=report.pk).update(**fields)
    report.refresh_from_db()
    record("reporting.set_report_dates", report, by=by, before=before, after=snapshot(report),
           unit=report.unit, reason=reason)
    return report


@transaction.atomic
def accept_report(report: UnitReport, *, by, expected_version: int | None = None,
                  notes: dict[str, str] | None = None) -> UnitReport:
    """Accept and lock the report; only accepted reports count in consolidations. `notes`
    ({"action:III.1.2": "…"}), the reviewer's comments typed before accepting, are kept on their
    items as remarks (nothing to fix) and in the audit record."""
    require(by, "reporting.review_report", report)
    locked = locked_report(report, expected_version)
    if locked.state not in IN_REVIEW_STATES:
        raise Conflict(_("Báo cáo không còn chờ thẩm định (trạng thái: %(state)s).")
                       % {"state": locked.get_state_display()})
    notes = _comment_items(locked, notes or {})
    _write_comments(notes, needs_fix=False)
    moved = _move(locked, ReportState.ACCEPTED, by=by, action="reporting.accept_report",
                  reason="\n".join(f"{k}: {text}" for k, (_i, text) in notes.items()),
                  accepted_at=timezone.now(), accepted_version=locked.version)
    report_values_changed.send(UnitReport, report=moved, final=True, by=by)
    return moved


@transaction.atomic
def unlock_report(report: UnitReport, *, reason: str, by) -> UnitReport:
    """Reopen an accepted report for changes; the reason is required and audited."""
    require(by, "reporting.unlock_report", report)
    if not (reason or "").strip():
        raise ValidationError(_("Cần nêu lý do mở khóa."))
    locked = locked_report(report)
    if locked.state != ReportState.ACCEPTED:
        raise Conflict(_("Chỉ mở khóa được báo cáo đã chấp nhận."))
    moved = _move(locked, ReportState.RETURNED, by=by, action="reporting.unlock_report",
                  reason=reason.strip())
    report_values_changed.send(UnitReport, report=moved, final=False, by=by)
    return moved


# --- Evidence (minh chứng) ---------------------------------------------------------------------

def _editable(report: UnitReport) -> UnitReport:
    """The report locked for a change of its evidence: refused unless the round is open and the
    report is still being written (draft or returned)."""
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


# --- Reminders (nhắc hạn) ----------------------------------------------------------------------

def mark_reminder_sent(report: UnitReport, kind: str, day: date, recipients: list[str], *,
                       by=None) -> bool:
    """Note that reminder `kind` (e.g. "after-5") of `report` goes out on `day`, audited; False
    when it was noted before (a unique (report, kind) row), so each reminder is sent once."""
    require(by, "reporting.open_round", report.round.plan)
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(report=report, kind=kind, sent_on=day,
                                               recipients=recipients)
            record("reporting.send_reminder", reminder, by=by, after=snapshot(reminder),
                   unit=report.unit)
    except IntegrityError:
        return False
    return True
