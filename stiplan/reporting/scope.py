"""What a round asks of whom: the units responsible on the opening day and their items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from stiplan.orgs.models import OrgUnit
from stiplan.plans import versions
from stiplan.plans.models import AssignmentRole, Plan
from stiplan.plans.responsibility import Responsibilities
from stiplan.reporting.models import IndicatorAssignment


@dataclass
class UnitScope:
    """One unit's part of a round: actions with its role, indicators with their bounds."""

    unit: OrgUnit
    actions: dict[int, str] = field(default_factory=dict)  # action id → role
    indicators: dict[int, IndicatorAssignment] = field(default_factory=dict)  # indicator id → rule


def round_scope(plan: Plan, day: date, scope: dict | None = None,
                year: int | None = None) -> dict[int, UnitScope]:
    """Units (by id) that must report on `day`, with what; an ad hoc `scope` narrows it.

    The actions asked about are the plan's version in force for the round's `year` (on `day`
    without one); `scope` may hold "units", "actions" and "indicators" (codes); an empty list
    means all.
    """
    scope = scope or {}
    resp = Responsibilities(plan, day)
    wanted_actions = set(scope.get("actions") or [])
    wanted_indicators = set(scope.get("indicators") or [])
    wanted_units = set(scope.get("units") or [])
    out: dict[int, UnitScope] = {}

    def slot(unit: OrgUnit) -> UnitScope | None:
        if wanted_units and unit.code not in wanted_units:
            return None
        return out.setdefault(unit.pk, UnitScope(unit))

    if not wanted_indicators or wanted_actions:
        rows = versions.action_rows(plan).prefetch_related("assignments")
        actions = (versions.actions_for_year(plan, year, rows) if year
                   else versions.actions_in_force(plan, day, rows))
        for action in actions:
            if wanted_actions and action.code not in wanted_actions:
                continue
            for assignment in action.assignments.all():
                for unit in resp.holders(assignment):
                    if (s := slot(unit)) is not None and s.actions.get(action.pk) != AssignmentRole.LEAD:
                        s.actions[action.pk] = assignment.role
    if not wanted_actions or wanted_indicators:
        rules = IndicatorAssignment.objects.filter(plan=plan).select_related("indicator")
        for rule in rules:
            if wanted_indicators and rule.indicator.code not in wanted_indicators:
                continue
            for unit in resp.holders(rule):
                if (s := slot(unit)) is not None:
                    s.indicators.setdefault(rule.indicator_id, rule)
    for code in wanted_units:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is not None and unit.valid_on(day):
            slot(unit)
    return out
