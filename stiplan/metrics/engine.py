"""Province series computed at query time: stored values, formulas, cumulative sums, sums of the
units' reports, and restatement across reorganisations (the DHIS2 gap).

Only yearly values are read; where an (indicator, unit, year) has values from several sources,
metrics.precedence picks the one used.

For a year before a province existed (the new Vĩnh Long before 1/7/2025), an amount is the sum of
the provinces it came from; a formula is recomputed from those restated parts, never averaged.
The engine finds the values; the sums themselves are analytics.series.
"""

from __future__ import annotations

from datetime import date

from stiplan.analytics import formula as fx
from stiplan.analytics.growth import account
from stiplan.analytics.series import Point, cumulative, reported_count, restated_sum
from stiplan.metrics.models import Computation, DataValue, PeriodType
from stiplan.metrics.precedence import choose
from stiplan.orgs.lineage import load_lineage
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import Indicator, Plan
from stiplan.reporting.models import IndicatorAssignment

TFP_WINDOW = 5  # TFP's share is measured over the five years ending in the year shown
TFP_INPUTS = ("grdp_constant", "employment", "capital_stock")


class Engine:
    """All values needed for one plan's dashboards, loaded once; answers are memoised."""

    def __init__(self, plan: Plan, *, codes: set[str] | None = None, final_only: bool = True):
        """`codes`: the indicators to be asked for (None: all); their inputs are added."""
        self.plan = plan
        self.lineage = load_lineage()
        self.units = OrgUnit.objects.in_bulk(field_name="code")
        self.by_pk = {u.pk: u for u in self.units.values()}
        self.indicators = Indicator.objects.in_bulk(field_name="code")
        self.formulas: dict[str, fx.Formula] = {}
        self.tfp: set[str] = set()
        for comp in Computation.objects.select_related("indicator"):
            if comp.formula:
                self.formulas[comp.indicator.code] = fx.parse(comp.formula)
            if comp.growth_accounting:
                self.tfp.add(comp.indicator.code)
        fx.evaluation_order(self.formulas)  # refuses cycles before anything is computed
        values = DataValue.objects.filter(period_type=PeriodType.YEARLY)
        if final_only:
            values = values.filter(final=True)
        if codes is not None:
            values = values.filter(indicator__code__in=self.inputs(codes))
        candidates: dict[tuple[str, str, int], list[tuple[str, bool, float]]] = {}
        for ind, unit, year, source, final, v in values.values_list(
                "indicator__code", "unit__code", "year", "source", "final", "value"):
            candidates.setdefault((ind, unit, year), []).append((source, final, float(v)))
        self.stored: dict[tuple[str, str, int], float] = {}
        for key, found in candidates.items():
            used = choose(found, final_only=final_only, key=lambda c: (c[0], c[1]))
            if used is not None:
                self.stored[key] = used[2]
        self.by_year: dict[tuple[str, int], list[tuple[str, float]]] = {}
        for (ind, unit, year), v in self.stored.items():
            self.by_year.setdefault((ind, year), []).append((unit, v))
        self.assigned: dict[str, list[IndicatorAssignment]] = {}
        for a in IndicatorAssignment.objects.filter(plan=plan).select_related("unit", "indicator"):
            self.assigned.setdefault(a.indicator.code, []).append(a)
        self._memo: dict[tuple[str, str, int], Point] = {}

    def inputs(self, codes: set[str]) -> set[str]:
        """`codes` and every indicator their formulas (or growth accounting) read."""
        found, todo = set(), list(codes)
        while todo:
            code = todo.pop()
            if code in found:
                continue
            found.add(code)
            if code in self.formulas:
                todo.extend(self.formulas[code].names)
            if code in self.tfp:
                todo.extend(TFP_INPUTS)
        return found

    # -- the province ----------------------------------------------------------------------
    def province(self, day: date | None = None) -> OrgUnit:
        """The plan's province on `day` (today): the successor of the issuing People's Committee."""
        codes = self.lineage.successors(self.plan.issuing_unit.code, day or date.today())
        return self.units[codes[0]] if codes else self.plan.issuing_unit

    def series(self, code: str, unit: str, years: range) -> dict[int, Point]:
        return {y: self.value(code, unit, y) for y in years}

    # -- one value -----------------------------------------------------------------------------
    def value(self, code: str, unit: str, year: int) -> Point:
        key = (code, unit, year)
        if key not in self._memo:
            self._memo[key] = Point(None)  # guards against re-entry while computing
            self._memo[key] = self._compute(code, unit, year)
        return self._memo[key]

    def _compute(self, code: str, unit_code: str, year: int) -> Point:
        if unit_code not in self.units:
            return Point(None)
        indicator = self.indicators.get(code)
        if indicator is not None and indicator.cumulative:  # stored values are yearly counts
            return self._cumulative(code, unit_code, year)
        if (code, unit_code, year) in self.stored:
            return Point(self.stored[(code, unit_code, year)])
        unit = self.units[unit_code]
        if code in self.formulas:
            return self._formula(code, unit_code, year)
        if code in self.tfp:
            return self._tfp(unit_code, year)
        if not _exists_in(unit, year):
            return self._restated(code, unit_code, year)
        return self._from_reports(code, unit, year)

    def _formula(self, code: str, unit_code: str, year: int) -> Point:
        flags = {"restated": False}

        def lookup(name: str, y: int) -> float | None:
            point = self.value(name, unit_code, y)
            flags["restated"] |= point.restated
            return point.value

        return Point(self.formulas[code].evaluate(year, lookup), flags["restated"], True)

    def _cumulative(self, code: str, unit_code: str, year: int) -> Point:
        """Counted from the plan's first year: the "20 by 2025" targets are cumulative."""
        start = self.plan.period_start
        if year < start:
            return Point(None)
        return cumulative(self._yearly(code, unit_code, y) for y in range(start, year + 1))

    def _yearly(self, code: str, unit_code: str, year: int) -> Point:
        if (code, unit_code, year) in self.stored:
            return Point(self.stored[(code, unit_code, year)])
        unit = self.units[unit_code]
        if not _exists_in(unit, year):
            return reported_count(self._yearly(code, p, year) for p in self._parts(unit_code, year))
        return self._from_reports(code, unit, year)

    def _restated(self, code: str, unit_code: str, year: int) -> Point:
        """A unit that did not exist in `year`: the sum of the units it came from."""
        return restated_sum(self.value(code, p, year) for p in self._parts(unit_code, year))

    def _parts(self, unit_code: str, year: int) -> list[str]:
        return [c for c in self.lineage.predecessors(unit_code)
                if _exists_in(self.units[c], year) and self.units[c].type == self.units[unit_code].type]

    def _from_reports(self, code: str, province: OrgUnit, year: int) -> Point:
        """Values reported by the province's units: the first designated unit's value for a
        province-wide fact, or the sum over all units when every unit of a type reports."""
        day = date(year, 12, 31)
        total, found = 0.0, False
        for a in self.assigned.get(code, []):
            if a.unit_id:
                for heir in self.lineage.successors(a.unit.code, day, a.function):
                    if (code, heir, year) in self.stored and self._in(heir, province):
                        return Point(self.stored[(code, heir, year)])
                continue
            for unit_code, v in self.by_year.get((code, year), ()):
                if self.units[unit_code].type == a.unit_type and self._in(unit_code, province):
                    total, found = total + v, True
        return Point(total if found else None)

    def _in(self, unit_code: str, province: OrgUnit) -> bool:
        unit = self.units[unit_code]
        return unit.parent_id == province.pk

    def _tfp(self, unit_code: str, year: int) -> Point:
        """TFP's share of GRDP growth over the five years ending in `year`, in %."""
        years = range(year - TFP_WINDOW, year + 1)
        grdp, jobs, capital = ({y: self.value(code, unit_code, y) for y in years}
                               for code in TFP_INPUTS)
        if any(p.value is None or p.value <= 0 for d in (grdp, jobs, capital) for p in d.values()):
            return Point(None)
        result = account({y: p.value for y, p in grdp.items()}, {y: p.value for y, p in jobs.items()},
                         capital={y: p.value for y, p in capital.items()})
        share = result.period(years[0], year).tfp_share
        restated = any(p.restated for d in (grdp, jobs, capital) for p in d.values())
        return Point(share, restated, True)


def province_of(plan: Plan, day: date | None = None) -> OrgUnit:
    """The unit the plan's targets are computed for on `day` (today), as Engine.province answers
    it, without loading the values: for writers that store a province figure."""
    codes = load_lineage().successors(plan.issuing_unit.code, day or date.today())
    return OrgUnit.objects.get(code=codes[0]) if codes else plan.issuing_unit


def _exists_in(unit: OrgUnit, year: int) -> bool:
    """The unit existed for (part of) the year's reporting: valid on 31 December, or ended in it."""
    end = date(year, 12, 31)
    return unit.valid_from <= end and (unit.valid_to is None or unit.valid_to >= end)
