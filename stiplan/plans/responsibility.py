"""Who holds each assignment of a plan on a given date, across reorganisations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stiplan.analytics.lineage import Lineage
from stiplan.orgs.lineage import load_lineage
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import Assignment, Plan


@dataclass
class Holder:
    """An assignment as it stands on a date: the units named then, the units holding it now."""

    assignment: Assignment
    units: list[OrgUnit]

    @property
    def moved(self) -> bool:
        a = self.assignment
        return bool(a.unit_id) and [u.pk for u in self.units] != [a.unit_id]


class Responsibilities:
    """Resolves the assignments of one plan on one date; built once per page or command."""

    def __init__(self, plan: Plan, day: date, lineage: Lineage | None = None):
        self.plan, self.day = plan, day
        self.lineage = lineage or load_lineage()
        self.units = OrgUnit.objects.in_bulk(field_name="code")
        provinces = set(self.lineage.successors(plan.issuing_unit.code, day))
        self._by_type: dict[str, list[OrgUnit]] = {}
        self._type_cache: dict[str, list[OrgUnit]] = {}
        for unit in sorted(self.units.values(), key=lambda u: u.code):
            parent = self.units_by_pk.get(unit.parent_id) if unit.parent_id else None
            if unit.valid_on(day) and parent is not None and parent.code in provinces:
                self._by_type.setdefault(unit.type, []).append(unit)

    @property
    def units_by_pk(self) -> dict[int, OrgUnit]:
        if not hasattr(self, "_by_pk"):
            self._by_pk = {u.pk: u for u in self.units.values()}
        return self._by_pk

    def holders(self, assignment) -> list[OrgUnit]:
        """Units holding an assignment (anything with unit_id, unit_type and function)."""
        if assignment.unit_type:
            return self._type_holders(assignment.unit_type)
        code = self.units_by_pk[assignment.unit_id].code
        return [self.units[c] for c in self.lineage.successors(code, self.day, assignment.function)]

    def _type_holders(self, unit_type: str) -> list[OrgUnit]:
        """Every unit of the type today, plus the heirs of those named when the plan was issued
        (districts abolished in 2025 pass their duties to the communes)."""
        if unit_type not in self._type_cache:
            issued = self.plan.legal_basis.get("date")
            named = [u for u in self._units_of_type_on(unit_type, date.fromisoformat(issued))]
            found = {u.pk: u for u in self._by_type.get(unit_type, [])}
            for unit in named:
                for code in self.lineage.successors(unit.code, self.day):
                    heir = self.units[code]
                    found.setdefault(heir.pk, heir)
            self._type_cache[unit_type] = sorted(found.values(), key=lambda u: u.code)
        return self._type_cache[unit_type]

    def _units_of_type_on(self, unit_type: str, day: date) -> list[OrgUnit]:
        issuer = self.plan.issuing_unit_id
        return [u for u in self.units.values()
                if u.type == unit_type and u.parent_id == issuer and u.valid_on(day)]

    def resolve(self, assignment: Assignment) -> Holder:
        return Holder(assignment, self.holders(assignment))

    def holds(self, assignment: Assignment, unit: OrgUnit) -> bool:
        return any(u.pk == unit.pk for u in self.holders(assignment))
