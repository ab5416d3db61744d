"""Versions of a plan: the targets in force on a day or for a reporting year, and the history.

The plan as issued is version 1; each later decision (`Amendment`) makes the next version. An
amended target is a new `Target` row with the same code, the amendment and `valid_from` = the
decision's date; the row in force on a day is the one with the latest `valid_from` not after it.
The reporting round of year Y uses the targets in force at the end of Y (the report is made then).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from stiplan.plans.models import Amendment, AmendmentKind, Plan, Target

BEGINNING = dt.date.min


def _start(target: Target) -> dt.date:
    return target.valid_from or BEGINNING


def target_rows(plan: Plan):
    return Target.objects.filter(plan=plan).select_related("indicator", "amendment")


def targets_in_force(plan: Plan, day: dt.date, rows=None) -> list[Target]:
    """One row per target code: the version in force on `day`, in the plan's order."""
    chosen: dict[str, Target] = {}
    for target in sorted(rows if rows is not None else target_rows(plan), key=_start):
        if _start(target) <= day:
            chosen[target.code] = target
    return sorted(chosen.values(), key=lambda t: t.order)


def targets_for_year(plan: Plan, year: int) -> list[Target]:
    """The targets a reporting round of `year` is measured against."""
    return targets_in_force(plan, dt.date(year, 12, 31))


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
    code: str
    before: Target | None
    after: Target


@dataclass
class Version:
    number: int
    decision: str
    date: dt.date | None
    kind: str  # issue | amend | supersede
    title: str
    amendment: Amendment | None = None
    changes: list[Change] = field(default_factory=list)


def history(plan: Plan) -> list[Version]:
    """Version 1 (the decision as issued), then each amendment with the targets it changed."""
    issued = plan.legal_basis.get("date")
    out = [Version(1, plan.number, dt.date.fromisoformat(issued) if issued else None, "issue",
                   plan.title)]
    rows = list(target_rows(plan))
    for amendment in plan.amendments.order_by("version"):
        version = Version(amendment.version, amendment.number, amendment.date, amendment.kind,
                          amendment.title, amendment)
        before = {t.code: t for t in targets_in_force(
            plan, amendment.date, [r for r in rows if r.amendment_id != amendment.pk])}
        for target in sorted((r for r in rows if r.amendment_id == amendment.pk),
                             key=lambda t: t.order):
            version.changes.append(Change(target.code, before.get(target.code), target))
        out.append(version)
    return out
