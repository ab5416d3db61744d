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

from stiplan.core.actions import keep_upload
from stiplan.core.audit import acting_user, record, snapshot
from stiplan.core.jobs import (
    STALE_MESSAGE,
    JobStopped,
    drop_busy_connections,
    end_stale,
    run_after_commit,
    stale_cutoff,
)
from stiplan.core.permissions import require
from stiplan.core.yamlio import InputError, Problem
from stiplan.orgs.models import OrgUnit
from stiplan.plans import drafts, editing, versions
from stiplan.plans.docimport import import_text
from stiplan.plans.docreaders import Limits, read_document, sniff_kind
from stiplan.plans.io import (
    AMENDMENT_SPEC,
    PlanReader,
    PlanState,
    action_entry,
    export_plan,
    stored_json,
    target_entry,
    to_json_ready,
)
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
        supersedes=Plan.objects.filter(code=data["supersedes"]).first(),
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
    for amendment in data["amendments"]:
        _write_amendment(plan, amendment, by=by, audit=False)
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
    """Read an uploaded decision (DOCX, PDF, scan, text) into a draft plan now; the file is kept.

    A bad input raises InputError with the reader's message and nothing is saved."""
    require(by, "plans.load_plan")
    suffix = _suffix(name)
    with tempfile.TemporaryDirectory(prefix="stiplan-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(raw)
        source = read_document(path, limits=limits)
    result = import_text(source.text)
    with transaction.atomic():
        draft = PlanDraft(source_name=Path(name).name[:200], sha256=hashlib.sha256(raw).hexdigest(),
                          created_by=acting_user(by))
        draft.source.save(f"{draft.sha256[:16]}{suffix}", ContentFile(raw), save=False)
        _fill_draft(draft, source, result, by)
    return draft


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()[:10]


def _fill_draft(draft: PlanDraft, source, result: dict, by) -> None:
    """The read draft stored, open for review, with its audit record."""
    draft.source_kind, draft.text = source.kind, result.pop("text")
    draft.result, draft.status, draft.progress = to_json_ready(result), DraftStatus.OPEN, 100
    draft.save()
    record("plans.create_draft", draft, by=by, after={
        "source": draft.source_name, "kind": draft.source_kind,
        "summary": result["summary"]}, repr_=str(draft))


@transaction.atomic
def request_draft(name: str, raw: bytes, *, by) -> PlanDraft:
    """Keep an uploaded PDF or image and read it into a draft in the background (`read_draft`):
    OCR takes seconds a page, so the page shows the job's progress instead of waiting."""
    require(by, "plans.load_plan")
    draft = PlanDraft(source_name=Path(name).name[:200], source_kind=sniff_kind(raw[:8], name),
                      sha256=hashlib.sha256(raw).hexdigest(), status=DraftStatus.READING,
                      step="queued", created_by=acting_user(by))
    keep_upload(draft, draft.source, raw, _suffix(name), audit_as="plans.request_draft", by=by)
    run_after_commit("stiplan.plans.actions.read_draft", draft.pk, name=f"plan-draft-{draft.pk}")
    return draft


def _draft_progress(draft_id: int, done: int, total: int, what: str) -> None:
    """The job's step as the page says it: "ocr 2/5" (OCR of page 2 of 5), "text 10/30"."""
    PlanDraft.objects.filter(pk=draft_id).update(
        progress=min(99, 100 * done // max(total, 1)), step=f"{what} {done}/{total}")


def read_draft(draft_id: int, limits: Limits | None = None) -> PlanDraft:
    """The job: read the kept file (page cap, time limit, progress per page), parse it, and
    leave the draft open for review, or failed with the reader's reason (nothing else kept)."""
    draft = PlanDraft.objects.select_related("created_by").get(pk=draft_id)
    if draft.status != DraftStatus.READING:
        return draft
    try:
        with tempfile.TemporaryDirectory(prefix="stiplan-draft-") as tmp:
            path = Path(tmp) / f"upload{_suffix(draft.source.name)}"
            with draft.source.open("rb") as fh:
                path.write_bytes(fh.read())
            source = read_document(path, limits=limits, progress=lambda done, total, what:
                                   _draft_progress(draft.pk, done, total, what))
        result = import_text(source.text)
        with transaction.atomic():
            draft = PlanDraft.objects.select_for_update().get(pk=draft_id)
            if draft.status == DraftStatus.READING:  # not failed as stale meanwhile
                _fill_draft(draft, source, result, draft.created_by)
    except InputError as exc:
        _fail_draft(draft, "\n".join(f"{p.vi} — {p.en}" for p in exc.problems))
        return draft
    except JobStopped as exc:  # the worker is stopping: nothing was kept; ask again
        drop_busy_connections()
        _fail_draft(draft, str(exc))
        return draft
    except Exception:
        _fail_draft(draft, "lỗi khi đọc văn bản; hãy thử lại hay gửi tệp khác — the document "
                    "could not be read; try again or send another file")
        raise
    return draft


def expire_stale_drafts(before: dt.datetime | None = None, *, by=None) -> list[int]:
    """Fail every draft still being read that was asked for before `before` (by default, past
    the time a job may take: no worker, or a killed one; the reader's own time limit is 10
    minutes), each with an audit entry, so no page waits for it for ever. Registered with the
    stale-job expirers (core/jobs.py) by PlansConfig.ready."""
    stale = PlanDraft.objects.filter(status=DraftStatus.READING, created_at__lt=stale_cutoff(before))
    return end_stale(stale, _expire_draft, by=by, perm="plans.load_plan")


def _expire_draft(draft: PlanDraft, by) -> None:
    was = {"status": draft.status, "step": draft.step}
    draft.status, draft.error, draft.step = DraftStatus.FAILED, STALE_MESSAGE, ""
    draft.save(update_fields=["status", "error", "step"])
    record("plans.expire_stale_draft", draft, by=by, before=was,
           after={"status": draft.status, "error": draft.error}, repr_=str(draft))


@transaction.atomic
def _fail_draft(draft: PlanDraft, error: str) -> None:
    draft.status, draft.error, draft.step = DraftStatus.FAILED, error, ""
    draft.save(update_fields=["status", "error", "step"])
    record("plans.fail_draft", draft, by=draft.created_by, after={"error": error},
           repr_=str(draft))


def _open_draft(draft_pk: int) -> PlanDraft:
    draft = PlanDraft.objects.select_for_update().get(pk=draft_pk)
    if draft.status == DraftStatus.PUBLISHED:
        raise InputError([Problem(None, "(bản nháp)", "bản nháp đã được đưa vào hệ thống",
                                  "the draft has already been published")])
    if draft.status != DraftStatus.OPEN:
        raise InputError([Problem(None, "(bản nháp)", "văn bản chưa đọc xong hay không đọc được",
                                  "the document is still being read, or could not be read")])
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


def _state(plan: Plan, day: dt.date) -> PlanState:
    """The plan in force just before a decision of `day`, as the plan file's checks read it."""
    issued = plan.legal_basis.get("date")
    return PlanState(
        dt.date.fromisoformat(issued) if issued else None, plan.period_start, plan.period_end,
        set(plan.plan_indicators.values_list("indicator__code", flat=True)),
        set(plan.task_groups.values_list("code", flat=True)),
        {t.code: target_entry(t) for t in versions.targets_in_force(plan, day)},
        {a.code: {**action_entry(a), "group": a.group.code}
         for a in versions.actions_in_force(plan, day)},
        last=plan.amendments.order_by("-date").values_list("date", flat=True).first(),
        superseded=versions.superseded_on(plan))


def _checked_decision(plan: Plan, kind: str, decision: Decision, targets: list[dict],
                      actions: list[dict]) -> dict:
    """The decision as a plan file's `amendments` entry, checked whole against the plan in force
    before it; a change names only what it changes, the rest comes from the item it changes."""
    state = _state(plan, decision.date)
    node = {"kind": kind, "number": decision.number, "date": decision.date,
            "title": decision.title, "file_name": decision.file_name[:200],
            "targets": [{**state.targets.get(t.get("code"), {}), **t} for t in targets],
            "actions": [{**state.actions.get(a.get("code"), {}), **a} for a in actions]}
    reader = PlanReader.for_plan(plan)
    data = reader.c.fields(node, "", AMENDMENT_SPEC)
    data = reader.amendment(data, "", None, state)
    reader.c.raise_if_any()
    return data


def _new_amendment(plan: Plan, data: dict, by, raw: bytes = b"") -> Amendment:
    last = plan.amendments.order_by("-version").values_list("version", flat=True).first() or 1
    amendment = Amendment(plan=plan, version=last + 1, kind=data["kind"], number=data["number"],
                          date=data["date"], title=data["title"], file_name=data["file_name"],
                          created_by=acting_user(by))
    if raw:
        suffix = Path(data["file_name"]).suffix.lower()[:10]
        amendment.file.save(f"{plan.code}-v{amendment.version}{suffix}", ContentFile(raw),
                            save=False)
    amendment.save()
    return amendment


def _write_amendment(plan: Plan, data: dict, *, by, raw: bytes = b"", audit: bool) -> Amendment:
    """Write a checked decision (`_checked_decision`, or a plan file's `amendments` entry): a new
    row, from its date, for each target and action it changes, adds or removes."""
    amendment = _new_amendment(plan, data, by, raw)
    day = amendment.date
    old_targets = {t.code: t for t in versions.targets_in_force(plan, day)}
    indicators = {pi.indicator.code: pi.indicator
                  for pi in plan.plan_indicators.select_related("indicator")}
    for entry in data["targets"]:
        old = old_targets[entry["code"]]
        fields = {k: v for k, v in entry.items() if k != "indicator"}
        target = Target.objects.create(plan=plan, order=old.order, indicator=indicators[
            entry["indicator"]], amendment=amendment, valid_from=day, **fields)
        if audit:
            target.refresh_from_db()  # the stored values (decimals as the column keeps them)
            record("plans.amend_target", target, by=by, before=snapshot(old),
                   after=snapshot(target), unit=plan.issuing_unit, reason=amendment.number,
                   repr_=f"{plan.code}: {target.code}")
    old_actions = {a.code: a for a in versions.actions_in_force(plan, day)}
    targets = {t.code: t for t in versions.targets_in_force(plan, day)}
    groups = {g.code: g for g in plan.task_groups.all()}
    units = OrgUnit.objects.in_bulk(field_name="code")
    for entry in data["actions"]:
        old, group = old_actions.get(entry["code"]), groups[entry["group"]]
        order = old.order if old is not None and old.group_id == group.pk else (
            (group.actions.order_by("-order").values_list("order", flat=True).first() or 0) + 1)
        action = Action.objects.create(group=group, order=order, code=entry["code"],
                                       text=entry["text"], amendment=amendment, valid_from=day,
                                       removed=entry["removed"])
        action.targets.set([targets[c] for c in entry["targets"]])
        Assignment.objects.bulk_create(
            Assignment(action=action, order=k, unit=units.get(s["unit"]),
                       unit_type=s["unit_type"], role=s["role"], basis=s["basis"],
                       function=s["function"])
            for k, s in enumerate(entry["assignments"]))
        if audit:
            record("plans.amend_action", action, by=by,
                   before={**action_entry(old), "group": old.group.code} if old else None,
                   after=None if action.removed else entry, unit=plan.issuing_unit,
                   reason=amendment.number, repr_=f"{plan.code}: {action.code}")
    return amendment


@transaction.atomic
def amend_plan(plan: Plan, decision: Decision, changes: list[dict], *, by,
               actions: list[dict] = ()) -> Amendment:
    """A later decision changes targets and actions from its date. Each change is an entry of
    the plan file's `amendments` (same fields and rules): a target names the one it replaces
    (`removed: true` ends it); an action changes the one of its code, or is added (a new code
    with its `group`), or ends (`removed: true`)."""
    require(by, "plans.change_plan", plan)
    data = _checked_decision(plan, AmendmentKind.AMEND, decision, changes, list(actions))
    amendment = _write_amendment(plan, data, by=by, raw=decision.raw, audit=True)
    record("plans.amend_plan", amendment, by=by, after=snapshot(amendment),
           unit=plan.issuing_unit, repr_=f"{plan.code}: {amendment}")
    return amendment


@transaction.atomic
def supersede_plan(plan: Plan, decision: Decision, *, by, successor: Plan | None = None
                   ) -> Amendment:
    """A later decision replaces the plan: it is no longer in force from the decision's date."""
    require(by, "plans.change_plan", plan)
    data = _checked_decision(plan, AmendmentKind.SUPERSEDE, decision, [], [])
    before = snapshot(plan)
    amendment = _write_amendment(plan, data, by=by, raw=decision.raw, audit=True)
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


@transaction.atomic
def delete_plan_item(plan: Plan, key: str, *, by, reason: str = ""):
    """Delete a target, indicator, task group (with its actions) or action of a draft plan.

    Refused whole (InputError naming why) when the plan is in force (a later decision removes
    items from its date), when reports, values or tasks use the item, or when the plan would no
    longer pass its validation."""
    require(by, "plans.change_plan", plan)
    found = editing.removal(plan, key)
    if not found.allowed:
        raise InputError(found.refusals)
    row = found.row
    record("plans.delete_plan_item", row, by=by,
           before={**snapshot(row), "goes_with": found.goes_with}, after=None,
           unit=plan.issuing_unit, reason=reason, repr_=f"{plan.code}: {found.label}"[:300])
    row.delete()
    return found
