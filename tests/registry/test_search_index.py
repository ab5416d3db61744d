"""The task search through the database's word index (SQLite FTS5, PostgreSQL GIN) finds exactly
the tasks the plain rule finds: every query word a whole folded word of the task's code or title,
in any order; and the list says "more than 1,000" rather than counting every match."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stiplan.analytics.search.normalise import normalise
from stiplan.registry import search
from stiplan.registry.models import Task
from stiplan.registry.search import COUNT_CAP, CappedPaginator, matching, matching_plain

#: Few syllables, accented or not, so random titles share words and queries hit and miss.
SYLLABLES = ["lúa", "lua", "luật", "Đồng", "dong", "cá", "ca", "KH&CN", "khoa", "học", "tôm",
             "2025", "x1", "ĐMST"]
titles = st.lists(st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=6).map(" ".join),
                  min_size=1, max_size=6)
queries = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=3).map(" ".join)


class Rollback(Exception):
    """Undoes one example's tasks."""


def found(query: str, filter_of=matching) -> set[str]:
    return set(Task.objects.filter(code__startswith="HS-").filter(filter_of(query))
               .values_list("code", flat=True))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corpus=titles, query=queries)
def test_the_word_index_finds_what_the_plain_rule_finds(propose, corpus, query):
    try:
        with transaction.atomic():
            for n, title in enumerate(corpus):
                propose(code=f"HS-{n}", title=title)
            words = set(normalise(query).split())
            expected = {f"HS-{n}" for n, title in enumerate(corpus)
                        if words <= set(normalise(f"HS-{n} {title}").split())}
            assert found(query) == expected
            assert found(query, matching_plain) == expected
            raise Rollback
    except Rollback:
        pass


def test_an_empty_query_filters_nothing():
    assert matching("  - ") is None


def test_the_count_stops_at_the_cap_and_says_there_are_more():
    many = CappedPaginator(list(range(COUNT_CAP + 5)), 25)
    assert (many.count, many.capped, many.num_pages) == (COUNT_CAP, True, COUNT_CAP // 25)
    few = CappedPaginator(list(range(30)), 25)
    assert (few.count, few.capped) == (30, False)


def test_a_page_of_common_words_walks_the_list_order_and_finds_the_same(propose, monkeypatch):
    """More matches than the cap: SQLite reads the page in the list's order instead of starting at
    its word table; the page and the count are those of the plain rule."""
    for n in range(5):
        propose(code=f"HS-{n}", title=f"Nghiên cứu lúa {n}", start_date=dt.date(2020 + n, 1, 1))
    propose(code="HS-9", title="Nghiên cứu tôm")
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    rows = Task.objects.filter(code__startswith="HS-")
    page = list(rows.filter(matching("lua nghien cuu"))[:3])
    assert page == list(rows.filter(matching_plain("lua nghien cuu"))[:3])
    assert [t.code for t in page] == ["HS-4", "HS-3", "HS-2"]
    counted = search.CappedPaginator(rows.filter(matching("lua")), 25)
    assert (counted.count, counted.capped) == (2, True)
