"""Writes of the plans app: a whole plan loaded from its normal form (parsed by plans/io.py), and
a plan's assignments (phân công) added and removed. Each audited with before → after."""

from __future__ import annotations

from django.db import transaction

from stiplan.core.audit import record, snapshot
from stiplan.core.permissions import require
from stiplan.core.yamlio import InputError, Problem
from stiplan.orgs.models import OrgUnit
from stiplan.plans.io import export_plan, stored_json
from stiplan.plans.models import (
    Action,
    Assignment,
    AssignmentRole,
    Basis,
    Indicator,
    Plan,
    PlanIndicator,
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
