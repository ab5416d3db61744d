"""Uncertainty and sensitivity analysis of an index (COINr get_sensitivity),
replications batched on a leading array axis."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import steps
from .coin import Coin, Spec, aggregate_tree, tree_weights
from .framework import Framework
from .table import UnitData

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Uncertainty:
    """The uncertain inputs; None = fixed at the nominal spec. Order of the Sobol indices: as below."""

    winmax: Sequence[int] | None = None
    normalisations: Sequence[tuple[str, tuple[float, float]]] | None = None
    weight_noise: dict[int, float] | None = None  # level → ±fraction, w·(1 + U(−a, a))
    aggregations: Sequence[str] | None = None

    def names(self) -> list[str]:
        named = (
            ("Winmax", self.winmax),
            ("Normalisation", self.normalisations),
            ("Weights", self.weight_noise),
            ("Aggregation", self.aggregations),
        )
        return [name for name, value in named if value]


VIGNETTE = Uncertainty(
    winmax=(1, 2, 3, 4, 5),
    normalisations=(("minmax", (1.0, 100.0)), ("zscore", (10.0, 2.0))),
    weight_noise={2: 0.25, 3: 0.25},
    aggregations=("arithmetic", "geometric"),
)


@dataclass
class Analysis:
    units: list[str]
    inputs: list[str]
    nominal_scores: np.ndarray
    nominal_ranks: np.ndarray
    scores: np.ndarray  # (runs, units)
    ranks: np.ndarray
    stats: dict[str, np.ndarray]
    sobol: tuple[np.ndarray, np.ndarray] | None = None  # (Si, STi) for kind "sa"
    samples: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))


# --- statistics that hold exactly on stored ranks --------------------------------------------


def rank_stats(ranks: np.ndarray) -> dict[str, np.ndarray]:
    """Per unit over the replications (rows): Mean, Median, Q5, Q95 (R type 7 = numpy 'linear')."""
    return {
        "Mean": r_mean(ranks),
        "Median": np.nanmedian(ranks, axis=0),
        "Q5": r_quantile(ranks, 0.05),
        "Q95": r_quantile(ranks, 0.95),
    }


def r_quantile(x: np.ndarray, p: float) -> np.ndarray:
    """Column quantiles, R type 7 (numpy 'linear') with R's arithmetic: (1 − h)·x[lo] + h·x[hi]."""
    s = np.sort(x, axis=0)  # NaN last
    n = np.sum(~np.isnan(s), axis=0)
    index = 1 + np.maximum(n - 1, 0) * p
    lo = np.floor(index).astype(int)
    hi = np.ceil(index).astype(int)
    cols = np.arange(s.shape[1])
    xlo, xhi = s[np.maximum(lo - 1, 0), cols], s[np.maximum(hi - 1, 0), cols]
    h = index - lo
    return np.where((index > lo) & (xhi != xlo), (1 - h) * xlo + h * xhi, xlo)


def r_mean(x: np.ndarray) -> np.ndarray:
    """Column means as R's mean() computes them: a long double sum, then one correction pass; NaN skipped."""
    xl = np.asarray(x, dtype=np.longdouble)
    n = np.sum(~np.isnan(xl), axis=0)
    t = np.nansum(xl, axis=0) / n
    t = t + np.nansum(xl - t, axis=0) / n
    return t.astype(float)


def mean_abs_rank_shift(ranks: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """COINr's sensitivity target: for each run, the mean over units of |rank − nominal rank|."""
    return np.nanmean(np.abs(ranks - nominal), axis=-1)


def sobol(y: np.ndarray, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total indices from y of the A, B, AB_1..AB_d runs (COINr SA_estimate)."""
    if len(y) != n * (d + 2):
        raise ValueError("y phải có N(d+2) giá trị")
    ya, yb = y[:n], y[n : 2 * n]
    yab = y[2 * n :].reshape(d, n)
    var = np.var(np.concatenate([ya, yb]), ddof=1)
    si = np.mean(yb * (yab - ya), axis=1) / var
    sti = np.sum((ya - yab) ** 2, axis=1) / (2 * n * var)
    return si, sti


def sa_sample(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """Rows A (n), B (n), then AB_i = A with column i from B, for i = 1..d: n(d+2) × d uniforms."""
    a, b = rng.random((n, d)), rng.random((n, d))
    ab = np.repeat(a[None], d, axis=0)
    for i in range(d):
        ab[i, :, i] = b[:, i]
    return np.concatenate([a, b, ab.reshape(n * d, d)])


# --- the batched pipeline --------------------------------------------------------------------


def _choice(u: np.ndarray | None, k: int, runs: int) -> np.ndarray:
    """Uniform u ∈ [0, 1) → one of k equally likely alternatives, floor(u·k).

    COINr (sample_2_para) cuts the sample's own range into k intervals instead of [0, 1]: the two
    differ only for draws within a hair of an interval edge.
    """
    if u is None:
        return np.zeros(runs, dtype=int)
    return np.minimum((u * k).astype(int), k - 1)


def noisy_weights(
    fw: Framework, noise: dict[int, float] | None, sets: int, rng: np.random.Generator
) -> dict[int, np.ndarray]:
    """`sets` weight sets per level (sets × nodes): nominal, times 1 + U(−a, a) on the noisy levels."""
    out = {}
    for lev, w in tree_weights(fw).items():
        a = (noise or {}).get(lev, 0.0)
        out[lev] = w * (1 + rng.uniform(-a, a, (sets, len(w)))) if a else np.broadcast_to(w, (sets, len(w)))
    return out


def analyse(
    fw: Framework,
    data: UnitData,
    spec: Spec,
    unc: Uncertainty,
    n: int,
    kind: str = "ua",
    seed: int | None = None,
    progress: Progress | None = None,
    chunk: int = 1000,
) -> Analysis:
    """Run n replications (kind 'ua') or the n(d+2) runs of a Sobol design (kind 'sa')."""
    coin = Coin(fw, data).run(spec)
    base = coin.tables["screened"]
    assert coin.results is not None
    nominal = coin.results.scores.column(fw.root)
    rng = np.random.default_rng(seed)
    inputs = unc.names()
    d = len(inputs)
    if kind not in ("ua", "sa") or (kind == "sa" and d == 0):
        raise ValueError("kind phải là 'ua' hoặc 'sa' (sa cần ít nhất một đầu vào bất định)")
    u = rng.random((n, d)) if kind == "ua" else sa_sample(n, d, rng)
    runs = len(u)
    col = {name: u[:, j] for j, name in enumerate(inputs)}

    winmaxes = list(unc.winmax or [spec.winmax])
    norms = list(unc.normalisations or [(spec.normalise, spec.params)])
    aggs = list(unc.aggregations or [spec.aggregate])
    sets = n if unc.weight_noise else 1
    weights = noisy_weights(fw, unc.weight_noise, sets, rng)
    i_win = _choice(col.get("Winmax"), len(winmaxes), runs)
    i_norm = _choice(col.get("Normalisation"), len(norms), runs)
    i_w = _choice(col.get("Weights"), sets, runs)
    i_agg = _choice(col.get("Aggregation"), len(aggs), runs)

    x = np.broadcast_to(base.values, (len(winmaxes), *base.values.shape))
    if spec.treat != "none" or unc.winmax:
        x, *_ = steps.treat(x, np.array(winmaxes), spec.skew, spec.kurt)
    gp = (
        np.array([fw.by_code[c].goalposts for c in fw.indicators])
        if any(m == "goalposts" for m, _ in norms)
        else None
    )
    variants = np.concatenate([steps.normalise(x, fw.directions(), m, p, gp) for m, p in norms])
    variant = i_norm * len(winmaxes) + i_win

    scores = np.empty((runs, len(base.units)))
    for start in range(0, runs, chunk):
        stop = min(start + chunk, runs)
        xs = variants[variant[start:stop]]
        for a, method in enumerate(aggs):
            sel = np.flatnonzero(i_agg[start:stop] == a)
            if sel.size:
                w = {lev: ws[i_w[start + sel]] for lev, ws in weights.items()}
                scores[start + sel] = aggregate_tree(xs[sel], fw, w, method, spec.skip_missing)[-1][..., 0]
        if progress:
            progress(stop, runs)
    ranks = steps.rank_desc(scores, axis=-1)
    nominal_ranks = steps.rank_desc(nominal)
    stats = rank_stats(ranks if kind == "ua" else ranks[: 2 * n])
    result = Analysis(list(base.units), inputs, nominal, nominal_ranks, scores, ranks, stats, samples=u)
    if kind == "sa":
        result.sobol = sobol(mean_abs_rank_shift(ranks, nominal_ranks), n, d)
    return result
