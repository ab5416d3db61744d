"""Writes to a plan's assignments (phân công), each audited with before → after."""

from __future__ import annotations

from django.db import transaction

from stiplan.core.audit import record, snapshot
from stiplan.core.permissions import require
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import Action, Assignment, AssignmentRole, Basis


@transaction.atomic
def do_add_assignment(action: Action, unit: OrgUnit, role: str, *, by,
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
def do_remove_assignment(assignment: Assignment, *, by, reason: str = "") -> None:
    require(by, "plans.change_plan", assignment.action.group.plan)
    record("plans.remove_assignment", assignment, by=by, before=snapshot(assignment), after=None,
           unit=assignment.unit, reason=reason, repr_=str(assignment))
    assignment.delete()
