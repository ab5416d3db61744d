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

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from stiplan.analytics.search import TitleIndex
from stiplan.analytics.search.normalise import normalise

#: A proposal as like an existing task as this asks the proposer to confirm it is not the same.
CONFIRM_AT = 0.6


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


def matching_rows(rows: QuerySet, query: str, *names: str) -> QuerySet:
    """The rows of `rows` whose text columns `names` hold every word of `query` (folded, whole
    words, any order: the task search's rule), folded here in Python rather than read from a stored
    column. For the small resource tables (a province's organisations are counted in hundreds),
    written by several paths (the admin, the generic save, the demo) that keep no folded column:
    reading their short names once per search is cheap, and a new row is found at once."""
    words = set(normalise(query).split())
    if not words:
        return rows
    keep = [pk for pk, *texts in rows.values_list("pk", *names)
            if words <= set(normalise(" ".join(t for t in texts if t)).split())]
    return rows.filter(pk__in=keep)


@dataclass(frozen=True)
class Similar:
    """A task like a proposed title: its score in [0, 1] and the phrases both share."""

    task_id: int
    code: str
    title: str
    state: str
    score: float
    phrases: tuple[str, ...]


def similar_tasks(title: str, tasks: QuerySet, *, limit: int = 10,
                  min_score: float = 0.3) -> list[Similar]:
    """The duplicate check (kiểm tra trùng lặp): the tasks of `tasks` whose titles are like
    `title`, best first — reordered words, dropped accents, abbreviations and legacy fonts
    included (stiplan.analytics.search)."""
    rows = list(tasks.values_list("pk", "code", "title", "state"))
    if not rows or not title.strip():
        return []
    index = TitleIndex([r[2] for r in rows], range(len(rows)))
    return [Similar(rows[h.key][0], rows[h.key][1], h.title, rows[h.key][3], h.score, h.phrases)
            for h in index.similar(title, max(limit, 1), min_score)]
