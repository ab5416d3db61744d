"""Series arithmetic: a restated amount is the whole sum of the former units or unknown; a
cumulative count adds the known years; yearly counts of former units add what is known."""

import math

from hypothesis import given
from hypothesis import strategies as st

from stiplan.analytics.series import Point, cumulative, reported_count, restated_sum

amounts = st.floats(min_value=0, max_value=1e12, allow_nan=False)
known = st.builds(Point, amounts, st.booleans())
maybe = st.one_of(known, st.just(Point(None)))


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def known_total(points: list[Point]) -> float | None:
    """The sum of the points' known values; None when not one is known."""
    values = [p.value for p in points if p.value is not None]
    return math.fsum(values) if values else None


@given(st.lists(known, min_size=1, max_size=12))
def test_a_restated_amount_is_the_sum_of_the_former_units(parts):
    point = restated_sum(parts)
    assert point.restated and close(point.value, math.fsum(p.value for p in parts))


@given(st.lists(known, max_size=12), st.data())
def test_one_unknown_former_unit_leaves_the_restated_amount_unknown(parts, data):
    at = data.draw(st.integers(0, len(parts)))
    point = restated_sum(parts[:at] + [Point(None)] + parts[at:])
    assert point.value is None and point.restated


def test_a_unit_with_no_former_units_has_no_restated_amount():
    assert restated_sum([]) == Point(None, restated=True)


@given(st.lists(known, min_size=1, max_size=12), st.randoms())
def test_the_order_of_the_former_units_does_not_matter(parts, rng):
    shuffled = list(parts)
    rng.shuffle(shuffled)
    assert close(restated_sum(parts).value, restated_sum(shuffled).value)


@given(st.lists(maybe, max_size=12))
def test_a_cumulative_count_adds_the_known_years(yearly):
    point, total = cumulative(yearly), known_total(yearly)
    if total is None:
        assert point == Point(None)
    else:
        assert point.computed and close(point.value, total)
        assert point.restated == any(p.restated for p in yearly)


@given(st.lists(maybe, max_size=12), st.lists(maybe, max_size=12))
def test_cumulative_counts_add_up_over_consecutive_spans(first, then):
    whole, total = cumulative(first + then), known_total([cumulative(first), cumulative(then)])
    assert (whole.value is None) == (total is None)
    if total is not None:
        assert close(whole.value, total)


@given(st.lists(maybe, max_size=12), amounts)
def test_one_more_year_never_lowers_a_cumulative_count(yearly, more):
    before, after = cumulative(yearly), cumulative([*yearly, Point(more)])
    assert after.value >= (before.value or 0) - 1e-6


@given(st.lists(maybe, max_size=12))
def test_a_former_units_yearly_count_adds_what_is_known(parts):
    point, total = reported_count(parts), known_total(parts)
    if total is None:
        assert point == Point(None)
    else:
        assert point.restated and close(point.value, total)
