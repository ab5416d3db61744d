"""Writes to a plan, each audited with before → after: a whole plan loaded from its normal form
(parsed by plans/io.py), assignments (phân công) added and removed, drafts read from a document
(review, publish), edits of a plan's items, and later decisions that amend or supersede it."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from stiplan.core import yamlio as y
from stiplan.core.audit import acting_user, record, snapshot
from stiplan.core.permissions import require
from stiplan.core.yamlio import InputError, Problem
from stiplan.orgs.models import OrgUnit
from stiplan.plans import drafts, editing, versions
from stiplan.plans.docimport import import_text
from stiplan.plans.docreaders import Limits, read_document
from stiplan.plans.io import TARGET_SPEC, PlanReader, export_plan, stored_json, to_json_ready
from stiplan.plans.models import (
    Action,
    Amendment,
    AmendmentKind,
    Assignment,
    AssignmentRole,
    Basis,
    DraftStatus,
    Indicator,
    Objective,
    Plan,
    PlanDraft,
    PlanIndicator,
    PlanStatus,
    RelatedDocument,
    Target,
    TaskGroup,
)


@transaction.atomic
def load_plan(data: dict, *, by=None, replace: bool = False) -> Plan:
    """Create the plan from its normal form (plans.io.parse_plan), or replace it when `replace`;
    audited with the exported plan before → after."""
    require(by, "plans.load_plan")
    existing = Plan.objects.filter(code=data["code"]).first()
    before = None
    if existing is not None:
        if not replace:
            raise InputError([Problem(None, "code",
                                      f"kế hoạch «{data['code']}» đã có; dùng --replace để thay",
                                      f"plan '{data['code']}' exists; use --replace")])
        before = export_plan(existing)
        existing.delete()
    units = OrgUnit.objects.in_bulk(field_name="code")
    plan = Plan.objects.create(
        code=data["code"], title=data["title"], title_en=data["title_en"], status=data["status"],
        period_start=data["period"]["start"], period_end=data["period"]["end"],
        issuing_unit=units[data["issuing_unit"]], legal_basis=stored_json(data["legal_basis"]),
        parent_strategy=stored_json(data["parent_strategy"]) or {},
        purposes=data["purposes"], requirements=data["requirements"],
        reporting=stored_json(data["reporting"]),
    )
    RelatedDocument.objects.bulk_create(
        RelatedDocument(plan=plan, order=i, **doc) for i, doc in enumerate(data["related_documents"])
    )
    objectives = {}
    for i, o in enumerate(data["objectives"]):
        objectives[o["code"]] = plan.objectives.create(order=i, **o)
    indicators = {}
    for i, ind in enumerate(data["indicators"]):
        fields = {k: v for k, v in ind.items() if k not in ("code", "objective")}
        indicator, _ = Indicator.objects.update_or_create(code=ind["code"], defaults=fields)
        indicators[ind["code"]] = indicator
        PlanIndicator.objects.create(plan=plan, indicator=indicator, order=i,
                                     objective=objectives.get(ind["objective"]))
    targets = {}
    for i, t in enumerate(data["targets"]):
        fields = {k: v for k, v in t.items() if k != "indicator"}
        targets[t["code"]] = Target.objects.create(plan=plan, order=i,
                                                   indicator=indicators[t["indicator"]], **fields)
    for gi, g in enumerate(data["task_groups"]):
        group = TaskGroup.objects.create(plan=plan, order=gi, code=g["code"], section=g["section"],
                                         title=g["title"])
        for ai, a in enumerate(g["actions"]):
            action = Action.objects.create(group=group, order=ai, code=a["code"], text=a["text"])
            action.targets.set([targets[c] for c in a["targets"]])
            Assignment.objects.bulk_create(
                Assignment(action=action, order=k, unit=units.get(s["unit"]),
                           unit_type=s["unit_type"], role=s["role"], basis=s["basis"],
                           function=s["function"])
                for k, s in enumerate(a["assignments"])
            )
    record("plans.load_plan", plan, by=by, before=before, after=export_plan(plan),
           unit=plan.issuing_unit)
    return plan


@transaction.atomic
def add_assignment(action: Action, unit: OrgUnit, role: str, *, by,
                   reason: str = "") -> Assignment:
    """Give `unit` the `role` (chủ trì / phối hợp) for `action`."""
    require(by, "plans.change_plan", action.group.plan)
    if role not in AssignmentRole.values:
        raise ValueError(role)
    order = (action.assignments.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    assignment = Assignment.objects.create(action=action, unit=unit, role=role,
                                           basis=Basis.DERIVED, order=order)
    record("plans.add_assignment", assignment, by=by, before=None, after=snapshot(assignment),
           unit=unit, reason=reason, repr_=f"{action.code}: {unit.code} ({role})")
    return assignment


@transaction.atomic
def remove_assignment(assignment: Assignment, *, by, reason: str = "") -> None:
    """Take an assignment off its action; the log keeps what it was."""
    require(by, "plans.change_plan", assignment.action.group.plan)
    record("plans.remove_assignment", assignment, by=by, before=snapshot(assignment), after=None,
           unit=assignment.unit, reason=reason, repr_=str(assignment))
    assignment.delete()


# --- Drafts read from a document (bản nháp) ----------------------------------------------------

def create_draft(name: str, raw: bytes, *, by, limits: Limits | None = None) -> PlanDraft:
    """Read an uploaded decision (DOCX, PDF, scan, text) into a draft plan; the file is kept.

    A bad input raises InputError with the reader's message and nothing is saved."""
    require(by, "plans.load_plan")
    suffix = Path(name).suffix.lower()[:10]
    with tempfile.TemporaryDirectory(prefix="stiplan-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(raw)
        source = read_document(path, limits=limits)
    result = import_text(source.text)
    with transaction.atomic():
        draft = PlanDraft(source_name=Path(name).name[:200], source_kind=source.kind,
                          sha256=hashlib.sha256(raw).hexdigest(), text=result.pop("text"),
                          result=to_json_ready(result), created_by=acting_user(by))
        draft.source.save(f"{draft.sha256[:16]}{suffix}", ContentFile(raw), save=False)
        draft.save()
        record("plans.create_draft", draft, by=by, after={
            "source": draft.source_name, "kind": draft.source_kind,
            "summary": result["summary"]}, repr_=str(draft))
    return draft


def _open_draft(draft_pk: int) -> PlanDraft:
    draft = PlanDraft.objects.select_for_update().get(pk=draft_pk)
    if draft.status != DraftStatus.OPEN:
        raise InputError([Problem(None, "(bản nháp)", "bản nháp đã được đưa vào hệ thống",
                                  "the draft has already been published")])
    return draft


@transaction.atomic
def decide_item(draft: PlanDraft, key: str, state: str, *, by,
                values: dict[str, str] | None = None) -> PlanDraft:
    """Accept, fix (with the new `values` of its fields) or drop one item of a draft."""
    require(by, "plans.load_plan")
    draft = _open_draft(draft.pk)
    if state not in drafts.STATES or (state == drafts.DROPPED and key == drafts.HEADER):
        raise ValueError(state)
    if key != drafts.HEADER:
        drafts.locate(draft.result["plan"], key)  # KeyError for an item that is not there
    before = after = None
    if state == drafts.FIXED:
        before, after = drafts.apply_fix(draft.result, key, values or {})
    draft.decisions[key] = {"state": state}
    draft.save(update_fields=["result", "decisions"])
    verb = {drafts.ACCEPTED: "accept", drafts.FIXED: "fix", drafts.DROPPED: "drop"}[state]
    record(f"plans.{verb}_draft_item", draft, by=by,
           before=before, after=after, repr_=f"{draft.source_name}: {key}")
    return draft


@transaction.atomic
def publish_draft(draft: PlanDraft, *, by) -> Plan:
    """Validate the reviewed draft as a plan file and load it, in one transaction.

    Refused while a flagged item is still undecided or the plan validation finds a problem."""
    require(by, "plans.load_plan")
    draft = _open_draft(draft.pk)
    undecided = [i.key for i in drafts.items(draft.result, draft.decisions) if i.open]
    if undecided:
        raise InputError([Problem(None, key, "mục được đánh dấu chưa được rà soát (chấp nhận, "
                                  "sửa hay bỏ)", "flagged item not yet reviewed (accept, fix or "
                                  "drop)") for key in undecided])
    data, problems = drafts.validate(draft.result, draft.decisions)
    if data is None:
        raise InputError([Problem(None, f"{key}.{p.path}" if p.path else key, p.vi, p.en)
                          for key, found in problems.items() for p in found])
    try:
        plan = load_plan(data, by=by)
    except InputError as exc:  # the plan code is taken
        raise InputError([Problem(None, f"{drafts.HEADER}.{p.path}", p.vi, p.en)
                          for p in exc.problems]) from None
    draft.plan, draft.status, draft.published_at = plan, DraftStatus.PUBLISHED, timezone.now()
    draft.save(update_fields=["plan", "status", "published_at"])
    record("plans.publish_draft", draft, by=by, after={"plan": plan.code},
           unit=plan.issuing_unit, repr_=f"{draft.source_name} → {plan.code}")
    return plan


# --- Later decisions: amend (sửa đổi, bổ sung) and supersede (thay thế) --------------------------

@dataclass
class Decision:
    """The later decision itself: number and symbol, date (effective from), title, its file."""

    number: str
    date: dt.date
    title: str = ""
    file_name: str = ""
    raw: bytes = b""


def _check_target(plan: Plan, change: dict, path: str, checker: y.Checker) -> dict | None:
    """One changed target read as the plan file's `targets` entries are, with their rules."""
    data = checker.fields(change, path, TARGET_SPEC)
    if data is None:
        return None
    reader = PlanReader({})
    reader.c, reader.start, reader.end = checker, plan.period_start, plan.period_end
    reader._target(data, path, None, set(plan.plan_indicators.values_list(
        "indicator__code", flat=True)))
    return data


def _new_amendment(plan: Plan, kind: str, decision: Decision, by) -> Amendment:
    last = plan.amendments.order_by("-version").values_list("version", flat=True).first() or 1
    amendment = Amendment(plan=plan, version=last + 1, kind=kind, number=decision.number,
                          date=decision.date, title=decision.title,
                          file_name=decision.file_name[:200], created_by=acting_user(by))
    if decision.raw:
        suffix = Path(decision.file_name).suffix.lower()[:10]
        amendment.file.save(f"{plan.code}-v{amendment.version}{suffix}",
                            ContentFile(decision.raw), save=False)
    amendment.save()
    return amendment


def _check_decision(plan: Plan, decision: Decision, checker: y.Checker) -> None:
    if not decision.number.strip():
        checker.add(None, "number", "cần số hiệu của quyết định", "the decision number is required")
    issued = plan.legal_basis.get("date")
    if issued and decision.date <= dt.date.fromisoformat(issued):
        checker.add(None, "date", f"quyết định phải sau ngày ban hành kế hoạch {issued}",
                    f"the decision must come after the plan's issue date {issued}")
    ended = versions.superseded_on(plan)
    if ended is not None:
        checker.add(None, "date", f"kế hoạch đã được thay thế từ ngày {ended:%d/%m/%Y}",
                    f"the plan was superseded on {ended}")


@transaction.atomic
def amend_plan(plan: Plan, decision: Decision, changes: list[dict], *, by) -> Amendment:
    """A later decision changes targets from its date: each change is a `targets` entry of the
    plan file (same fields and rules) whose code names the target it replaces."""
    require(by, "plans.change_plan", plan)
    checker = y.Checker()
    _check_decision(plan, decision, checker)
    current = {t.code: t for t in versions.targets_in_force(plan, decision.date)}
    if not changes:
        checker.add(None, "targets", "quyết định sửa đổi cần ít nhất một mục tiêu thay đổi",
                    "an amending decision needs at least one changed target")
    checked = []
    for i, change in enumerate(changes):
        path = f"targets[{i}]"
        data = _check_target(plan, change, path, checker)
        if data is not None and data["code"] and data["code"] not in current:
            checker.add(None, f"{path}.code", f"mục tiêu «{data['code']}» không có trong kế hoạch",
                        f"target '{data['code']}' is not in the plan")
        checked.append(data)
    checker.raise_if_any()
    amendment = _new_amendment(plan, AmendmentKind.AMEND, decision, by)
    indicators = {pi.indicator.code: pi.indicator
                  for pi in plan.plan_indicators.select_related("indicator")}
    for data in checked:
        old = current[data["code"]]
        fields = {k: v for k, v in data.items() if k != "indicator"}
        target = Target.objects.create(plan=plan, order=old.order, indicator=indicators[
            data["indicator"]], amendment=amendment, valid_from=decision.date, **fields)
        target.refresh_from_db()  # the stored values (decimals as the column keeps them)
        record("plans.amend_target", target, by=by, before=snapshot(old), after=snapshot(target),
               unit=plan.issuing_unit, reason=decision.number, repr_=f"{plan.code}: {target.code}")
    record("plans.amend_plan", amendment, by=by, after=snapshot(amendment),
           unit=plan.issuing_unit, repr_=f"{plan.code}: {amendment}")
    return amendment


@transaction.atomic
def supersede_plan(plan: Plan, decision: Decision, *, by, successor: Plan | None = None
                   ) -> Amendment:
    """A later decision replaces the plan: it is no longer in force from the decision's date."""
    require(by, "plans.change_plan", plan)
    checker = y.Checker()
    _check_decision(plan, decision, checker)
    checker.raise_if_any()
    before = snapshot(plan)
    amendment = _new_amendment(plan, AmendmentKind.SUPERSEDE, decision, by)
    if decision.date <= timezone.localdate():
        plan.status = PlanStatus.SUPERSEDED
        plan.save(update_fields=["status"])
    if successor is not None:
        successor.supersedes = plan
        successor.save(update_fields=["supersedes"])
    record("plans.supersede_plan", plan, by=by, before=before, after=snapshot(plan),
           unit=plan.issuing_unit, reason=decision.number, repr_=f"{plan.code}: {amendment}")
    return amendment


# --- Editing a plan in the browser ---------------------------------------------------------------

#: Fields an edit leaves alone: the plan's code names it (addresses, files), an indicator's code
#: is shared by every plan that measures it.
FIXED_CODES = {drafts.HEADER: "code", "indicators": "code"}


@transaction.atomic
def edit_plan_item(plan: Plan, key: str, values: dict[str, str], *, by):
    """Change one item of the plan (header, objective, indicator, target, related document, task
    group, action, assignment): the whole plan is checked as a plan file is, then the row written."""
    require(by, "plans.change_plan", plan)
    data = editing.normal(plan)
    kind = drafts.HEADER if key == drafts.HEADER else drafts.locate(data, key)[1]
    values = {k: v for k, v in values.items() if k != FIXED_CODES.get(kind)}
    drafts.apply_fix({"plan": data}, key, values)
    checked = editing.check(data, key)
    entry = checked if key == drafts.HEADER else drafts.locate(checked, key)[0]
    row = editing.row_of(plan, key)
    before = snapshot(row)
    _write_item(plan, key, entry, checked, row)
    row.refresh_from_db()
    record("plans.edit_plan_item", row, by=by, before=before, after=snapshot(row),
           unit=plan.issuing_unit, repr_=f"{plan.code}: {key}")
    return row


@transaction.atomic
def add_plan_item(plan: Plan, to: str, values: dict[str, str], *, by):
    """Add an objective, indicator, target or related document (`to` names the list), or an
    action to a task group (`to` = "task_groups[2].actions"), checked as a plan file is."""
    require(by, "plans.change_plan", plan)
    data = editing.normal(plan)
    group = re.fullmatch(r"task_groups\[(\d+)\]\.actions", to)
    if group:
        entries = data["task_groups"][int(group.group(1))]["actions"]
        entries.append({"code": "", "text": "", "targets": [], "assignments": []})
    else:
        entries = data[to]
        entries.append(dict(editing.NEW_ENTRY[to]))
    key = f"{to}[{len(entries) - 1}]"
    drafts.apply_fix({"plan": data}, key, values)
    checked = editing.check(data, key)
    entry = drafts.locate(checked, key)[0]
    if group:
        row = _new_action(editing.row_of(plan, f"task_groups[{group.group(1)}]"), entry)
    else:
        row = _write_item(plan, key, entry, checked)
    row.refresh_from_db()
    record("plans.add_plan_item", row, by=by, after=snapshot(row), unit=plan.issuing_unit,
           repr_=f"{plan.code}: {key}")
    return row


def _write_item(plan: Plan, key: str, entry: dict, checked: dict, row=None):
    """Write the validated `entry` of item `key` into its row; a new row when `row` is None
    (objectives, indicators, targets, related documents; actions through `_new_action`)."""
    kind = key.split(".")[-1].split("[")[0] if key != drafts.HEADER else drafts.HEADER
    if kind == drafts.HEADER:
        return _write_header(plan, checked)
    if kind == "indicators":
        fields = {k: v for k, v in entry.items() if k not in ("code", "objective")}
        indicator, _made = Indicator.objects.update_or_create(code=entry["code"], defaults=fields)
        row = row or PlanIndicator(plan=plan, indicator=indicator,
                                   order=plan.plan_indicators.count())
        row.objective = plan.objectives.filter(code=entry["objective"]).first()
        row.save()
        return row
    if row is None:
        model = {"objectives": Objective, "targets": Target,
                 "related_documents": RelatedDocument}[kind]
        row = model(plan=plan, order=model.objects.filter(plan=plan).count())
    if kind == "targets":
        fields = {k: v for k, v in entry.items() if k != "indicator"}
        row.indicator = Indicator.objects.get(code=entry["indicator"])
    elif kind == "assignments":
        fields = {"unit": OrgUnit.objects.filter(code=entry["unit"]).first() if entry["unit"]
                  else None, "unit_type": entry["unit_type"], "role": entry["role"]}
    else:
        fields = {k: v for k, v in entry.items() if k in drafts.ITEM_FIELDS[kind]}
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def _write_header(plan: Plan, checked: dict) -> Plan:
    legal = dict(plan.legal_basis)
    legal["number"] = checked["legal_basis"]["number"]
    legal["date"] = checked["legal_basis"]["date"].isoformat()
    plan.title, plan.title_en = checked["title"], checked["title_en"]
    plan.period_start, plan.period_end = checked["period"]["start"], checked["period"]["end"]
    plan.issuing_unit = OrgUnit.objects.get(code=checked["issuing_unit"])
    plan.legal_basis = legal
    plan.save()
    return plan


def _new_action(group: TaskGroup, entry: dict) -> Action:
    order = (group.actions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return Action.objects.create(group=group, order=order, code=entry["code"], text=entry["text"])
