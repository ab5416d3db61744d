"""Index steps the COINr example does not exercise, against values worked out by hand."""

import math

import numpy as np

from stiplan.analytics.index import Coin, Framework, Node, Spec, Table, UnitData, steps


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)[:, None]


def test_goalposts_cut_and_reverse():
    x = np.array([[0.0, 0.0], [5.0, 5.0], [20.0, 20.0]])
    gp = np.array([[0.0, 10.0], [0.0, 10.0]])
    y = steps.normalise(x, np.array([1, -1]), "goalposts", (0, 100), gp)
    assert y.tolist() == [[0, 100], [50, 50], [100, 0]]


def test_rank_normalisation_ties_min_and_direction():
    y = steps.normalise(col(3, 1, 3, 2), np.array([-1]), "rank")
    assert y[:, 0].tolist() == [1, 4, 1, 3]  # lower is better: 3 → −3 is the smallest


def test_harmonic_and_geometric_means():
    m = np.ones((2, 1))
    x = np.array([[2.0, 8.0]])
    w = np.array([1.0, 3.0])
    assert math.isclose(steps.aggregate(x, w, m, "geometric")[0, 0], 2 ** (1 / 4) * 8 ** (3 / 4))
    assert math.isclose(steps.aggregate(x, w, m, "harmonic")[0, 0], 4 / (1 / 2 + 3 / 8))
    assert math.isclose(steps.aggregate(x, w, m, "arithmetic")[0, 0], (2 + 24) / 4)


def test_missing_children_skipped_or_propagated():
    m = np.ones((3, 1))
    x = np.array([[10.0, np.nan, 40.0]])
    w = np.array([1.0, 5.0, 3.0])
    assert steps.aggregate(x, w, m)[0, 0] == (10 + 120) / 4  # GII: mean of available, weights re-normalised
    assert np.isnan(steps.aggregate(x, w, m, skip_missing=False)[0, 0])


def test_log_fallback_when_winsorising_cannot_pass():
    x = col(*range(20), 1000, 2000)  # after one winsorised point: skew 3.06, kurtosis 8.08, still failing
    treated, high, low, logged = steps.treat(x, 1)
    assert logged.tolist() == [True] and not high.any() and not low.any()
    expect = np.log(x - 0 + 0.01 * 2000)
    assert np.allclose(treated, expect, rtol=0, atol=1e-12)


def test_winsorise_ties_move_together_and_count():
    x = col(*range(1, 18), 100, 100)  # two tied maxima are winsorised in one step
    treated, high, _, logged = steps.treat(x, 5)
    assert not logged.any()
    assert high[:, 0].sum() == 2 and treated[-1, 0] == treated[-2, 0] == 17


def small(values: np.ndarray, units: list[str]) -> Coin:
    nodes = [
        Node("a", "a", 1, "IN"),
        Node("b", "b", 1, "IN"),
        Node("c", "c", 1, "OUT"),
        Node("IN", "in", 2, "X"),
        Node("OUT", "out", 2, "X"),
        Node("X", "x", 3, None),
    ]
    fw = Framework("X", "x", nodes, efficiency=("OUT", "IN"))
    return Coin(fw, UnitData(Table(units, ["a", "b", "c"], values)))


def test_screen_efficiency_strengths_and_weaknesses():
    values = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [2.0, 3.0, 2.0], [np.nan, np.nan, 1.0]])
    coin = small(values, ["u1", "u2", "u3", "u4"]).run(Spec(treat="none", dat_thresh=0.5))
    r = coin.results
    assert r.scores.units == ["u1", "u2", "u3"]  # u4 has 1/3 of its data
    # normalised: a (0, 100, 50), b (0, 0, 100), c (100, 0, 50)
    assert r.scores.column("IN").tolist() == [0, 50, 75]
    assert r.scores.column("OUT").tolist() == [100, 0, 50]
    assert r.efficiency[0] == np.inf and r.efficiency[1] == 0 and math.isclose(r.efficiency[2], 50 / 75)
    assert r.strengths["u2"][0] == "a" and r.weaknesses["u2"][0] == "c"
    assert r.ranks.column("X").tolist() == [2, 3, 1]
