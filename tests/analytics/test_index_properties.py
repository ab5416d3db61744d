"""Properties of the index engine on arbitrary data and frameworks (hypothesis)."""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from stiplan.analytics.index import Coin, Framework, Node, Spec, Table, UnitData

AGGREGATIONS = ("arithmetic", "geometric", "harmonic")


@st.composite
def cases(draw, min_units=3):
    """A random two-level framework (indicators → pillars → index) and integer-valued data."""
    n_ind = draw(st.integers(2, 7))
    n_pil = draw(st.integers(1, n_ind))
    parents = list(range(n_pil)) + [draw(st.integers(0, n_pil - 1)) for _ in range(n_ind - n_pil)]
    directions = [draw(st.sampled_from([1, -1])) for _ in range(n_ind)]
    weights = [draw(st.floats(0.1, 5)) for _ in range(n_ind + n_pil)]
    n_units = draw(st.integers(min_units, 12))
    values = np.array(
        draw(st.lists(st.integers(0, 1000), min_size=n_units * n_ind, max_size=n_units * n_ind)), float
    )
    values = values.reshape(n_units, n_ind)
    assume(all(np.ptp(values[:, j]) > 0 for j in range(n_ind)))
    nodes = [Node(f"I{j}", f"I{j}", 1, f"P{parents[j]}", weights[j], directions[j]) for j in range(n_ind)]
    nodes += [Node(f"P{k}", f"P{k}", 2, "IDX", weights[n_ind + k]) for k in range(n_pil)]
    nodes.append(Node("IDX", "Index", 3, None))
    return nodes, values


def build(nodes: list[Node], values: np.ndarray, spec: Spec, units: list[str] | None = None) -> Coin:
    fw = Framework("IDX", "test", nodes)
    indicators = [n.code for n in nodes if n.level == 1]
    units = units or [f"U{i}" for i in range(len(values))]
    return Coin(fw, UnitData(Table(units, indicators, values))).run(spec)


def scores_by_unit(coin: Coin) -> dict[str, np.ndarray]:
    r = coin.results
    order = sorted(r.scores.columns)
    return {u: r.scores.select(order).values[i] for i, u in enumerate(r.scores.units)}


@settings(max_examples=60, deadline=None)
@given(cases(), st.sampled_from(AGGREGATIONS), st.floats(1, 50), st.floats(1, 100))
def test_scores_stay_within_the_normalised_range(case, method, low, width):
    nodes, values = case
    coin = build(nodes, values, Spec(normalise="minmax", params=(low, low + width), aggregate=method))
    scores = coin.results.scores.values
    assert np.all(scores >= low - 1e-9) and np.all(scores <= low + width + 1e-9)


@settings(max_examples=60, deadline=None)
@given(cases(), st.randoms(use_true_random=False), st.sampled_from(["none", "winsorise"]))
def test_order_of_units_and_indicators_does_not_matter(case, rnd, treat):
    nodes, values = case
    spec = Spec(treat=treat, winmax=2)
    base = scores_by_unit(build(nodes, values, spec))
    rows = list(range(values.shape[0]))
    cols = [j for j, n in enumerate(nodes) if n.level == 1]
    rnd.shuffle(rows)
    rnd.shuffle(cols)
    shuffled_nodes = [nodes[j] for j in cols] + [n for n in nodes if n.level > 1][::-1]
    other = scores_by_unit(build(shuffled_nodes, values[rows][:, cols], spec, [f"U{i}" for i in rows]))
    assert base.keys() == other.keys()
    for u in base:
        assert np.allclose(base[u], other[u], rtol=0, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    cases(),
    st.data(),
    st.sampled_from([("minmax", (0.0, 100.0)), ("minmax", (1.0, 7.0)), ("zscore", (10.0, 2.0))]),
)
def test_flipping_a_direction_mirrors_its_normalised_values(case, data, norm):
    nodes, values = case
    j = data.draw(st.integers(0, values.shape[1] - 1))
    flipped = list(nodes)
    flipped[j] = Node(**{**nodes[j].__dict__, "direction": -nodes[j].direction})
    spec = Spec(treat="none", normalise=norm[0], params=norm[1])
    a = build(nodes, values, spec).tables["normalised"].values[:, j]
    b = build(flipped, values, spec).tables["normalised"].values[:, j]
    centre = (norm[1][0] + norm[1][1]) / 2 if norm[0] == "minmax" else norm[1][0]
    assert np.allclose(a + b, 2 * centre, rtol=0, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(cases(), st.floats(0.01, 100), st.sampled_from(AGGREGATIONS))
def test_scaling_all_weights_together_changes_nothing(case, factor, method):
    nodes, values = case
    scaled = [Node(**{**n.__dict__, "weight": n.weight * factor}) for n in nodes]
    spec = Spec(normalise="minmax", params=(1.0, 100.0), aggregate=method)
    a, b = scores_by_unit(build(nodes, values, spec)), scores_by_unit(build(scaled, values, spec))
    for u in a:
        assert np.allclose(a[u], b[u], rtol=1e-12, atol=1e-9)


@settings(max_examples=80, deadline=None)
@given(cases(), st.data(), st.sampled_from(AGGREGATIONS))
def test_improving_an_indicator_never_costs_score_or_rank_in_its_pillar(case, data, method):
    nodes, values = case
    unit = data.draw(st.integers(0, values.shape[0] - 1))
    j = data.draw(st.integers(0, values.shape[1] - 1))
    step = data.draw(st.integers(1, 2000))
    better = values.copy()
    better[unit, j] += step * nodes[j].direction
    spec = Spec(treat="none", normalise="minmax", params=(1.0, 100.0), aggregate=method)
    before, after = build(nodes, values, spec).results, build(nodes, better, spec).results
    pillar = nodes[j].parent
    assert after.scores.column(pillar)[unit] >= before.scores.column(pillar)[unit] - 1e-9
    assert after.ranks.column(pillar)[unit] <= before.ranks.column(pillar)[unit]
