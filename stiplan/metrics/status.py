"""The status of every target of a plan, from the province's final series (và lý do)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import get_language

from stiplan.analytics.series import Point
from stiplan.analytics.targets import ACHIEVED, NO_DATA, OFF_TRACK, Assessment, Bar, assess
from stiplan.analytics.vntext import format_vi
from stiplan.metrics.engine import Engine
from stiplan.metrics.models import StatusOverride
from stiplan.plans.models import Direction, Plan, Target
from stiplan.plans.versions import target_versions, targets_in_force

FIRST_YEAR = 2015


@dataclass
class TargetStatus:
    target: Target
    assessment: Assessment
    series: dict[int, Point]
    status: str
    vi: str
    en: str
    override: object | None = None
    versions: list[Target] = field(default_factory=list)  # every version of the target, oldest first

    @property
    def explanation(self) -> str:
        """The reason for the status in the active language (vi, or en on English pages)."""
        return self.en if get_language() == "en" else self.vi

    @property
    def latest(self) -> tuple[int, float] | None:
        known = [(y, p.value) for y, p in self.series.items() if p.value is not None]
        return known[-1] if known else None

    def as_json(self) -> dict:
        a, t = self.assessment, self.target
        latest = self.latest
        return {
            "code": t.code, "indicator": t.indicator.code, "indicator_name": t.indicator.name,
            "year": t.year, "wording": t.wording, "comparator": t.comparator,
            "value": _f(t.value), "low": _f(t.low), "high": _f(t.high), "recurring": t.recurring,
            "status": self.status, "computed_status": a.status, "rule": a.rule,
            "latest": {"year": latest[0], "value": latest[1],
                       "restated": self.series[latest[0]].restated} if latest else None,
            "forecast": None if a.forecast is None else {
                "method": a.forecast.method, "year": t.year, "value": a.forecast.value,
                "low": a.forecast.low, "high": a.forecast.high},
            "compound_forecast": None if a.compound is None else {
                "value": a.compound.value, "low": a.compound.low, "high": a.compound.high},
            "explanation": self.vi, "explanation_en": self.en,
            "versions": [{"version": v.amendment.version if v.amendment else 1,
                          "valid_from": v.valid_from.isoformat() if v.valid_from else None,
                          "wording": v.wording, "comparator": v.comparator, "value": _f(v.value),
                          "low": _f(v.low), "high": _f(v.high)} for v in self.versions],
            "override": None if self.override is None else {
                "status": self.override.status, "reason": self.override.reason},
        }


def _f(value):
    return None if value is None else float(value)


def bar_of(target: Target) -> Bar:
    return Bar(target.year, target.comparator, _f(target.value), _f(target.low), _f(target.high),
               target.indicator.direction == Direction.HIGHER)


def plan_status(plan: Plan, *, today: date | None = None, engine: Engine | None = None,
                first_year: int = FIRST_YEAR) -> list[TargetStatus]:
    today = today or date.today()
    every_version = target_versions(plan)
    targets = targets_in_force(plan, today, [t for rows in every_version.values() for t in rows])
    engine = engine or Engine(plan, codes={t.indicator.code for t in targets})
    province = engine.province(today).code
    last = today.year - 1  # the last year with a complete annual report
    overrides = {o.target_id: o for o in StatusOverride.objects.filter(
        target__plan=plan, active=True).order_by("at")}
    out = []
    for target in targets:
        series = engine.series(target.indicator.code, province, range(first_year, last + 1))
        values = {y: p.value for y, p in series.items() if p.value is not None}
        bar = bar_of(target)
        if target.recurring:
            a = _recurring(bar, values, last)
        else:
            a = assess(bar, values, baseline_year=min(plan.period_start - 1, last))
        status, vi, en = a.status, a.vi, a.en
        override = overrides.get(target.pk)
        if override is not None:
            status = override.status
            vi = f"{vi} Trạng thái do Sở KH&CN điều chỉnh: {override.reason}"
            en = f"{en} Status set by the Department: {override.reason}"
        out.append(TargetStatus(target, a, series, status, vi, en, override,
                                every_version[target.code]))
    return out


def _recurring(bar: Bar, values: dict[int, float], last: int) -> Assessment:
    """A yearly target ("hằng năm"): judged on the latest year with a value."""
    years = [y for y in values if y >= bar.year]
    if not years:
        return Assessment(NO_DATA, 1, vi="Chưa có số liệu chính thức.", en="No final value yet.")
    year = max(years)
    value = values[year]
    met = bar.met(value)
    word = "đạt" if met else "chưa đạt"
    return Assessment(ACHIEVED if met else OFF_TRACK, 2, year, value,
                      vi=f"{format_vi(round(value, 2))} năm {year}, {word} mức hằng năm "
                         f"{format_vi(bar.threshold)}.",
                      en=f"{value:.2f} in {year} {'meets' if met else 'misses'} the yearly "
                         f"{bar.threshold:g}.")
