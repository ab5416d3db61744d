"""Where a target stands and whether it will be met (đánh giá khả năng đạt mục tiêu).

Ordered rules, first match wins (documented in docs/indicators.md):
  1. no value                                      → no_data
  2. the milestone year has a value                → achieved if it meets the target, else off_track
  3. the latest value already meets the target     → on_track
  4. the linear-trend forecast for the milestone meets the target,
     or progress ≥ 95 % of the linear path from the baseline        → on_track
  5. the forecast's upper bound (95 %) meets the target,
     or progress ≥ 70 % of the linear path,
     or there is too little history to project                      → at_risk
  6. otherwise                                                      → off_track
"Meets": at or beyond the bar — the value for gt/gte/eq and the low end of a range for an
indicator where higher is better (a range is a band, exceeding it is not a failure); mirrored
for lower-is-better. A better latest value never gives a worse status.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from stiplan.analytics.vntext import format_vi

ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = (
    "achieved", "on_track", "at_risk", "off_track", "no_data")
ORDER = [OFF_TRACK, AT_RISK, ON_TRACK, ACHIEVED]  # worse → better (no_data apart)
ON_TRACK_PACE, AT_RISK_PACE = 0.95, 0.70
# Two-sided 95 % Student t quantiles by degrees of freedom.
_T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086]


@dataclass(frozen=True)
class Bar:
    """A target reduced to what assessment needs."""

    year: int
    comparator: str  # gt gte lt lte eq range
    value: float | None = None
    low: float | None = None
    high: float | None = None
    higher_is_better: bool = True

    @property
    def threshold(self) -> float:
        if self.comparator == "range":
            return self.low if self.higher_is_better else self.high
        return self.value

    def met(self, value: float) -> bool:
        t = self.threshold
        if self.comparator == "gt":
            return value > t
        if self.comparator == "lt":
            return value < t
        if self.comparator == "lte" or not self.higher_is_better:
            return value <= t
        return value >= t  # gte, eq, and the low end of a range


@dataclass(frozen=True)
class Forecast:
    method: str  # "linear" or "compound"
    value: float
    low: float
    high: float
    years: tuple[int, int]  # the data years used


@dataclass(frozen=True)
class Assessment:
    status: str
    rule: int
    latest_year: int | None = None
    latest: float | None = None
    baseline_year: int | None = None
    baseline: float | None = None
    needed: float | None = None
    progress: float | None = None  # share of the way from baseline to target, 0..1+
    pace: float | None = None  # share of the time from baseline year to milestone
    forecast: Forecast | None = None
    compound: Forecast | None = None
    vi: str = ""
    en: str = ""


def _fit(years: list[int], ys: list[float]) -> tuple[float, float, float]:
    """Slope, intercept and residual standard error of a least-squares line."""
    slope, intercept = statistics.linear_regression(years, ys)
    residuals = [y - (intercept + slope * x) for x, y in zip(years, ys, strict=True)]
    df = len(years) - 2
    se = math.sqrt(sum(r * r for r in residuals) / df) if df > 0 else 0.0
    return slope, intercept, se


def linear_forecast(series: dict[int, float], year: int, window: int = 6) -> Forecast | None:
    """Least-squares trend of the last `window` years, with a 95 % prediction interval.

    The interval's width comes from the spread of the years before the latest one (their own
    trend's residuals), so that a new value moves the forecast but not its uncertainty: a better
    latest value then never lowers the interval's top, and the status rules stay monotone.
    """
    years = sorted(series)[-window:]
    if len(years) < 3:
        return None
    ys = [series[y] for y in years]
    slope, intercept, _se = _fit(years, ys)
    value = intercept + slope * year
    earlier = years[:-1]
    _s, _i, se = _fit(earlier, ys[:-1]) if len(earlier) >= 3 else (0.0, 0.0, 0.0)
    n = len(years)
    mean_x = sum(years) / n
    sxx = sum((x - mean_x) ** 2 for x in years)
    df = max(len(earlier) - 2, 1)
    half = _T95[min(df, len(_T95)) - 1] * se * math.sqrt(1 + 1 / n + (year - mean_x) ** 2 / sxx)
    return Forecast("linear", value, value - half, value + half, (years[0], years[-1]))


def compound_forecast(series: dict[int, float], year: int, window: int = 6) -> Forecast | None:
    """Constant average growth (CAGR) over the last `window` years; range from the yearly rates."""
    years = sorted(series)[-window:]
    if len(years) < 3 or any(series[y] <= 0 for y in years):
        return None
    first, last = years[0], years[-1]
    try:
        rate = (series[last] / series[first]) ** (1 / (last - first)) - 1
        steps = [series[b] / series[a] - 1 for a, b in zip(years, years[1:], strict=False)]
        if not all(math.isfinite(x) for x in [rate, *steps]):
            return None
        mean = sum(steps) / len(steps)
        spread = math.sqrt(sum((x - mean) ** 2 for x in steps) / len(steps))
        ahead = year - last
        return Forecast("compound", series[last] * (1 + rate) ** ahead,
                        series[last] * max(1 + rate - spread, 0) ** ahead,
                        series[last] * (1 + rate + spread) ** ahead, (first, last))
    except (OverflowError, ZeroDivisionError):
        return None


def assess(bar: Bar, series: dict[int, float], baseline_year: int | None = None) -> Assessment:
    """Apply the ordered rules to the final values `series` (year → value)."""
    series = {y: v for y, v in series.items() if v is not None and math.isfinite(v)}
    if not series:
        return _explain(Assessment(NO_DATA, 1), bar)
    latest_year = max(series)
    latest = series[latest_year]
    if bar.year in series:
        status = ACHIEVED if bar.met(series[bar.year]) else OFF_TRACK
        return _explain(Assessment(status, 2, bar.year, series[bar.year]), bar)
    past = [y for y in series if y <= (baseline_year or min(series))]
    base_year = max(past) if past else min(series)
    base = series[base_year]
    threshold = bar.threshold
    needed = threshold - latest
    span = bar.year - base_year
    pace = (latest_year - base_year) / span if span > 0 else 1.0
    gap = (threshold - base) if bar.higher_is_better else (base - threshold)
    # Progress along the way from the baseline; undefined when the baseline already met the bar.
    progress = None
    if gap > 0 and latest_year > base_year:
        progress = ((latest - base) if bar.higher_is_better else (base - latest)) / gap
    linear = linear_forecast({y: v for y, v in series.items() if y <= latest_year}, bar.year)
    compound = compound_forecast(series, bar.year)
    common = dict(latest_year=latest_year, latest=latest, baseline_year=base_year, baseline=base,
                  needed=needed, progress=progress, pace=pace, forecast=linear, compound=compound)
    if bar.met(latest):
        return _explain(Assessment(ON_TRACK, 3, **common), bar)
    best_case = None if linear is None else linear.high if bar.higher_is_better else linear.low
    if (linear and bar.met(linear.value)) or (progress is not None
                                              and progress >= ON_TRACK_PACE * pace):
        return _explain(Assessment(ON_TRACK, 4, **common), bar)
    if (linear and bar.met(best_case)) or (progress is not None
                                           and progress >= AT_RISK_PACE * pace):
        return _explain(Assessment(AT_RISK, 5, **common), bar)
    if linear is None and progress is None:  # too little history to project either way
        return _explain(Assessment(AT_RISK, 5, **common), bar)
    return _explain(Assessment(OFF_TRACK, 6, **common), bar)


STATUS_VI = {ACHIEVED: "đã đạt", ON_TRACK: "đúng tiến độ", AT_RISK: "có nguy cơ không đạt",
             OFF_TRACK: "chậm tiến độ", NO_DATA: "chưa có số liệu"}


def _explain(a: Assessment, bar: Bar) -> Assessment:
    """One sentence in Vietnamese and one in English, e.g. "0,9 năm 2024; cần thêm 0,3 để đạt 1,2
    vào năm 2025; xu hướng 2020–2024 cho 1,05 (0,95–1,15)"."""
    t = format_vi(round(bar.threshold, 2))
    if a.status == NO_DATA:
        vi, en = "Chưa có số liệu chính thức.", "No final value yet."
    elif a.rule == 2:
        verb_vi, verb_en = ("đạt", "meets") if a.status == ACHIEVED else ("chưa đạt", "misses")
        vi = f"{format_vi(round(a.latest, 2))} năm {a.latest_year}, {verb_vi} mục tiêu {t}."
        en = f"{a.latest:g} in {a.latest_year} {verb_en} the target {bar.threshold:g}."
    else:
        vi = f"{format_vi(round(a.latest, 2))} năm {a.latest_year}"
        en = f"{a.latest:g} in {a.latest_year}"
        if a.rule == 3:
            vi += f"; đã đạt mức {t} của năm {bar.year}, cần duy trì"
            en += f"; already at the {bar.threshold:g} set for {bar.year}, to be kept"
        else:
            gap = abs(a.needed)
            vi += f"; cần thêm {format_vi(round(gap, 2))} để đạt {t} vào năm {bar.year}"
            en += f"; needs {gap:+g} to reach {bar.threshold:g} by {bar.year}"
        if a.forecast:
            f = a.forecast
            vi += (f"; xu hướng {f.years[0]}–{f.years[1]} cho {format_vi(round(f.value, 2))} "
                   f"({format_vi(round(f.low, 2))}–{format_vi(round(f.high, 2))})")
            en += f"; the {f.years[0]}–{f.years[1]} trend gives {f.value:.2f} ({f.low:.2f}–{f.high:.2f})"
        vi += "."
        en += "."
    return Assessment(**{**a.__dict__, "vi": vi, "en": en})


def worse(a: str, b: str) -> bool:
    """Status a is worse than status b (no_data is not ranked)."""
    return a in ORDER and b in ORDER and ORDER.index(a) < ORDER.index(b)
