"""Every write of the registry: proposing a task, moving it along its regime's lifecycle (each
move an audited step with who, when and the decision), councils with conflict declarations,
scores and consensus, loading the classification of fields, a task's outputs, bulk imports (one
transaction and one audit entry a file), and feeding the plan's indicators (through the metrics
action that stores computed values): by the command, and after every write that changes what
they count (`refeed_on_commit`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from stiplan.analytics import periods
from stiplan.core.actions import keep_upload
from stiplan.core.audit import Subject, acting_user, record, snapshot
from stiplan.core.bulk import insert_rows, update_rows
from stiplan.core.constants import DEFAULT_PLAN
from stiplan.core.jobs import STALE_MESSAGE, JobExpired, end_stale, run_after_commit, stale_cutoff
from stiplan.core.permissions import require
from stiplan.core.yamlio import InputError
from stiplan.metrics.actions import ComputedValue, set_computed_values
from stiplan.metrics.engine import province_of
from stiplan.metrics.models import DataValue, Source
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import Indicator, Plan
from stiplan.registry.indicators import Fed, compute
from stiplan.registry.lifecycle import (
    INITIAL_STATE,
    PUBLIC_STATES,
    STATE_LABELS,
    Needs,
    State,
    Step,
    lifecycle_of,
)
from stiplan.registry.models import (
    ACTIVE_IMPORT_STATES,
    BudgetLine,
    ConflictDeclaration,
    Consensus,
    Council,
    CouncilKind,
    CouncilMember,
    Entry,
    FieldLevel,
    FundingSource,
    Grade,
    ImportJob,
    ImportState,
    IPAsset,
    LegacyFieldCode,
    MemberRole,
    Organisation,
    Output,
    OutputKind,
    Person,
    Regime,
    ResultApplication,
    ScienceField,
    Score,
    Task,
    TaskKind,
    TaskMember,
    TaskStep,
    regime_for,
)
from stiplan.registry.ranking import rank_proposals
from stiplan.registry.search import search_text


class TransitionRefused(ValidationError):
    """A lifecycle step that the task's state, regime or record does not allow."""


@dataclass(frozen=True)
class Decision:
    """The document behind a step: its number (số), date (ngày) and, when at hand, the file."""

    number: str = ""
    date: dt.date | None = None
    file: File | None = None


# --- Tasks -----------------------------------------------------------------------------------

def _check_regime(regime: str, start: dt.date, reason: str) -> None:
    if regime not in Regime.values:
        raise ValidationError(_("Chế độ pháp lý «%(regime)s» không tồn tại.") % {"regime": regime})
    if regime != regime_for(start) and not reason.strip():
        raise ValidationError(
            _("Nhiệm vụ bắt đầu ngày %(start)s thuộc chế độ «%(default)s»; chọn chế độ khác cần ghi lý do.")
            % {"start": start.strftime("%d/%m/%Y"), "default": Regime(regime_for(start)).label})


@transaction.atomic
def propose_task(*, code: str, title: str, level: str, kind: str, mechanism: str, selection: str,
                    start_date: dt.date, by, regime: str | None = None, regime_reason: str = "",
                    innovation_subkind: str = "", actions: Iterable = (), **details) -> Task:
    """A proposal for ordering (đề xuất đặt hàng): the task's first state. The regime follows the
    start date unless another one is given with a reason."""
    require(by, "registry.propose_task")
    regime = regime or regime_for(start_date)
    _check_regime(regime, start_date, regime_reason)
    if kind == TaskKind.INNOVATION and not innovation_subkind:
        raise ValidationError({"innovation_subkind": _(
            "Nhiệm vụ đổi mới sáng tạo cần ghi rõ loại (Nghị định 268/2025).")})
    if kind != TaskKind.INNOVATION and innovation_subkind:
        raise ValidationError({"innovation_subkind": _(
            "Chỉ nhiệm vụ đổi mới sáng tạo mới có loại nhiệm vụ ĐMST.")})
    end_date = details.get("end_date")
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("Ngày kết thúc trước ngày bắt đầu.")})
    task = Task(code=code.strip(), title=title.strip(), level=level, kind=kind, mechanism=mechanism,
                selection=selection, start_date=start_date, regime=regime,
                regime_reason=regime_reason.strip() if regime != regime_for(start_date) else "",
                innovation_subkind=innovation_subkind, state=INITIAL_STATE,
                search_text=search_text(code, title), **details)
    task.full_clean()
    task.save()
    task.actions.set(actions)
    record("registry.propose_task", task, by=by, after=snapshot(task))
    return task


@transaction.atomic
def set_regime(task: Task, regime: str, *, reason: str, by) -> Task:
    """Override the regime the start date gave (or return to it); the reason is kept."""
    require(by, "registry.move_task", task)
    task = Task.objects.select_for_update().get(pk=task.pk)
    _check_regime(regime, task.start_date, reason)
    if task.state not in lifecycle_of(regime).states:
        raise ValidationError(
            _("Nhiệm vụ %(code)s đang ở trạng thái «%(state)s», không có trong chế độ «%(regime)s».")
            % {"code": task.code, "state": STATE_LABELS[task.state], "regime": Regime(regime).label})
    before = snapshot(task)
    task.regime = regime
    task.regime_reason = reason.strip() if regime != task.default_regime else ""
    task.save(update_fields=["regime", "regime_reason"])
    record("registry.set_regime", task, by=by, before=before, after=snapshot(task), reason=reason)
    return task


def refusal(task: Task, step: Step | None, step_code: str) -> TransitionRefused:
    """The message for a step the task cannot take now, naming the state and the step."""
    names = {"code": task.code, "state": STATE_LABELS.get(task.state, task.state),
             "regime": Regime(task.regime).label}
    if step is None:
        return TransitionRefused(
            _("Nhiệm vụ %(code)s (chế độ «%(regime)s»): bước «%(step)s» không có trong quy trình "
              "của chế độ này.")
            % {**names, "step": step_code}, code="unknown_step")
    allowed = ", ".join(f"«{s.label}»" for s in lifecycle_of(task.regime).allowed(task.state)) or "—"
    return TransitionRefused(
        _("Nhiệm vụ %(code)s đang ở trạng thái «%(state)s»: không thể thực hiện bước «%(step)s». "
          "Các bước được phép lúc này: %(allowed)s.")
        % {**names, "step": step.label, "allowed": allowed}, code="wrong_state")


def _missing(task: Task, step: Step, decision: Decision, finding: str, end_date, certificates) -> list[str]:
    """What the step needs and the request does not give, as messages."""
    problems = []
    if Needs.DECISION in step.needs and not (decision.number.strip() and decision.date):
        problems.append(_("Bước «%(step)s» cần số và ngày của văn bản: %(document)s.")
                        % {"step": step.label, "document": step.document})
    if Needs.FINDING in step.needs and not finding.strip():
        problems.append(_("Bước «%(step)s» cần kết luận bằng văn bản (đã thực hiện đúng quy trình).")
                        % {"step": step.label})
    later = end_date is not None and (task.end_date is None or end_date > task.end_date)
    if Needs.NEW_END_DATE in step.needs and not later:
        problems.append(_("Gia hạn cần ngày kết thúc mới, sau ngày kết thúc hiện tại."))
    if Needs.SELECTION_SCORES in step.needs and not Consensus.objects.filter(
            task=task, council__kind=CouncilKind.SELECTION, mean_score__isnull=False).exists():
        problems.append(_("Chưa có kết luận chấm điểm của hội đồng tuyển chọn, giao trực tiếp "
                          "cho nhiệm vụ %(code)s.")
                        % {"code": task.code})
    grades = set(Consensus.objects.filter(task=task, council__kind=CouncilKind.ACCEPTANCE)
                 .exclude(grade="").values_list("grade", flat=True))
    if Needs.PASSING_GRADE in step.needs and not grades - {Grade.FAIL}:
        problems.append(_("Chưa có kết luận xếp loại đạt trở lên của hội đồng nghiệm thu."))
    if Needs.FAILING_GRADE in step.needs and Grade.FAIL not in grades:
        problems.append(_("Hội đồng nghiệm thu chưa kết luận «không đạt»."))
    if Needs.CERTIFICATES in step.needs:
        own = dict(task.outputs.values_list("pk", "certificate_number"))
        numbers = {pk: (certificates or {}).get(pk, number) for pk, number in own.items()}
        strangers = sorted(set(certificates or {}) - set(own))
        if strangers:
            problems.append(_("Kết quả %(ids)s không thuộc nhiệm vụ %(code)s.")
                            % {"ids": ", ".join(map(str, strangers)), "code": task.code})
        if not numbers:
            problems.append(_("Nhiệm vụ %(code)s chưa có kết quả nào để đăng ký.") % {"code": task.code})
        lacking = sorted(pk for pk, number in numbers.items() if not (number or "").strip())
        if lacking:
            titles = task.outputs.filter(pk__in=lacking).values_list("title", flat=True)
            problems.append(_("Mỗi kết quả cần số giấy chứng nhận đăng ký; còn thiếu: %(titles)s.")
                            % {"titles": "; ".join(titles)})
    return problems


@transaction.atomic
def move_task(task: Task, step: str, *, by, on: dt.date | None = None, decision: Decision = Decision(),
                 note: str = "", finding: str = "", end_date: dt.date | None = None,
                 certificates: Mapping[int, str] | None = None) -> TaskStep:
    """Take one lifecycle step: check the regime's table and what the step needs, then move the
    state, keep the step with its decision, and write the audit entry. Extension takes
    `end_date`; registration takes `certificates` (output id → certificate number)."""
    require(by, "registry.move_task", task)
    task = Task.objects.select_for_update().get(pk=task.pk)
    rule = lifecycle_of(task.regime).steps.get(step)
    if rule is None or task.state not in rule.sources:
        raise refusal(task, rule, step)
    problems = _missing(task, rule, decision, finding, end_date, certificates)
    if problems:
        raise TransitionRefused(problems, code="incomplete")
    day = on or timezone.localdate()
    before = snapshot(task)
    from_state = task.state
    task.state = rule.lands_in(from_state)
    task.public = task.state in PUBLIC_STATES
    if Needs.NEW_END_DATE in rule.needs:
        task.end_date = end_date
    task.save(update_fields=["state", "public", "end_date"])
    for output in task.outputs.filter(pk__in=list(certificates or {})):
        output.certificate_number = certificates[output.pk].strip()
        output.registered_on = day
        output.save(update_fields=["certificate_number", "registered_on"])
    made = TaskStep(task=task, step=rule.code, from_state=from_state, to_state=task.state, on=day,
                    by=by if getattr(by, "is_authenticated", False) else None,
                    decision_number=decision.number.strip(), decision_date=decision.date,
                    note=note, finding=finding.strip())
    if decision.file is not None:
        made.document.save(decision.file.name, decision.file, save=False)
    made.save()
    record(f"registry.{rule.code}", task, by=by, before=before,
           after={**snapshot(task), "step": snapshot(made)}, reason=note)
    if rule.code == "register":
        refeed_on_commit(_years_of(task.outputs.all()), by=by)
    return made


# --- Councils --------------------------------------------------------------------------------

def _positive(value) -> Decimal:
    """`value` as a finite Decimal, or 0 when it is none."""
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return Decimal(0)
    return number if number.is_finite() else Decimal(0)


def _check_criteria(criteria: list[dict]) -> list[dict]:
    """A scoring sheet: each criterion a code of its own and a maximum above 0; a weight, when
    given (a call's criteria), above 0 too."""
    seen, clean = set(), []
    for n, item in enumerate(criteria, 1):
        code = str(item.get("code", "")).strip()
        top = _positive(item.get("max"))
        if not code or code in seen or top <= 0:
            raise ValidationError(_("Tiêu chí thứ %(n)s: cần mã riêng và điểm tối đa lớn hơn 0.") % {"n": n})
        seen.add(code)
        row = {"code": code, "name": str(item.get("name", code)), "max": str(top)}
        if "weight" in item:
            weight = _positive(item["weight"])
            if weight <= 0:
                raise ValidationError(_("Tiêu chí thứ %(n)s: trọng số phải lớn hơn 0.") % {"n": n})
            row["weight"] = str(weight)
        clean.append(row)
    return clean


@transaction.atomic
def create_council(kind: str, name: str, *, tasks: Iterable[Task], by, criteria: list[dict] = (),
                      decision_number: str = "", decision_date: dt.date | None = None,
                      meets_on: dt.date | None = None, call=None) -> Council:
    """A council for `tasks`, or for the entries of `call` (a competition, an award, a round of
    initiative recognition: stiplan.registry.recognition.actions.open_judging)."""
    require(by, "registry.manage_council")
    council = Council(kind=kind, name=name, criteria=_check_criteria(list(criteria)), call=call,
                      decision_number=decision_number, decision_date=decision_date, meets_on=meets_on)
    council.full_clean()
    council.save()
    council.tasks.set(tasks)
    record("registry.create_council", council, by=by,
           after={**snapshot(council), "tasks": sorted(t.code for t in council.tasks.all())})
    return council


@transaction.atomic
def add_council_member(council: Council, person: Person, role: str, *, by) -> CouncilMember:
    require(by, "registry.manage_council", council)
    if council.members.filter(person=person).exists():
        raise ValidationError(_("%(person)s đã là thành viên của %(council)s.")
                              % {"person": person, "council": council})
    member = CouncilMember(council=council, person=person, role=role)
    member.full_clean()
    member.save()
    record("registry.add_council_member", member, by=by, after=snapshot(member))
    return member


def _on(item: Task | Entry) -> dict:
    """The filter naming what a council judges: a task ({"task": …}) or an entry of a call."""
    return {"entry": item} if isinstance(item, Entry) else {"task": item}


def _under_evaluation(council: Council, item: Task | Entry) -> None:
    """Refuse a task the council does not evaluate, or an entry of another call than its own."""
    if isinstance(item, Entry):
        if council.call_id is None or item.call_id != council.call_id:
            raise ValidationError(_("Hồ sơ %(code)s không thuộc cuộc thi, giải thưởng mà %(council)s "
                                    "chấm.") % {"code": item.code, "council": council})
    elif not council.tasks.filter(pk=item.pk).exists():
        raise ValidationError(_("Nhiệm vụ %(code)s không thuộc hồ sơ của %(council)s.")
                              % {"code": item.code, "council": council})


def council_items(council: Council):
    """What the council judges: its tasks, or the entries of its call."""
    if council.call_id is not None:
        return Entry.objects.filter(call=council.call_id)
    return council.tasks.all()


@transaction.atomic
def declare_conflict(member: CouncilMember, item: Task | Entry, *, reason: str, by,
                        on: dt.date | None = None) -> ConflictDeclaration:
    """A member declares a conflict of interest with a task (or an entry of the council's call):
    from now on they do not score it, and any scores they gave it are withdrawn."""
    require(by, "registry.manage_council", member.council)
    _under_evaluation(member.council, item)
    if not reason.strip():
        raise ValidationError(_("Khai xung đột lợi ích cần ghi lý do."))
    given = Score.objects.filter(member=member, **_on(item))
    withdrawn = list(given.values("criterion", "value"))
    given.delete()
    made, _new = ConflictDeclaration.objects.update_or_create(
        member=member, **_on(item),
        defaults={"reason": reason.strip(), "declared_on": on or timezone.localdate()})
    record("registry.declare_conflict", made, by=by, after={**snapshot(made), "withdrawn_scores": withdrawn})
    return made


@transaction.atomic
def enter_scores(member: CouncilMember, item: Task | Entry, values: Mapping[str, object], *,
                 by) -> list[Score]:
    """One member's complete scoring sheet for one task or entry (replacing an earlier one).
    Refused for a member who declared a conflict with it, for unknown or missing criteria and for
    a score outside 0…max."""
    council = member.council
    require(by, "registry.enter_score", council)
    _under_evaluation(council, item)
    if ConflictDeclaration.objects.filter(member=member, **_on(item)).exists():
        raise ValidationError(
            _("%(person)s đã khai xung đột lợi ích với nhiệm vụ %(code)s nên không được chấm điểm.")
            % {"person": member.person, "code": item.code}, code="conflict")
    sheet = {c["code"]: Decimal(c["max"]) for c in council.criteria}
    unknown = sorted(set(values) - set(sheet))
    missing = [c for c in sheet if c not in values]
    if unknown or missing or not sheet:
        raise ValidationError(_("Phiếu chấm phải có đủ và chỉ các tiêu chí %(codes)s "
                                "(thiếu: %(missing)s; lạ: %(unknown)s).")
                              % {"codes": ", ".join(sheet) or "—", "missing": ", ".join(missing) or "—",
                                 "unknown": ", ".join(map(str, unknown)) or "—"})
    scores = []
    for code, top in sheet.items():
        try:
            value = Decimal(str(values[code]).replace(",", "."))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or not 0 <= value <= top:
            raise ValidationError(_("Tiêu chí %(code)s: điểm «%(value)s» phải từ 0 đến %(max)s.")
                                  % {"code": code, "value": values[code], "max": top})
        scores.append(Score(member=member, criterion=code, value=value, **_on(item)))
    given = Score.objects.filter(member=member, **_on(item))
    before = list(given.values("criterion", "value"))
    given.delete()
    Score.objects.bulk_create(scores)
    record("registry.enter_scores", item, by=by, before={"member": member.pk, "scores": before},
           after={"member": member.pk, "scores": {s.criterion: s.value for s in scores}},
           repr_=f"{council}: {item.code}")
    return scores


def _weighted(sheet: dict, weights: Mapping[str, Decimal]) -> dict:
    """A sheet with each criterion's score times its weight (a call's criteria carry weights)."""
    return {code: value * weights.get(code, 1) for code, value in sheet.items()}


@transaction.atomic
def rank_council(council: Council, *, by, on: dt.date | None = None) -> list[Consensus]:
    """Rank the council's proposals (or its call's entries) by the rule of
    stiplan.registry.ranking, each criterion's score times its weight when the criteria carry
    one, and keep each mean and rank in the council's consensus record."""
    require(by, "registry.manage_council", council)
    codes = [c["code"] for c in council.criteria]
    weights = {c["code"]: Decimal(c["weight"]) for c in council.criteria if "weight" in c}
    items = {item.pk: item for item in council_items(council)}
    sheets: dict[int, list[dict]] = {pk: [] for pk in items}
    by_member: dict[tuple[int, int], dict] = {}
    for score in Score.objects.filter(member__council=council):
        key = score.entry_id if council.call_id else score.task_id
        by_member.setdefault((key, score.member_id), {})[score.criterion] = score.value
    for (key, _member), sheet in by_member.items():
        if key in sheets:
            sheets[key].append(_weighted(sheet, weights))
    day = on or timezone.localdate()
    made = []
    for ranked in rank_proposals(sheets, codes):
        mean = None
        if ranked.mean is not None:
            exact = Decimal(ranked.mean.numerator) / Decimal(ranked.mean.denominator)
            mean = exact.quantize(Decimal("0.01"))
        row, _new = Consensus.objects.update_or_create(
            council=council, **_on(items[ranked.key]),
            defaults={"mean_score": mean,
                      "rank": ranked.rank, "decided_on": day})
        made.append(row)
    record("registry.rank_council", council, by=by,
           after={"ranking": [(r.item.code, r.rank, r.mean_score) for r in made]})
    return made


@transaction.atomic
def record_conclusion(council: Council, item: Task | Entry, *, by, conclusion: str, grade: str = "",
                         on: dt.date | None = None) -> Consensus:
    """The council's agreed wording on one task or entry, with its grade when it is an acceptance
    council."""
    require(by, "registry.manage_council", council)
    _under_evaluation(council, item)
    if council.kind == CouncilKind.ACCEPTANCE and grade not in Grade.values:
        raise ValidationError(_("Hội đồng nghiệm thu cần xếp loại: %(grades)s.")
                              % {"grades": ", ".join(str(g.label) for g in Grade)})
    if council.kind != CouncilKind.ACCEPTANCE and grade:
        raise ValidationError(_("Chỉ hội đồng nghiệm thu mới xếp loại."))
    before = Consensus.objects.filter(council=council, **_on(item)).first()
    row, _new = Consensus.objects.update_or_create(
        council=council, **_on(item),
        defaults={"grade": grade, "conclusion": conclusion.strip(), "decided_on": on or timezone.localdate()})
    record("registry.record_conclusion", row, by=by, before=snapshot(before), after=snapshot(row))
    return row


# --- The classification of fields ------------------------------------------------------------

@dataclass(frozen=True)
class FieldRow:
    line: int
    code: str
    name: str
    name_en: str = ""
    oecd: str = ""


@transaction.atomic
def load_fields(rows: list[FieldRow], legacy: list[tuple[int, str, str, str]] = (), *, by) -> int:
    """Add or update entries of the classification (Thông tư 24/2025) and the mapping from the
    codes of Quyết định 12/2008 ((line, old code, old name, new code)); every row is checked
    before anything is written, and the messages name the line."""
    require(by, "registry.manage_resources")
    if not rows and not legacy:
        raise ValidationError(_("Tệp không có dòng nào."))
    known = set(ScienceField.objects.values_list("code", flat=True)) | {row.code for row in rows}
    problems, seen = [], set()
    for row in rows:
        if not row.code.isdigit() or len(row.code) not in FieldLevel.values:
            problems.append(_("Dòng %(line)s: mã «%(code)s» phải gồm 1, 3, 5 hoặc 7 chữ số.")
                            % {"line": row.line, "code": row.code})
        elif row.code in seen:
            problems.append(_("Dòng %(line)s: mã «%(code)s» lặp lại.") % {"line": row.line, "code": row.code})
        elif len(row.code) > 1 and _parent_code(row.code) not in known:
            problems.append(_("Dòng %(line)s: mã «%(code)s» không có cấp trên «%(parent)s».")
                            % {"line": row.line, "code": row.code, "parent": _parent_code(row.code)})
        if not row.name.strip():
            problems.append(_("Dòng %(line)s: thiếu tên.") % {"line": row.line})
        seen.add(row.code)
    for line, _old, _old_name, new in legacy:
        if new not in known:
            problems.append(_("Bảng chuyển đổi, dòng %(line)s: mã mới «%(code)s» không có trong danh mục.")
                            % {"line": line, "code": new})
    if problems:
        raise ValidationError(problems)
    for row in sorted(rows, key=lambda r: len(r.code)):
        parent = ScienceField.objects.get(code=_parent_code(row.code)) if len(row.code) > 1 else None
        ScienceField.objects.update_or_create(
            code=row.code, defaults={"name": row.name.strip(), "name_en": row.name_en.strip(),
                                     "oecd": row.oecd.strip(), "level": len(row.code), "parent": parent})
    for _line, old, old_name, new in legacy:
        LegacyFieldCode.objects.update_or_create(
            code=old, defaults={"name": old_name, "field": ScienceField.objects.get(code=new)})
    record("registry.load_fields", ScienceField.objects.order_by("code").first(), by=by,
           after={"fields": len(rows), "legacy_codes": len(legacy)}, repr_="phân loại lĩnh vực KH&CN")
    return len(rows)


def _parent_code(code: str) -> str:
    """The code one level up: 7 → 5 → 3 → 1 digits."""
    return code[:-2] if len(code) > 1 else ""


@transaction.atomic
def report_application(task: Task, year: int, *, applied: bool, where: str = "", by,
                          on: dt.date | None = None, decision: Decision = Decision()) -> ResultApplication:
    """The yearly report on the application of a task's results (Mẫu 12): the first one takes the
    step «ứng dụng kết quả», later ones the yearly follow-up; one report per year."""
    require(by, "registry.move_task", task)
    if ResultApplication.objects.filter(task=task, year=year).exists():
        raise ValidationError(_("Nhiệm vụ %(code)s đã có báo cáo ứng dụng năm %(year)s.")
                              % {"code": task.code, "year": year})
    step = "follow_up" if Task.objects.get(pk=task.pk).state == State.APPLIED else "apply"
    move_task(task, step, by=by, on=on, decision=decision, note=where)
    report = ResultApplication.objects.create(task=task, year=year, applied=applied, where=where.strip())
    record("registry.report_application", report, by=by, after=snapshot(report))
    # the share of a later year reads the latest report of that year or before
    refeed_on_commit(range(year, max(year, timezone.localdate().year) + 1), by=by)
    return report


# --- A task's outputs (kết quả, sản phẩm) -----------------------------------------------------

#: The kinds that say who was trained: the PhD and MSc indicators count the people they name.
TRAINED_KINDS = frozenset({OutputKind.TRAINED_PHD, OutputKind.TRAINED_MSC})
#: The kinds an IP asset (a patent, a protected variety…) may stand behind.
IP_KINDS = frozenset({OutputKind.IP, OutputKind.PLANT_VARIETY})
#: An output's year lies within the task's years, give or take this many (a thesis defended the
#: year after the task ended, a paper accepted the year before it started).
YEAR_MARGIN = 1


def output_years(task: Task) -> tuple[int, int]:
    """The first and last year an output of `task` may be dated: from the year before its start
    to the year after its end (an open task: after this year, or its start if later)."""
    last = task.end_date.year if task.end_date else max(task.start_date.year, timezone.localdate().year)
    return task.start_date.year - YEAR_MARGIN, last + YEAR_MARGIN


def is_registered(task: Task) -> bool:
    """Whether the task's results were registered (Thông tư 14/2014): their certificates stand."""
    return task.state in (State.REGISTERED, State.APPLIED) or task.steps.filter(step="register").exists()


def _years_of(outputs: Iterable[Output]) -> set[int]:
    """The years whose indicators an output counts in: its own, and its IP asset's filing year."""
    years = set()
    for output in outputs:
        if output.year:
            years.add(output.year)
        if output.ip_asset_id and output.ip_asset.filed_on:
            years.add(output.ip_asset.filed_on.year)
    return years


def _output_problems(task: Task, kind: str, title: str, year, person, ip_asset) -> dict[str, str]:
    problems = {}
    if kind not in OutputKind.values:
        problems["kind"] = _("Loại kết quả «%(kind)s» không có trong danh mục.") % {"kind": kind}
    if not title.strip():
        problems["title"] = _("Cần ghi tên kết quả.")
    elif len(title.strip()) > Output._meta.get_field("title").max_length:
        problems["title"] = _("Tên kết quả dài quá %(n)s ký tự.") % {
            "n": Output._meta.get_field("title").max_length}
    first, last = output_years(task)
    if not isinstance(year, int) or isinstance(year, bool):
        problems["year"] = _("Cần ghi năm của kết quả.")
    elif not first <= year <= last:
        problems["year"] = _("Năm %(year)s nằm ngoài thời gian của nhiệm vụ %(code)s: kết quả "
                             "ghi từ năm %(first)s đến năm %(last)s.") % {
            "year": year, "code": task.code, "first": first, "last": last}
    if kind in TRAINED_KINDS and person is None:
        problems["person"] = _("Kết quả «%(kind)s» cần ghi người được đào tạo (mỗi người chỉ "
                               "được đếm một lần trong chỉ tiêu).") % {"kind": OutputKind(kind).label}
    elif kind in TRAINED_KINDS and Output.objects.filter(task=task, kind=kind, person=person).exists():
        problems["person"] = _("%(person)s đã được ghi là kết quả «%(kind)s» của nhiệm vụ "
                               "%(code)s.") % {"person": person.full_name,
                                               "kind": OutputKind(kind).label, "code": task.code}
    elif kind in OutputKind.values and kind not in TRAINED_KINDS and person is not None:
        problems["person"] = _("Chỉ kết quả đào tạo tiến sĩ, thạc sĩ mới ghi người được đào tạo.")
    if ip_asset is not None and kind in OutputKind.values and kind not in IP_KINDS:
        problems["ip_asset"] = _("Chỉ kết quả «%(ip)s» hoặc «%(variety)s» mới gắn với một tài sản "
                                 "trí tuệ.") % {"ip": OutputKind.IP.label,
                                                 "variety": OutputKind.PLANT_VARIETY.label}
    return problems


@transaction.atomic
def add_output(task: Task, *, kind: str, title: str, year: int, by, person: Person | None = None,
               ip_asset: IPAsset | None = None) -> Output:
    """Add a result to a task: a trained PhD or MSc names the person trained (the indicators count
    people), an IP asset goes with an IP or variety result, the year lies within the task's
    years (`output_years`). Every problem is named at its field; the certificate number comes
    with the registration step. The indicators of the years concerned are fed on commit."""
    require(by, "registry.move_task", task)
    task = Task.objects.select_for_update().get(pk=task.pk)
    problems = _output_problems(task, kind, title, year, person, ip_asset)
    if problems:
        raise ValidationError(problems)
    output = Output(task=task, kind=kind, title=title.strip(), year=year, person=person,
                    ip_asset=ip_asset)
    output.full_clean()
    output.save()
    record("registry.add_output", output, by=by, after=snapshot(output),
           repr_=f"{task.code}: {output}")
    refeed_on_commit(_years_of([output]), by=by)
    return output


@transaction.atomic
def remove_output(output: Output, *, by, reason: str) -> None:
    """Take a result off its task, with the reason; the audit log keeps what it was. The results
    of a registered task stand with their certificates and are not removed."""
    require(by, "registry.move_task", output.task)
    task = Task.objects.select_for_update().get(pk=output.task_id)
    output = Output.objects.select_related("ip_asset").get(pk=output.pk)
    if is_registered(task) or output.certificate_number:
        raise ValidationError(
            _("Kết quả của nhiệm vụ %(code)s đã được đăng ký (giấy chứng nhận): không thể xóa.")
            % {"code": task.code}, code="registered")
    if not reason.strip():
        raise ValidationError({"reason": _("Xóa một kết quả cần ghi lý do.")})
    years = _years_of([output])
    record("registry.remove_output", output, by=by, before=snapshot(output), after=None,
           reason=reason.strip(), repr_=f"{task.code}: {output}")
    output.delete()
    refeed_on_commit(years, by=by)


# --- The plan's indicators fed by the registry -----------------------------------------------

@dataclass(frozen=True)
class FedValue:
    """What became of one indicator the registry computed: `status` is written (new or
    changed), unchanged, not_in_plan (no such indicator in the plan's set-up), nothing_behind
    (a count of nothing, never stored before) or undefined (a share of no task)."""

    fed: Fed
    status: str
    value: DataValue | None = None


@dataclass(frozen=True)
class FeedResult:
    year: int
    plan: Plan
    unit: OrgUnit
    values: list[FedValue]


@transaction.atomic
def feed_indicators(year: int, *, by, plan: Plan | None = None, on: dt.date | None = None) -> FeedResult:
    """Compute the registry's indicators for `year` (stiplan.registry.indicators) and store those
    the plan knows as final `computed` values of the province the plan's targets are computed
    for on `on` (today), through metrics.actions.set_computed_values: audited before → after,
    and a rerun on the same data writes nothing. A count with no row behind it is not stored
    unless a value was fed before (it then becomes 0): the registry may simply not cover a year,
    and a stored 0 would stand before the units' reports in the engine."""
    plan = plan or Plan.objects.get(code=DEFAULT_PLAN)
    require(by, "plans.change_plan", plan)
    if not isinstance(year, int) or not 1900 <= year <= 2100:
        raise ValidationError({"year": _("Năm «%(year)s» không hợp lệ (1900–2100).") % {"year": year}})
    unit = province_of(plan, on)
    computed = compute(year)
    known = Indicator.objects.in_bulk([f.code for f in computed], field_name="code")
    stored = set(DataValue.objects.filter(
        unit=unit, period=periods.yearly(year), source=Source.COMPUTED,
        indicator__code__in=list(known)).values_list("indicator__code", flat=True))
    outcome: dict[str, FedValue] = {}
    to_write = []
    for fed in computed:
        if fed.code not in known:
            outcome[fed.code] = FedValue(fed, "not_in_plan")
        elif fed.value is None:
            outcome[fed.code] = FedValue(fed, "undefined")
        elif not fed.rows_behind and fed.code not in stored:
            outcome[fed.code] = FedValue(fed, "nothing_behind")
        else:
            to_write.append(ComputedValue(known[fed.code], fed.value, fed.provenance, fed.synthetic))
    written = set_computed_values(to_write, unit=unit, period=year, by=by)
    by_indicator = {known[f.code].pk: f for f in computed if f.code in known}
    for value, changed in written:
        fed = by_indicator[value.indicator_id]
        outcome[fed.code] = FedValue(fed, "written" if changed else "unchanged", value)
    return FeedResult(year, plan, unit, [outcome[f.code] for f in computed])


def refeed_on_commit(years: Iterable[int], *, by) -> None:
    """Feed the plan's indicators for `years` once the current transaction commits.

    After commit, not inside the write: a refused write rolls back and its callback is dropped,
    so it feeds nothing; the feed reads the committed registry; and the registry's write does not
    depend on the plan's set-up (no plan loaded: nothing is fed). The feed is idempotent, so two
    writes of one transaction feeding the same year write once. A feed that fails is logged and
    leaves the values as they were (Django logs it), for `stiplan registry feed-indicators` to
    redo; it never undoes the write that was committed."""
    chosen = sorted({y for y in years if isinstance(y, int) and 1900 <= y <= 2100})
    if not chosen:
        return

    def feed() -> None:
        if not Plan.objects.filter(code=DEFAULT_PLAN).exists():
            return
        for year in chosen:
            feed_indicators(year, by=by)

    transaction.on_commit(feed, robust=True)


# --- Bulk import (stiplan.registry.transfer checks the file; this writes it) ------------------

#: Rows written per INSERT or UPDATE of a bulk import.
BATCH = 2000


@dataclass(frozen=True)
class ImportSummary:
    entity: str
    rows: int
    created: int
    updated: int
    unchanged: int
    sha256: str
    dry_run: bool


@transaction.atomic
def import_registry(prepared, *, by, sha256: str, filename: str, dry_run: bool = False,
                    progress=None, synthetic: bool = False) -> ImportSummary:
    """Write a checked bulk file (`transfer.Prepared`): new rows by one prepared INSERT and
    changed ones by one prepared UPDATE, in batches, in this one transaction, with one audit entry
    for the whole import (counts and the file's sha256). A file with any problem writes nothing;
    a dry run reports the same counts and writes nothing. `synthetic` flags the new rows as made
    up (the demo's files)."""
    require(by, "registry.manage_resources")
    entity = prepared.entity.name
    summary = ImportSummary(entity, prepared.rows, len(prepared.new), len(prepared.changed),
                            prepared.unchanged, sha256, dry_run)
    if prepared.problems:
        raise InputError(prepared.problems)
    if dry_run:
        return summary
    model = {"tasks": Task, "organisations": Organisation, "people": Person,
             "ip-assets": IPAsset, "outputs": Output}[entity]
    total, done = len(prepared.new) + len(prepared.changed), 0
    for start in range(0, len(prepared.new), BATCH):
        items = prepared.new[start:start + BATCH]
        insert_rows(model, [_new_row(model, item.attrs, synthetic) for item in items])
        if entity == "tasks":
            _task_extras_created(items)
        done += len(items)
        if progress:
            progress("write", done, total)
    for start in range(0, len(prepared.changed), BATCH):
        items = prepared.changed[start:start + BATCH]
        _update_rows(model, items)
        done += len(items)
        if progress:
            progress("write", done, total)
    record(f"registry.import_{entity.replace('-', '_')}",
           Subject(model._meta.label_lower, sha256[:16], filename[:200]), by=by,
           after={"file": filename, "sha256": sha256, "rows": summary.rows,
                  "created": summary.created, "updated": summary.updated,
                  "unchanged": summary.unchanged})
    if entity in ("tasks", "outputs"):
        years = {i.attrs.get("year") or getattr(i.attrs.get("start_date"), "year", None)
                 for i in prepared.new + prepared.changed}
        refeed_on_commit(years, by=by)
    return summary


# --- Large bulk files: imported by a background job, its progress on the page -----------------
# The write of a file is one transaction (all or nothing), so it cannot show progress to another
# connection. The job therefore works in two phases: it reads and checks every row outside any
# transaction, committing the count of rows checked as it goes (what the page's bar shows), then
# writes every row and marks itself done in one transaction (the page says "writing" meanwhile).

@transaction.atomic
def request_import(entity: str, name: str, raw: bytes, *, by, dry_run: bool = False) -> ImportJob:
    """Keep an uploaded bulk file in private storage and import (or, for a dry run, only check)
    it in the background (`stiplan.registry.transfer.import_job`)."""
    require(by, "registry.manage_resources")
    job = ImportJob(entity=entity, dry_run=dry_run, filename=Path(name).name[:200],
                    sha256=hashlib.sha256(raw).hexdigest(), created_by=acting_user(by))
    keep_upload(job, job.file, raw, Path(name).suffix.lower()[:6],
                audit_as="registry.request_import", by=by)
    run_after_commit("stiplan.registry.transfer.import_job", job.pk, name=f"registry-import-{job.pk}")
    return job


def note_import_progress(job: ImportJob, step: str, done: int, total: int) -> None:
    """The job's step (read, check, write) and rows checked, committed at once for the page (the
    first note is when the job started). JobExpired when the job was failed as stale meanwhile:
    the job stops there."""
    job.state, job.step = ImportState.RUNNING, step
    if step == "check":
        job.rows_done, job.rows_total = done, total
    job.started_at = job.started_at or timezone.now()
    noted = ImportJob.objects.filter(pk=job.pk, state__in=ACTIVE_IMPORT_STATES).update(
        state=job.state, step=step, rows_done=job.rows_done, rows_total=job.rows_total,
        started_at=job.started_at)
    if not noted:
        raise JobExpired()


def _still_active(job: ImportJob) -> bool:
    """Lock the job's row for the transaction (the stale-job expirer skips a locked row) and say
    whether it may still end: False once it was failed as stale."""
    state = ImportJob.objects.select_for_update().filter(pk=job.pk).values_list("state", flat=True)
    return state.first() in ACTIVE_IMPORT_STATES


@transaction.atomic
def finish_import_job(job: ImportJob, prepared) -> ImportJob:
    """Write a checked file (`import_registry`) and mark its job done, in one transaction, the
    job's row locked throughout; JobExpired (nothing written) if it was failed as stale."""
    if not _still_active(job):
        raise JobExpired()
    summary = import_registry(prepared, by=job.created_by, sha256=job.sha256, filename=job.filename,
                              dry_run=job.dry_run)
    job.state, job.step, job.finished_at = ImportState.DONE, "", timezone.now()
    job.rows_total = job.rows_done = summary.rows
    job.created, job.updated, job.unchanged = summary.created, summary.updated, summary.unchanged
    job.save(update_fields=["state", "step", "finished_at", "rows_total", "rows_done", "created",
                            "updated", "unchanged"])
    record("registry.finish_import", job, by=job.created_by, repr_=str(job), after={
        "dry_run": job.dry_run, "rows": summary.rows, "created": summary.created,
        "updated": summary.updated, "unchanged": summary.unchanged})
    return job


@transaction.atomic
def fail_import_job(job: ImportJob, problems=(), error: str = "") -> ImportJob:
    """End the job refused: every problem by row and column (or the reason), nothing written;
    a job failed as stale meanwhile keeps that state."""
    if not _still_active(job):
        job.refresh_from_db()
        return job
    job.state, job.step, job.finished_at, job.error = ImportState.FAILED, "", timezone.now(), error
    job.problems = [{"sheet": p.sheet, "row": p.row, "column": p.column, "vi": p.vi, "en": p.en}
                    for p in problems]
    job.save(update_fields=["state", "step", "finished_at", "error", "problems"])
    record("registry.fail_import", job, by=job.created_by, repr_=str(job),
           after={"problems": len(job.problems), "error": error})
    return job


def expire_stale_imports(before: dt.datetime | None = None, *, by=None) -> list[int]:
    """End, as stale, every import job queued since before `before` or running since then (by
    default, past the time a job may take: no worker, or a killed one), each with an audit entry,
    so its page stops waiting and says to send the file again. A job writing now holds its row's
    lock and is skipped. Registered with the stale-job expirers (core/jobs.py) by
    RegistryConfig.ready."""
    stale = (ImportJob.objects.alias(since=Coalesce("started_at", "created_at"))
             .filter(state__in=ACTIVE_IMPORT_STATES, since__lt=stale_cutoff(before)))
    return end_stale(stale, _expire_import, by=by, perm="registry.manage_resources")


def _expire_import(job: ImportJob, by) -> None:
    was = {"state": job.state, "step": job.step, "rows_done": job.rows_done}
    job.state, job.step, job.error = ImportState.STALE, "", STALE_MESSAGE
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "step", "error", "finished_at"])
    record("registry.expire_stale_import", job, by=by, before=was, repr_=str(job),
           after={"state": job.state, "error": job.error})


def _new_row(model, attrs: dict, synthetic: bool) -> dict:
    if synthetic and model is not Output:  # an output is as synthetic as its task
        attrs = {**attrs, "synthetic": True}
    if model is not Task:
        return attrs
    return {**attrs, "public": attrs["state"] in PUBLIC_STATES,
            "search_text": search_text(attrs["code"], attrs["title"])}


def _task_extras_created(items) -> None:
    """The budget line (provincial, the start year) and principal investigator of new tasks,
    whose ids are read back by their codes."""
    ids = dict(Task.objects.filter(code__in=[item.attrs["code"] for item in items])
               .values_list("code", "pk"))
    lines, members = [], []
    for item in items:
        task_id = ids[item.attrs["code"]]
        total = item.extras.get("budget_total")
        if total is not None:
            lines.append({"task_id": task_id, "source": FundingSource.PROVINCIAL,
                          "year": item.attrs["start_date"].year, "amount": total})
        if item.extras.get("principal_investigator"):
            members.append({"task_id": task_id, "person_id": item.extras["principal_investigator"],
                            "role": MemberRole.PRINCIPAL})
    insert_rows(BudgetLine, lines)
    insert_rows(TaskMember, members)


def _update_rows(model, items) -> None:
    """Changed attributes of existing rows (one prepared UPDATE per set of changed fields), and a
    task's budget total (its single line) and principal investigator."""
    by_fields: dict[tuple, list] = {}
    for item in items:
        row = item.existing
        for attr, value in item.attrs.items():
            setattr(row, attr, value)
        if model is Task:
            row.search_text = search_text(row.code, row.title)
            item.attrs.setdefault("search_text", row.search_text)
        by_fields.setdefault(tuple(sorted(item.attrs)), []).append(row)
        if model is Task:
            _task_extras_changed(row, item.extras)
    for fields, rows in by_fields.items():
        if fields:
            update_rows(rows, list(fields))


def _task_extras_changed(task: Task, extras: dict) -> None:
    if "budget_total" in extras:
        BudgetLine.objects.update_or_create(
            task=task, defaults={"amount": extras["budget_total"]},
            create_defaults={"source": FundingSource.PROVINCIAL, "year": task.start_date.year,
                             "amount": extras["budget_total"]})
    if "principal_investigator" in extras:
        current = task.members.filter(role=MemberRole.PRINCIPAL).order_by("valid_from", "pk").last()
        if current is None:
            TaskMember.objects.create(task=task, person_id=extras["principal_investigator"],
                                      role=MemberRole.PRINCIPAL)
        else:
            current.person_id = extras["principal_investigator"]
            current.save(update_fields=["person"])
