"""The index pipeline as named steps on one object (COINr's "coin"), every step's table kept."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import steps
from .framework import Framework
from .table import DataError, Table, UnitData, format_number

STEP_ORDER = ("raw", "denominated", "imputed", "screened", "treated", "normalised", "aggregated")


@dataclass(frozen=True)
class Spec:
    """Every method choice of the pipeline; the defaults are COINr's example (build_example_coin)."""

    impute: str = "none"  # none | group-mean
    group: str | None = None  # the unit group column for group-mean
    dat_thresh: float | None = None  # keep units with at least this share of indicators present
    treat: str = "winsorise"  # none | winsorise
    winmax: int = 5
    skew: float = 2.0
    kurt: float = 3.5
    normalise: str = "minmax"  # minmax | zscore | rank | goalposts
    params: tuple[float, float] = (0.0, 100.0)
    aggregate: str = "arithmetic"  # arithmetic | geometric | harmonic
    skip_missing: bool = True  # mean of available values with re-normalised weights


@dataclass
class Results:
    scores: Table  # every aggregate
    ranks: Table
    efficiency: np.ndarray | None
    strengths: dict[str, list[str]] = field(default_factory=dict)
    weaknesses: dict[str, list[str]] = field(default_factory=dict)


def tree_weights(fw: Framework) -> dict[int, np.ndarray]:
    return {lev: fw.weights(lev) for lev in range(1, fw.depth)}


def aggregate_tree(
    x: np.ndarray, fw: Framework, weights: dict[int, np.ndarray], method: str, skip_missing: bool = True
) -> list[np.ndarray]:
    """Aggregate normalised indicators (..., units, indicators) level by level; one array per level ≥ 2."""
    out, cur = [], x
    for lev in range(1, fw.depth):
        cur = steps.aggregate(cur, weights[lev], fw.membership(lev), method, skip_missing)
        out.append(cur)
    return out


class Coin:
    """Build with `Coin(framework, data)`, then call the steps in order; each returns self."""

    def __init__(self, framework: Framework, data: UnitData) -> None:
        self.framework = framework
        self.data = data
        self.tables: dict[str, Table] = {"raw": data.raw.select(framework.indicators)}
        self.treatment: dict[str, np.ndarray] = {}
        self.results: Results | None = None

    @property
    def last(self) -> Table:
        return self.tables[next(s for s in reversed(STEP_ORDER) if s in self.tables)]

    def _put(self, name: str, values: np.ndarray, units: list[str] | None = None) -> Coin:
        self.tables[name] = Table(units or list(self.last.units), list(self.framework.indicators), values)
        return self

    def denominate(self) -> Coin:
        t = self.last
        x = t.values.copy()
        for j, code in enumerate(t.columns):
            den = self.framework.by_code[code].denominator
            if not den:
                continue
            if den not in self.data.denominators:
                raise DataError(f"Chỉ số «{code}» chia cho «{den}» nhưng dữ liệu không có cột «{den}»")
            col = dict(zip(self.data.raw.units, self.data.denominators[den], strict=True))
            with np.errstate(invalid="ignore", divide="ignore"):
                x[:, j] = x[:, j] / np.array([col[u] for u in t.units])
        return self._put("denominated", x)

    def impute(self, method: str = "none", group: str | None = None) -> Coin:
        t = self.last
        if method == "none":
            return self._put("imputed", t.values.copy())
        if method != "group-mean":
            raise ValueError(f"Phương pháp điền giá trị thiếu không hợp lệ: {method}")
        if group not in self.data.groups:
            raise DataError(f"Dữ liệu không có cột nhóm «{group}»")
        labels = dict(zip(self.data.raw.units, self.data.groups[group], strict=True))
        return self._put("imputed", steps.impute_group_mean(t.values, [labels[u] for u in t.units]))

    def screen(self, dat_thresh: float | None = None) -> Coin:
        t = self.last
        keep = (
            np.ones(len(t.units), dtype=bool)
            if dat_thresh is None
            else steps.data_availability(t.values) >= dat_thresh
        )
        return self._put(
            "screened", t.values[keep].copy(), [u for u, k in zip(t.units, keep, strict=True) if k]
        )

    def treat(self, method: str = "winsorise", winmax: int = 5, skew: float = 2.0, kurt: float = 3.5) -> Coin:
        t = self.last
        if method == "none":
            self.treatment = {}
            return self._put("treated", t.values.copy())
        if method != "winsorise":
            raise ValueError(f"Phương pháp xử lý ngoại lai không hợp lệ: {method}")
        x, high, low, logged = steps.treat(t.values, winmax, skew, kurt)
        self.treatment = {
            "low": low.sum(axis=0),
            "high": high.sum(axis=0),
            "log": logged,
            "high_points": high,
            "low_points": low,
        }
        return self._put("treated", x)

    def normalise(self, method: str = "minmax", params: tuple[float, float] = (0.0, 100.0)) -> Coin:
        fw = self.framework
        gp = None
        if method == "goalposts":
            missing = [c for c in fw.indicators if fw.by_code[c].goalposts is None]
            if missing:
                raise DataError(f"Chuẩn hoá theo ngưỡng cần goalposts cho: {', '.join(missing)}")
            gp = np.array([fw.by_code[c].goalposts for c in fw.indicators])
        return self._put("normalised", steps.normalise(self.last.values, fw.directions(), method, params, gp))

    def aggregate(self, method: str = "arithmetic", skip_missing: bool = True) -> Coin:
        fw, t = self.framework, self.tables["normalised"]
        levels = aggregate_tree(t.values, fw, tree_weights(fw), method, skip_missing)
        cols = list(fw.indicators) + [c for lev in range(2, fw.depth + 1) for c in fw.level(lev)]
        self.tables["aggregated"] = Table(list(t.units), cols, np.concatenate([t.values, *levels], axis=1))
        return self

    def run(self, spec: Spec) -> Coin:
        """Every step with the choices of `spec`, then the results."""
        self.denominate().impute(spec.impute, spec.group).screen(spec.dat_thresh)
        self.treat(spec.treat, spec.winmax, spec.skew, spec.kurt)
        self.normalise(spec.normalise, spec.params).aggregate(spec.aggregate, spec.skip_missing)
        self.compute_results()
        return self

    def compute_results(self, top: int = 5) -> Results:
        """Scores and ranks (ties min) of every aggregate, output/input efficiency, strengths, weaknesses."""
        fw, agg = self.framework, self.tables["aggregated"]
        codes = [c for lev in range(fw.depth, 1, -1) for c in fw.level(lev)]
        scores = agg.select(codes)
        ranks = Table(scores.units, codes, steps.rank_desc(scores.values, axis=0))
        eff = None
        if fw.efficiency:
            with np.errstate(invalid="ignore", divide="ignore"):
                eff = scores.column(fw.efficiency[0]) / scores.column(fw.efficiency[1])
        ind_ranks = steps.rank_desc(self.tables["normalised"].values, axis=0)
        order = np.argsort(ind_ranks, axis=1, kind="stable")  # NaN ranks last
        present = np.take_along_axis(~np.isnan(ind_ranks), order, axis=1)
        codes_ind = np.array(fw.indicators, dtype=object)
        strengths, weaknesses = {}, {}
        for u, row, ok in zip(scores.units, order, present, strict=True):
            best = codes_ind[row[ok]]
            strengths[u] = list(best[:top])
            weaknesses[u] = list(best[::-1][:top])
        self.results = Results(scores, ranks, eff, strengths, weaknesses)
        return self.results

    def write(self, out: str | Path) -> list[Path]:
        """Each step's table as <n>_<step>.csv and results.csv (uCode, Score, Rank, …) into `out`."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for i, name in enumerate(s for s in STEP_ORDER if s in self.tables):
            path = out / f"{i}_{name}.csv"
            self.tables[name].write_csv(path)
            written.append(path)
        if self.treatment:
            path = out / "treatment_summary.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(["iCode", "Low", "High", "Log"])
                for j, code in enumerate(self.framework.indicators):
                    w.writerow(
                        [
                            code,
                            int(self.treatment["low"][j]),
                            int(self.treatment["high"][j]),
                            int(self.treatment["log"][j]),
                        ]
                    )
            written.append(path)
        if self.results:
            written.append(self._write_results(out / "results.csv"))
        return written

    def _write_results(self, path: Path) -> Path:
        r, fw = self.results, self.framework
        assert r is not None
        root = fw.root
        others = [c for c in r.scores.columns if c != root]
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(
                [
                    "uCode",
                    "Score",
                    "Rank",
                    *(["Efficiency"] if r.efficiency is not None else []),
                    *others,
                    "Strengths",
                    "Weaknesses",
                ]
            )
            for i, u in enumerate(r.scores.units):
                eff = [format_number(r.efficiency[i])] if r.efficiency is not None else []
                w.writerow(
                    [
                        u,
                        format_number(r.scores.column(root)[i]),
                        format_number(r.ranks.column(root)[i]),
                        *eff,
                        *(format_number(r.scores.column(c)[i]) for c in others),
                        ";".join(r.strengths[u]),
                        ";".join(r.weaknesses[u]),
                    ]
                )
        return path
