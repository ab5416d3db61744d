"""The lineage graph answers: who holds a unit's duties on a date, and who came before."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from stiplan.analytics.lineage import Lineage, Link, UnitSpan

MARCH, JULY = date(2025, 3, 1), date(2025, 7, 1)


def graph() -> Lineage:
    day_before = lambda d: d - timedelta(days=1)  # noqa: E731
    units = [
        UnitSpan("A.KHCN", date(2015, 1, 1), day_before(JULY)),
        UnitSpan("A.TTTT", date(2015, 1, 1), day_before(MARCH)),
        UnitSpan("A.VH", date(2015, 1, 1), day_before(JULY)),
        UnitSpan("B.KHCN", date(2015, 1, 1), day_before(JULY)),
        UnitSpan("N.KHCN", JULY),
        UnitSpan("N.VH", JULY),
        UnitSpan("A.H1", date(2015, 1, 1), day_before(JULY)),
        UnitSpan("N.X1", JULY),
        UnitSpan("N.X2", JULY),
    ]
    links = [
        Link("A.TTTT", "A.KHCN", MARCH, "merge"),
        Link("A.TTTT", "A.VH", MARCH, "transfer", "press"),
        Link("A.KHCN", "N.KHCN", JULY, "merge"),
        Link("B.KHCN", "N.KHCN", JULY, "merge"),
        Link("A.VH", "N.VH", JULY, "merge"),
        Link("A.H1", "N.X1", JULY, "abolish"),
        Link("A.H1", "N.X2", JULY, "abolish"),
    ]
    return Lineage(units, links)


def test_a_unit_holds_its_own_duties_while_it_exists():
    assert graph().successors("A.TTTT", date(2024, 1, 1)) == ["A.TTTT"]


def test_merged_duties_follow_two_merges():
    assert graph().successors("A.TTTT", date(2025, 4, 1)) == ["A.KHCN"]
    assert graph().successors("A.TTTT", date(2026, 1, 1)) == ["N.KHCN"]


def test_a_transferred_function_follows_its_own_path():
    assert graph().successors("A.TTTT", date(2026, 1, 1), "press") == ["N.VH"]
    assert graph().successors("A.TTTT", date(2026, 1, 1), "other") == ["N.KHCN"]


def test_an_abolished_district_passes_to_every_commune():
    assert graph().successors("A.H1", date(2026, 1, 1)) == ["N.X1", "N.X2"]


def test_a_unit_has_no_holder_before_it_was_created():
    assert graph().successors("N.KHCN", date(2024, 1, 1)) == []


def test_predecessors_collect_every_unit_that_flowed_in_except_transfers():
    assert sorted(graph().predecessors("N.KHCN")) == ["A.KHCN", "A.TTTT", "B.KHCN"]
    assert graph().predecessors("N.VH") == ["A.VH"]


def test_units_valid_on_a_date():
    assert graph().valid_on(date(2026, 1, 1)) == ["N.KHCN", "N.VH", "N.X1", "N.X2"]


codes = st.sampled_from([f"U{i}" for i in range(8)])
days = st.dates(min_value=date(2014, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def random_graphs(draw):
    units = []
    for i in range(8):
        start = draw(days)
        end = draw(st.none() | st.dates(min_value=start, max_value=date(2031, 1, 1)))
        units.append(UnitSpan(f"U{i}", start, end))
    links = draw(st.lists(st.builds(Link, codes, codes, days, st.sampled_from(
        ["merge", "split", "abolish", "transfer"]), st.sampled_from(["", "f"])), max_size=20))
    return Lineage(units, links)


@given(random_graphs(), codes, days)
def test_successors_always_exist_on_the_day_and_never_loop(lineage, code, day):
    """Whatever the links (cycles included), successors are units valid on the day, no repeats."""
    found = lineage.successors(code, day)
    assert len(found) == len(set(found))
    assert all(lineage.units[c].valid_on(day) for c in found)
    if lineage.units[code].valid_on(day):
        assert found == [code]
