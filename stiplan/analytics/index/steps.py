"""The index pipeline's numerical steps as COINr computes them, on arrays (..., units, columns).

Every function accepts leading batch axes so the uncertainty analysis runs many replications at once.
"""

from __future__ import annotations

import numpy as np

NORMALISATIONS = ("minmax", "zscore", "rank", "goalposts")
AGGREGATIONS = ("arithmetic", "geometric", "harmonic")


# --- impute and screen ----------------------------------------------------------------------


def impute_group_mean(x: np.ndarray, groups: list[str]) -> np.ndarray:
    """Each NaN → mean of the same indicator among units of the same group (COINr i_mean_grp)."""
    out = x.copy()
    labels = np.asarray(groups)
    for g in np.unique(labels):
        rows = labels == g
        block = out[rows]
        means = _nanmean(block, axis=0)
        out[rows] = np.where(np.isnan(block), means, block)
    return out


def data_availability(x: np.ndarray) -> np.ndarray:
    return np.mean(~np.isnan(x), axis=-1)


# --- moments --------------------------------------------------------------------------------


def _nanmean(x: np.ndarray, axis: int) -> np.ndarray:
    n = np.sum(~np.isnan(x), axis=axis)
    s = np.nansum(x, axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, s / np.maximum(n, 1), np.nan)


def skew_kurt(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sample skewness and excess kurtosis, e1071 type 2 (Excel SKEW/KURT), per column, NaN skipped."""
    mask = ~np.isnan(x)
    n = mask.sum(axis=-2).astype(float)
    d = np.where(mask, x - _nanmean(x, -2)[..., None, :], 0.0)
    d2 = d * d
    m2 = np.sum(d2, axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        sk = np.sqrt(n) * np.sum(d2 * d, axis=-2) / m2**1.5
        sk = sk * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * np.sum(d2 * d2, axis=-2) / m2**2
        ku = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    sk = np.where(n >= 3, sk, np.nan)
    ku = np.where(n >= 4, ku, np.nan)
    return sk, ku


def failing(x: np.ndarray, skew: float, kurt: float) -> tuple[np.ndarray, np.ndarray]:
    """COINr check_SkewKurt fails: not (|skew| < skew OR kurt < kurt); NaN moments pass. Also returns skew."""
    sk, ku = skew_kurt(x)
    ok = (np.abs(sk) < skew) | (ku < kurt) | np.isnan(sk) | np.isnan(ku)
    return ~ok, sk


# --- outlier treatment ----------------------------------------------------------------------


def winsorise(x: np.ndarray, winmax: np.ndarray | int, skew: float = 2.0, kurt: float = 3.5):
    """COINr winsorise() on every column of every batch at once.

    x: (..., units, indicators); winmax: an int or an array of the batch shape (...).
    While a column fails the skew/kurtosis test and its counter is below winmax: if skewness ≥ 0
    every point equal to the max takes the next-highest value, else every point equal to the min
    takes the next-lowest; the counter is the size of the last high set plus the last low set.
    Returns (treated, high, low, still_failing): high/low are the last sets (masks like x).
    """
    x = np.array(x, dtype=float, copy=True)
    wm = np.broadcast_to(np.asarray(winmax), x.shape[:-2])[..., None]
    high = np.zeros(x.shape, dtype=bool)
    low = np.zeros(x.shape, dtype=bool)
    nwin = np.zeros(x.shape[:-2] + x.shape[-1:], dtype=int)
    fail, sk = failing(x, skew, kurt)
    active = fail & (nwin < wm)
    while active.any():
        moved = np.zeros_like(active)
        up = active & (sk >= 0)
        down = active & ~(sk >= 0)
        for side, mask_side, pick, far in ((up, high, np.nanmax, -np.inf), (down, low, np.nanmin, np.inf)):
            if not side.any():
                continue
            ext = pick(np.where(np.isnan(x), far, x), axis=-2)
            at_ext = (x == ext[..., None, :]) & side[..., None, :]
            rest = pick(np.where(at_ext | np.isnan(x), far, x), axis=-2)
            at_ext &= np.isfinite(rest)[..., None, :]
            x = np.where(at_ext, rest[..., None, :], x)
            mask_side[...] = np.where(side[..., None, :], at_ext, mask_side)
            moved |= at_ext.any(axis=-2)
        nwin = high.sum(axis=-2) + low.sum(axis=-2)
        fail, sk = failing(x, skew, kurt)
        active = fail & (nwin < wm) & moved
    return x, high, low, fail


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr log_CT: ln(x − min + 0.01 (max − min)) per column."""
    lo = np.nanmin(x, axis=-2, keepdims=True)
    hi = np.nanmax(x, axis=-2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(x - lo + 0.01 * (hi - lo))


def treat(x: np.ndarray, winmax: np.ndarray | int, skew: float = 2.0, kurt: float = 3.5):
    """COINr Treat default: winsorise; a column still failing afterwards → log_CT of its untreated values.

    Returns (treated, high, low, logged) where logged is a column mask (..., indicators).
    """
    w, high, low, fail = winsorise(x, winmax, skew, kurt)
    out = np.where(fail[..., None, :], log_ct(x), w)
    high &= ~fail[..., None, :]
    low &= ~fail[..., None, :]
    return out, high, low, fail


# --- normalisation --------------------------------------------------------------------------


def normalise(
    x: np.ndarray,
    directions: np.ndarray,
    method: str = "minmax",
    params: tuple[float, float] = (0.0, 100.0),
    goalposts: np.ndarray | None = None,
) -> np.ndarray:
    """Normalise each column after multiplying by its direction (as COINr does).

    minmax → [l, u]; zscore → mean params[0], sd params[1] (sd n−1); rank → rank, ties min;
    goalposts → (x − lo)/(hi − lo) (reversed for direction −1) cut to [0, 1], × params[1].
    """
    d = np.asarray(directions, dtype=float)
    if method == "goalposts":
        if goalposts is None:
            raise ValueError("goalposts cần ngưỡng thấp/cao cho từng chỉ số")
        lo, hi = goalposts[:, 0], goalposts[:, 1]
        y = np.where(d > 0, (x - lo) / (hi - lo), (hi - x) / (hi - lo))
        return np.clip(y, 0.0, 1.0) * params[1]
    x = x * d
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            lo = np.nanmin(x, axis=-2, keepdims=True)
            hi = np.nanmax(x, axis=-2, keepdims=True)
            return (x - lo) / (hi - lo) * (params[1] - params[0]) + params[0]
        if method == "zscore":
            mean = _nanmean(x, -2)[..., None, :]
            n = np.sum(~np.isnan(x), axis=-2, keepdims=True)
            sd = np.sqrt(np.nansum((x - mean) ** 2, axis=-2, keepdims=True) / (n - 1))
            return (x - mean) / sd * params[1] + params[0]
    if method == "rank":
        return rank_min(x, axis=-2)
    raise ValueError(f"Phương pháp chuẩn hoá không hợp lệ: {method}")


# --- aggregation ----------------------------------------------------------------------------


def aggregate(
    x: np.ndarray,
    weights: np.ndarray,
    membership: np.ndarray,
    method: str = "arithmetic",
    skip_missing: bool = True,
) -> np.ndarray:
    """Weighted means of children into parents: x (..., units, children), weights (..., children).

    Missing children are skipped and the weights re-normalised over the available ones (COINr's
    a_amean / a_gmean / a_hmean, GII's mean of available values); with skip_missing=False any
    missing child makes the parent missing.
    """
    w = np.asarray(weights, dtype=float)[..., None, :]
    mask = ~np.isnan(x)
    wm = np.where(mask, w, 0.0)
    den = wm @ membership
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            out = (wm * np.where(mask, x, 0.0)) @ membership / den
        elif method == "geometric":
            out = np.exp((wm * np.where(mask, np.log(np.where(mask, x, 1.0)), 0.0)) @ membership / den)
        elif method == "harmonic":
            out = den / ((wm / np.where(mask, x, 1.0)) @ membership)
        else:
            raise ValueError(f"Phương pháp tổng hợp không hợp lệ: {method}")
    out = np.where(den > 0, out, np.nan)
    if not skip_missing:
        out = np.where((~mask).astype(float) @ membership > 0, np.nan, out)
    return out


# --- ranks ----------------------------------------------------------------------------------


def rank_min(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Ascending ranks along axis, ties get the minimum rank, NaN stays NaN (R rank, ties 'min')."""
    x = np.moveaxis(np.asarray(x, dtype=float), axis, -1)
    order = np.argsort(x, axis=-1, kind="stable")
    s = np.take_along_axis(x, order, axis=-1)
    n = s.shape[-1]
    pos = np.broadcast_to(np.arange(n), s.shape)
    new = np.ones(s.shape, dtype=bool)
    new[..., 1:] = s[..., 1:] != s[..., :-1]
    first = np.maximum.accumulate(np.where(new, pos, 0), axis=-1)
    ranks = np.empty(s.shape)
    np.put_along_axis(ranks, order, first + 1.0, axis=-1)
    ranks[np.isnan(x)] = np.nan
    return np.moveaxis(ranks, -1, axis)


def rank_desc(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Ranks of scores: highest = 1, ties min (COINr rank(-score, ties = 'min'))."""
    return rank_min(-np.asarray(x, dtype=float), axis=axis)
