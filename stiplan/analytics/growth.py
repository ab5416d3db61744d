"""Growth accounting (hạch toán tăng trưởng): how much of GRDP growth comes from TFP.

With Cobb–Douglas output Y = A·K^α·L^(1−α), in growth rates g_Y = α·g_K + (1−α)·g_L + g_A.
TFP growth g_A is the residual; the plan's headline indicator is TFP's share of growth, g_A / g_Y.

Capital: a stock series, or investment turned into a stock by the perpetual-inventory method,
K_t = (1 − δ)·K_{t−1} + I_t, from a stated initial stock (or K_0 = I_0 / (g + δ), the steady-state
rule, with g the average growth of investment).

α, the capital elasticity (output share of capital), is a parameter. The default 0.4 is an
ASSUMPTION inside the range that published growth-accounting studies use (Young 1995, QJE 110(3),
Table VII, measured 0.26–0.49 for Hong Kong, Singapore, Korea and Taiwan); set the value that the
provincial statistics office uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import log

DEFAULT_ALPHA = 0.4
DEFAULT_DEPRECIATION = 0.05


@dataclass(frozen=True)
class Contribution:
    """One step (a year, or a period average) of growth, in % per year, and TFP's share in %."""

    start: int
    end: int
    output: float
    capital: float
    labour: float
    capital_part: float
    labour_part: float
    tfp: float
    tfp_share: float | None


@dataclass
class GrowthAccount:
    alpha: float
    years: list[int]
    capital_stock: dict[int, float]
    yearly: list[Contribution] = field(default_factory=list)

    def period(self, start: int, end: int) -> Contribution:
        """Average annual contributions between two years (log-difference averages)."""
        return _contribution(start, end, self._y[start], self._y[end], self.capital_stock[start],
                             self.capital_stock[end], self._l[start], self._l[end], self.alpha)

    _y: dict[int, float] = field(default_factory=dict, repr=False)
    _l: dict[int, float] = field(default_factory=dict, repr=False)


def perpetual_inventory(investment: dict[int, float], depreciation: float = DEFAULT_DEPRECIATION,
                        initial_stock: float | None = None) -> dict[int, float]:
    """Capital stock from investment at constant prices: K_t = (1−δ)·K_{t−1} + I_t."""
    years = sorted(investment)
    if not years:
        return {}
    if initial_stock is None:
        first, last = investment[years[0]], investment[years[-1]]
        span = max(len(years) - 1, 1)
        g = (last / first) ** (1 / span) - 1 if first > 0 and last > 0 else 0.0
        initial_stock = first / max(g + depreciation, 1e-9)
    stock = {years[0]: initial_stock}
    for prev, year in zip(years, years[1:], strict=False):
        stock[year] = (1 - depreciation) * stock[prev] + investment[year]
    return stock


def _contribution(start, end, y0, y1, k0, k1, l0, l1, alpha) -> Contribution:
    span = end - start
    gy, gk, gl = (100 * log(b / a) / span for a, b in ((y0, y1), (k0, k1), (l0, l1)))
    k_part, l_part = alpha * gk, (1 - alpha) * gl
    tfp = gy - k_part - l_part
    return Contribution(start, end, gy, gk, gl, k_part, l_part, tfp,
                        100 * tfp / gy if abs(gy) > 1e-12 else None)


def account(output: dict[int, float], labour: dict[int, float], *, capital: dict[int, float] | None = None,
            investment: dict[int, float] | None = None, alpha: float = DEFAULT_ALPHA,
            depreciation: float = DEFAULT_DEPRECIATION,
            initial_stock: float | None = None) -> GrowthAccount:
    """Yearly growth accounts for the years where output, labour and capital are all known."""
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    if capital is None:
        if investment is None:
            raise ValueError("give capital or investment")
        capital = perpetual_inventory(investment, depreciation, initial_stock)
    years = sorted(set(output) & set(labour) & set(capital))
    if any(v <= 0 for d in (output, labour, capital) for y, v in d.items() if y in years):
        raise ValueError("output, labour and capital must be positive")
    result = GrowthAccount(alpha, years, capital, _y=dict(output), _l=dict(labour))
    for a, b in zip(years, years[1:], strict=False):
        result.yearly.append(_contribution(a, b, output[a], output[b], capital[a], capital[b],
                                           labour[a], labour[b], alpha))
    return result


def decompose(output_growth: float, capital_growth: float, labour_growth: float,
              alpha: float) -> Contribution:
    """The accounting identity on given average growth rates (as published tables give them)."""
    k_part, l_part = alpha * capital_growth, (1 - alpha) * labour_growth
    tfp = output_growth - k_part - l_part
    return Contribution(0, 0, output_growth, capital_growth, labour_growth, k_part, l_part, tfp,
                        100 * tfp / output_growth if output_growth else None)
