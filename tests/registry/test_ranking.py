"""The tie rule of the ranking (stiplan.registry.ranking), as properties over random councils:
the order of the files never matters, equal proposals share a rank, and each rank counts the
proposals strictly better by the written rule, which this test restates on its own."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from stiplan.registry.ranking import rank_proposals

CRITERIA = ["C1", "C2", "C3"]
sheet = st.fixed_dictionaries({c: st.integers(0, 3) for c in CRITERIA})  # few values → many ties
councils = st.dictionaries(st.text("ABCDEFGH", min_size=1, max_size=2),
                           st.lists(sheet, min_size=0, max_size=3), min_size=1, max_size=7)


def merit(sheets):
    """The written rule, restated: mean total, then the criterion means in sheet order."""
    n = len(sheets)
    return (Fraction(sum(sum(s.values()) for s in sheets), n),
            *(Fraction(sum(s[c] for s in sheets), n) for c in CRITERIA))


@settings(max_examples=300, deadline=None)
@given(councils)
def test_each_rank_is_one_more_than_the_number_of_strictly_better_proposals(files):
    ranks = {r.key: r.rank for r in rank_proposals(files, CRITERIA)}
    scored = {k: merit(v) for k, v in files.items() if v}
    for key, sheets in files.items():
        if not sheets:
            assert ranks[key] is None
            continue
        assert ranks[key] == 1 + sum(1 for other in scored.values() if other > scored[key])


@settings(max_examples=300, deadline=None)
@given(councils, st.randoms(use_true_random=False))
def test_the_order_in_which_files_arrive_does_not_change_any_rank(files, rnd):
    keys = list(files)
    rnd.shuffle(keys)
    shuffled = {k: files[k] for k in keys}
    assert ({r.key: r.rank for r in rank_proposals(files, CRITERIA)}
            == {r.key: r.rank for r in rank_proposals(shuffled, CRITERIA)})


@settings(max_examples=300, deadline=None)
@given(councils)
def test_equal_proposals_share_a_rank_and_the_list_is_best_first_with_unscored_last(files):
    ranked = rank_proposals(files, CRITERIA)
    for one in ranked:
        for other in ranked:
            if one.sheets and other.sheets:
                assert (one.rank == other.rank) == (merit(files[one.key]) == merit(files[other.key]))
    ranks = [r.rank for r in ranked]
    scored = [r for r in ranks if r is not None]
    assert scored == sorted(scored) and ranks[len(scored):] == [None] * (len(ranks) - len(scored))
