"""Versions of a plan: the targets and actions in force on a day or for a reporting year, and the
history.

The plan as issued is version 1; each later decision (`Amendment`) makes the next version. An
amended target or action is a new row with the same code, the amendment and `valid_from` = the
decision's date (a new code: an item added; `removed`: the item ends on that date); the row in
force on a day is the one with the latest `valid_from` not after it, unless it is a removal.
A reporting round of year Y uses the version in force at the end of Y (the report is made then).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from stiplan.plans.models import Action, Amendment, AmendmentKind, Plan, Target

BEGINNING = dt.date.min


def _start(row) -> dt.date:
    return row.valid_from or BEGINNING


def _in_time(row) -> tuple[dt.date, int]:
    """When a row starts; of two decisions of one day, the later version wins."""
    return _start(row), row.amendment.version if row.amendment_id else 1


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def target_rows(plan: Plan):
    return Target.objects.filter(plan=plan).select_related("indicator", "amendment")


def action_rows(plan: Plan):
    return Action.objects.filter(group__plan=plan).select_related("group", "amendment")


def _latest(rows, day: dt.date) -> dict:
    """{code: the row of that code in force on `day`}, removals included."""
    chosen: dict = {}
    for row in sorted(rows, key=_in_time):
        if _start(row) <= day:
            chosen[row.code] = row
    return chosen


def targets_in_force(plan: Plan, day: dt.date, rows=None) -> list[Target]:
    """One row per target code: the version in force on `day`, in the plan's order."""
    chosen = _latest(rows if rows is not None else target_rows(plan), day)
    return sorted((t for t in chosen.values() if not t.removed), key=lambda t: t.order)


def targets_for_year(plan: Plan, year: int) -> list[Target]:
    """The targets a reporting round of `year` is measured against."""
    return targets_in_force(plan, year_end(year))


def actions_in_force(plan: Plan, day: dt.date, rows=None) -> list[Action]:
    """One row per action code: the version in force on `day`, in the plan's order."""
    chosen = _latest(rows if rows is not None else action_rows(plan), day)
    return sorted((a for a in chosen.values() if not a.removed),
                  key=lambda a: (a.group.order, a.order))


def actions_in_force_among(rows, day: dt.date):
    """The rows of an Action query set, over any plans, that are in force on `day` (a query set):
    one per plan and code (an amended action's earlier version, or a removed one, is left out)."""
    by_plan: dict[int, list[Action]] = {}
    for row in rows.select_related("group", "amendment"):
        by_plan.setdefault(row.group.plan_id, []).append(row)
    return rows.filter(pk__in=[action.pk for plan_rows in by_plan.values()
                               for action in _latest(plan_rows, day).values() if not action.removed])


def actions_for_year(plan: Plan, year: int, rows=None) -> list[Action]:
    """The actions a reporting round of `year` asks about."""
    return actions_in_force(plan, year_end(year), rows)


def target_versions(plan: Plan) -> dict[str, list[Target]]:
    """Every version of each target, oldest first: what the indicator engine compares."""
    out: dict[str, list[Target]] = {}
    for target in sorted(target_rows(plan), key=lambda t: (t.order, _start(t))):
        out.setdefault(target.code, []).append(target)
    return out


def superseded_on(plan: Plan) -> dt.date | None:
    found = plan.amendments.filter(kind=AmendmentKind.SUPERSEDE).order_by("date").first()
    return found.date if found else None


def in_force_on(plan: Plan, day: dt.date) -> bool:
    issued = plan.legal_basis.get("date")
    if issued and dt.date.fromisoformat(issued) > day:
        return False
    ended = superseded_on(plan)
    return ended is None or day < ended


@dataclass
class Change:
    """One item a decision changed: `before` None when it adds the item, `after.removed` when it
    removes it."""

    code: str
    before: Target | Action | None
    after: Target | Action


@dataclass
class Version:
    number: int
    decision: str
    date: dt.date | None
    kind: str  # issue | amend | supersede
    title: str
    amendment: Amendment | None = None
    changes: list[Change] = field(default_factory=list)  # targets
    action_changes: list[Change] = field(default_factory=list)


def _changes(rows: list, amendment: Amendment, order) -> list[Change]:
    """The rows `amendment` wrote, each beside the version in force just before it."""
    before = _latest([r for r in rows if r.amendment_id != amendment.pk], amendment.date)
    return [Change(row.code, _live(before.get(row.code)), row)
            for row in sorted((r for r in rows if r.amendment_id == amendment.pk), key=order)]


def _live(row):
    return None if row is None or row.removed else row


def history(plan: Plan) -> list[Version]:
    """Version 1 (the decision as issued), then each amendment with the targets and actions it
    changed, added or removed."""
    issued = plan.legal_basis.get("date")
    out = [Version(1, plan.number, dt.date.fromisoformat(issued) if issued else None, "issue",
                   plan.title)]
    targets, actions = list(target_rows(plan)), list(action_rows(plan))
    for amendment in plan.amendments.order_by("version"):
        version = Version(amendment.version, amendment.number, amendment.date, amendment.kind,
                          amendment.title, amendment)
        version.changes = _changes(targets, amendment, lambda t: t.order)
        version.action_changes = _changes(actions, amendment, lambda a: (a.group.order, a.order))
        out.append(version)
    return out
