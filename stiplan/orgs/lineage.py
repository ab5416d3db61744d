"""Builds the pure `Lineage` graph from the database and answers dated questions about units."""

from __future__ import annotations

from datetime import date

from stiplan.analytics.lineage import Lineage, Link, UnitSpan
from stiplan.orgs.models import OrgUnit, ReorgLink


def load_lineage() -> Lineage:
    """The whole unit graph (a few hundred rows: one query for units, one for links)."""
    units = [
        UnitSpan(code, vf, vt)
        for code, vf, vt in OrgUnit.objects.values_list("code", "valid_from", "valid_to")
    ]
    links = [
        Link(s, t, on, kind, fn)
        for s, t, on, kind, fn in ReorgLink.objects.values_list(
            "source__code", "target__code", "event__date", "event__kind", "function"
        )
    ]
    return Lineage(units, links)


def successors_on(unit: OrgUnit, day: date, function: str = "",
                  lineage: Lineage | None = None) -> list[OrgUnit]:
    """The units that hold `unit`'s duties on `day` (the unit itself while it exists)."""
    lineage = lineage or load_lineage()
    codes = lineage.successors(unit.code, day, function)
    by_code = OrgUnit.objects.in_bulk(codes, field_name="code")
    return [by_code[c] for c in codes]
