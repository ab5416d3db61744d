"""Accent-insensitive, word-aware search over tasks, done by the database on both SQLite and
PostgreSQL: each task keeps its code and title as folded words (`Task.search_text`, written by
`propose_task`), and a query is folded the same way (stiplan.analytics.search.normalise:
no accents, đ → d, legacy fonts converted, KH&CN / ĐMST spelled out), then every query word must
be a whole word of the task, in any order ("lua" finds "lúa", not "luật").

Why a stored column and not folding in Python: the list is paged and filtered by the database, so
the search must be a filter too; a folded column costs one LIKE per word, needs no extension
(`unaccent` is PostgreSQL-only and SQLite has no accent folding), and a trigram index can be put
on it later on PostgreSQL without changing the query.
"""

from __future__ import annotations

from django.db.models import Q

from stiplan.analytics.search.normalise import normalise


def search_text(*parts: str) -> str:
    """The folded words of `parts`, between spaces (what `Task.search_text` holds)."""
    words = normalise(" ".join(p for p in parts if p))
    return f" {words} " if words else ""


def matching(query: str) -> Q | None:
    """The filter of the tasks whose words hold every word of `query`, or None for an empty one."""
    words = normalise(query).split()
    if not words:
        return None
    condition = Q()
    for word in dict.fromkeys(words):
        condition &= Q(search_text__contains=f" {word} ")
    return condition
