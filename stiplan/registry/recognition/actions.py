"""Every write of competitions, awards and the recognition of initiatives, each audited: opening a
call with its weighted criteria, submitting an entry, opening the judging council (the registry's
council machinery: members, conflicts, scores, ranking — stiplan.registry.actions), awarding a
prize or recognising an initiative by a decision (number, date), publishing the results; and
entering an organisation's revenue from S&T services for the yearly scorecard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stiplan.core.audit import record, snapshot
from stiplan.core.permissions import require
from stiplan.registry.actions import Decision, _check_criteria, create_council
from stiplan.registry.models import (
    Call,
    CallKind,
    Consensus,
    Council,
    CouncilKind,
    Entry,
    Organisation,
    Person,
    Prize,
    ServiceRevenue,
)

#: Above what ServiceRevenue.amount holds (14 digits, 3 after the point).
LARGEST_REVENUE = Decimal(10) ** 11


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


@transaction.atomic
def open_call(*, kind: str, title: str, year: int, opens_on: dt.date, closes_on: dt.date,
              criteria: list[dict], by, synthetic: bool = False) -> Call:
    """A call for entries: its kind, title, year, the days entries are received and the criteria
    the council scores, each with its maximum and weight (1 when not given)."""
    require(by, "registry.manage_call")
    problems = {}
    if kind not in CallKind.values:
        problems["kind"] = _("Loại «%(kind)s» không có trong danh mục.") % {"kind": kind}
    if not title.strip():
        problems["title"] = _("Cần ghi tên cuộc thi, giải thưởng.")
    if not isinstance(year, int) or not 1900 <= year <= 2100:
        problems["year"] = _("Năm «%(year)s» không hợp lệ (1900–2100).") % {"year": year}
    if closes_on < opens_on:
        problems["closes_on"] = _("Ngày hết hạn nhận hồ sơ (%(closes)s) trước ngày mở (%(opens)s).") % {
            "closes": _day(closes_on), "opens": _day(opens_on)}
    try:
        criteria = _check_criteria([{"weight": 1, **c} for c in criteria])
    except ValidationError as exc:
        problems["criteria"] = exc.messages
    if not criteria:
        problems.setdefault("criteria", _("Cần ít nhất một tiêu chí chấm điểm."))
    if problems:
        raise ValidationError(problems)
    call = Call(kind=kind, title=title.strip(), year=year, opens_on=opens_on, closes_on=closes_on,
                criteria=criteria, synthetic=synthetic)
    call.full_clean()
    call.save()
    record("registry.open_call", call, by=by, after=snapshot(call))
    return call


def _still_open(call: Call) -> None:
    if call.published:
        raise ValidationError(_("Kết quả của «%(call)s» đã công bố ngày %(day)s: không thể thay đổi.")
                              % {"call": call.title, "day": _day(call.published_on)}, code="published")


@transaction.atomic
def submit_entry(call: Call, *, title: str, by, summary: str = "", organisation: Organisation | None = None,
                 person: Person | None = None, on: dt.date | None = None) -> Entry:
    """An entry (hồ sơ dự thi, đơn công nhận sáng kiến) by an organisation and/or a person,
    received between the call's opening and closing days; numbered in the call's order."""
    require(by, "registry.manage_call", call)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _still_open(call)
    day = on or timezone.localdate()
    problems = {}
    if not title.strip():
        problems["title"] = _("Cần ghi tên công trình, giải pháp, sáng kiến.")
    if organisation is None and person is None:
        problems["organisation"] = _("Cần ghi tổ chức hoặc cá nhân dự thi (tác giả).")
    if not call.opens_on <= day <= call.closes_on:
        problems["on"] = _("Ngày nộp %(day)s nằm ngoài thời gian nhận hồ sơ (%(opens)s – %(closes)s).") % {
            "day": _day(day), "opens": _day(call.opens_on), "closes": _day(call.closes_on)}
    if problems:
        raise ValidationError(problems)
    entry = Entry(call=call, code=f"{call.year}-{call.entries.count() + 1:03d}", title=title.strip(),
                  summary=summary.strip(), organisation=organisation, person=person,
                  submitted_on=day, synthetic=call.synthetic)
    entry.full_clean()
    entry.save()
    record("registry.submit_entry", entry, by=by, after=snapshot(entry))
    return entry


@transaction.atomic
def open_judging(call: Call, *, name: str, by, decision_number: str = "",
                 decision_date: dt.date | None = None, meets_on: dt.date | None = None) -> Council:
    """The council that judges the call's entries, scoring them on the call's criteria and
    weights: its members, conflicts, scores and ranking go through the registry's council
    actions like a selection council's. One council per call."""
    require(by, "registry.manage_call", call)
    _still_open(call)
    if Council.objects.filter(call=call).exists():
        raise ValidationError(_("«%(call)s» đã có hội đồng chấm.") % {"call": call.title})
    kind = CouncilKind.INITIATIVE if call.kind == CallKind.INITIATIVE else CouncilKind.AWARD
    return create_council(kind, name.strip(), tasks=[], call=call, criteria=call.criteria,
                          decision_number=decision_number, decision_date=decision_date,
                          meets_on=meets_on, by=by)


@transaction.atomic
def award(entry: Entry, prize: str, *, decision: Decision, by) -> Entry:
    """Give a ranked entry its prize, or recognise an initiative (prize «được công nhận»), by the
    decision's number and date; before the results are published."""
    call = entry.call
    require(by, "registry.manage_call", call)
    _still_open(call)
    problems = []
    allowed = [Prize.RECOGNISED] if call.kind == CallKind.INITIATIVE else [
        p for p in Prize.values if p != Prize.RECOGNISED]
    if prize not in allowed:
        problems.append(_("«%(call)s» chỉ trao: %(allowed)s.") % {
            "call": call.title, "allowed": ", ".join(str(Prize(p).label) for p in allowed)})
    if not (decision.number.strip() and decision.date):
        problems.append(_("Cần số và ngày của quyết định tặng giải, công nhận."))
    if not Consensus.objects.filter(entry=entry, council__call=call, rank__isnull=False).exists():
        problems.append(_("Hồ sơ %(code)s chưa được hội đồng chấm và xếp hạng.") % {"code": entry.code})
    if problems:
        raise ValidationError(problems)
    before = snapshot(entry)
    entry.prize, entry.decision_number, entry.decision_date = prize, decision.number.strip(), decision.date
    entry.save(update_fields=["prize", "decision_number", "decision_date"])
    record("registry.award", entry, by=by, before=before, after=snapshot(entry))
    return entry


@transaction.atomic
def publish_results(call: Call, *, by, on: dt.date | None = None) -> Call:
    """Publish the call's results: from now on the public sees its winners (or the recognised
    initiatives) with their decisions; never the scores nor who scored. Results stand once
    published."""
    require(by, "registry.manage_call", call)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _still_open(call)
    if not call.entries.exclude(prize="").exists():
        raise ValidationError(_("«%(call)s» chưa có hồ sơ nào được trao giải hoặc công nhận.")
                              % {"call": call.title})
    before = snapshot(call)
    call.published, call.published_on = True, on or timezone.localdate()
    call.save(update_fields=["published", "published_on"])
    record("registry.publish_results", call, by=by, before=before, after=snapshot(call))
    return call


@transaction.atomic
def enter_service_revenue(organisation: Organisation, year: int, amount, *, by,
                          source: str = "") -> ServiceRevenue:
    """An organisation's revenue from S&T services in `year` (million VND) as its report gives
    it; a second entry for the same year replaces the first (the audit log keeps both)."""
    require(by, "registry.manage_resources")
    problems = {}
    if not isinstance(year, int) or not 1900 <= year <= 2100:
        problems["year"] = _("Năm «%(year)s» không hợp lệ (1900–2100).") % {"year": year}
    try:
        value = Decimal(str(amount).strip().replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not 0 <= value < LARGEST_REVENUE:
        problems["amount"] = _("Doanh thu «%(amount)s» phải là một số không âm, tính bằng triệu "
                               "đồng.") % {"amount": amount}
    if problems:
        raise ValidationError(problems)
    before = ServiceRevenue.objects.filter(organisation=organisation, year=year).first()
    row, _new = ServiceRevenue.objects.update_or_create(
        organisation=organisation, year=year,
        defaults={"amount": value.quantize(Decimal("0.001")), "source": source.strip()})
    record("registry.enter_service_revenue", row, by=by, before=snapshot(before), after=snapshot(row))
    return row
