"""Baseline for bench/index.py: the index pipeline written straightforwardly with pandas,
one replication at a time.

It recomputes every step from the raw data for each replication (as COINr does), one column at a
time for the outlier treatment; the same rules as stiplan.analytics.index (COINr's).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def treat_column(x: pd.Series, winmax: int, skew: float = 2.0, kurt: float = 3.5) -> pd.Series:
    def fails(s: pd.Series) -> bool:
        return not (abs(s.skew()) < skew or s.kurt() < kurt)

    if not fails(x):
        return x
    orig, x = x, x.copy()
    hi = lo = 0
    while fails(x) and hi + lo < winmax:
        if x.skew() >= 0:
            at = x == x.max()
            x[at] = x[~at].max()
            hi = int(at.sum())
        else:
            at = x == x.min()
            x[at] = x[~at].min()
            lo = int(at.sum())
    if fails(x):
        return np.log(orig - orig.min() + 0.01 * (orig.max() - orig.min()))
    return x


def pipeline(
    raw: pd.DataFrame, meta: pd.DataFrame, dens: pd.DataFrame, groups: pd.Series, choice: dict
) -> pd.Series:
    """Index scores of one replication.

    meta: index iCode; columns Level, Parent, Weight, Direction, Denominator.
    """
    ind = meta[meta.Level == 1]
    x = raw[ind.index].copy()
    for code, den in ind.Denominator.dropna().items():
        x[code] = x[code] / dens[den]
    x = x.fillna(x.groupby(groups).transform("mean"))
    x = x.apply(lambda col: treat_column(col, choice["winmax"]))
    x = x * ind.Direction
    method, (a, b) = choice["normalise"]
    if method == "minmax":
        x = (x - x.min()) / (x.max() - x.min()) * (b - a) + a
    else:
        x = (x - x.mean()) / x.std() * b + a
    weights = choice["weights"]
    for lev in range(1, int(meta.Level.max())):
        codes = meta.index[meta.Level == lev]
        w = weights[codes]
        parent = meta.Parent[codes]
        den = w.groupby(parent).sum()
        if choice["aggregate"] == "geometric":
            x = np.exp((np.log(x[codes]) * w).T.groupby(parent).sum().T / den)
        else:
            x = (x[codes] * w).T.groupby(parent).sum().T / den
    return x.iloc[:, 0]


def run_loop(raw, meta, dens, groups, choices: list[dict]) -> pd.DataFrame:
    """One pipeline per replication; ranks by pandas rank(method='min')."""
    scores = pd.DataFrame({k: pipeline(raw, meta, dens, groups, c) for k, c in enumerate(choices)})
    return scores.rank(ascending=False, method="min")
