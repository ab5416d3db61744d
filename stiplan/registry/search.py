"""Accent-insensitive, word-aware search over tasks, done by the database on both SQLite and
PostgreSQL: each task keeps its code and title as folded words (`Task.search_text`, written by
`propose_task`), and a query is folded the same way (stiplan.analytics.search.normalise:
no accents, đ → d, legacy fonts converted, KH&CN / ĐMST spelled out), then every query word must
be a whole word of the task, in any order ("lua" finds "lúa", not "luật").

Why a stored column and not folding in Python: the list is paged and filtered by the database, so
the search must be a filter too; a folded column costs one LIKE per word, needs no extension
(`unaccent` is PostgreSQL-only and SQLite has no accent folding), and a trigram index can be put
on it later on PostgreSQL without changing the query.

What makes it fast over 100,000 tasks (bench/registry_search.py, issue 12): a word index the
database keeps, where it has one. On PostgreSQL a GIN index on the column's words as an array
(`string_to_array(btrim(search_text), ' ')`, built in, no extension), queried with `@>`: exact, the
same whole-word rule. On SQLite an FTS5 table over the column (`registry_task_words`, external
content, kept in step with the task table by triggers), asked for the words and then checked with
the same LIKEs, so its own tokenising can only narrow, never change, the result. Elsewhere, or on
a SQLite built without FTS5, the LIKEs alone. The list counts at most `COUNT_CAP` matches ("more
than 1,000"), unordered: an exact or ordered count of a search for common words would read every
match. The first page of such a search is read by walking the list's order (the index
`registry_task_listed`) and keeping the tasks that match until the page is full: sorting 38,000
matches to show 25 is what made common words slow. SQLite cannot know how many tasks hold the
words, so the filter asks its word table first (at most `COUNT_CAP` + 1, under a millisecond) and,
for more, keeps SQLite from starting at the word table when it reads a page (`+id IN …`), while a
count still starts there; PostgreSQL's planner judges it from its statistics of the words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import BooleanField, Expression, F, Q, QuerySet

from stiplan.analytics.search import TitleIndex
from stiplan.analytics.search.normalise import normalise

#: A proposal as like an existing task as this asks the proposer to confirm it is not the same.
CONFIRM_AT = 0.6


def search_text(*parts: str) -> str:
    """The folded words of `parts`, between spaces (what `Task.search_text` holds)."""
    words = normalise(" ".join(p for p in parts if p))
    return f" {words} " if words else ""


#: The SQLite FTS5 table over Task.search_text (migration 0005_task_words); on PostgreSQL the GIN
#: index on its words bears the same name.
WORDS_TABLE = "registry_task_words"
#: The table the word table follows.
TASK_TABLE = "registry_task"
#: The task list counts matches of a search up to this many, then says "more than".
COUNT_CAP = 1000

_indexed: dict[tuple[str, str], bool] = {}


def words_indexed(connection) -> bool:
    """Whether this SQLite database has the FTS5 word table (checked once per database)."""
    key = (connection.alias, str(connection.settings_dict["NAME"]))
    if key not in _indexed:
        _indexed[key] = WORDS_TABLE in connection.introspection.table_names()
    return _indexed[key]


def first_page(query) -> bool:
    """Whether `query` reads a slice of the tasks in an order (a page), not a count or a set."""
    return query.is_sliced and bool(
        query.order_by or query.default_ordering and query.get_meta().ordering)


def common_words(connection, match: str) -> bool:
    """Whether more than `COUNT_CAP` tasks hold the words of the FTS5 query `match` (SQLite)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {WORDS_TABLE} WHERE {WORDS_TABLE} "
                       "MATCH %s LIMIT %s)", [match, COUNT_CAP + 1])
        return cursor.fetchone()[0] > COUNT_CAP


def words_of(query: str) -> list[str]:
    """The folded words of a query, each once, in order."""
    return list(dict.fromkeys(normalise(query).split()))


class HoldsWords(Expression):
    """True for the tasks whose search_text holds every word of `words` (folded, whole words):
    through the database's word index when it has one (see the module's docstring)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, words: list[str]):
        super().__init__()
        self.words = words
        self.text, self.pk = F("search_text"), F("pk")

    def get_source_expressions(self):
        return [self.text, self.pk]

    def set_source_expressions(self, exprs):
        self.text, self.pk = exprs

    def _likes(self, compiler) -> tuple[list[str], list]:
        text, params = compiler.compile(self.text)
        sql, out = [], []
        for word in self.words:
            sql.append(f"{text} LIKE %s")
            out += [*params, f"% {word} %"]
        return sql, out

    def as_sql(self, compiler, connection):
        sql, params = self._likes(compiler)
        return "(" + " AND ".join(sql) + ")", params

    def as_sqlite(self, compiler, connection):
        sql, params = self._likes(compiler)
        # the word table follows the task table only; offers and demands are matched by the LIKEs
        if compiler.query.model._meta.db_table == TASK_TABLE and words_indexed(connection):
            pk, pk_params = compiler.compile(self.pk)
            match = " ".join(f'"{w}"' for w in self.words)
            walk = "+" if first_page(compiler.query) and common_words(connection, match) else ""
            sql.insert(0, f"{walk}{pk} IN (SELECT rowid FROM {WORDS_TABLE} WHERE {WORDS_TABLE} MATCH %s)")
            params = [*pk_params, match, *params]
        return "(" + " AND ".join(sql) + ")", params

    def as_postgresql(self, compiler, connection):
        text, params = compiler.compile(self.text)
        return f"string_to_array(btrim({text}), ' ') @> %s::text[]", [*params, self.words]


def matching(query: str) -> Q | None:
    """The filter of the tasks whose words hold every word of `query`, or None for an empty one."""
    words = words_of(query)
    return Q(HoldsWords(words)) if words else None


def matching_plain(query: str) -> Q | None:
    """The same rule as `matching` with LIKEs only, no word index: the reference it is tested and
    measured against."""
    words = words_of(query)
    if not words:
        return None
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=f" {word} ")
    return condition


class CappedPaginator(Paginator):
    """A paginator that counts at most `COUNT_CAP` rows; `capped` tells there are more (the count
    then says COUNT_CAP, and the pages stop there)."""

    capped = False

    @property
    def count(self) -> int:
        if not hasattr(self, "_capped_count"):
            rows = self.object_list
            if isinstance(rows, QuerySet):  # counted in no order: the first COUNT_CAP + 1 found
                n = rows.order_by()[:COUNT_CAP + 1].count()
            else:
                n = len(rows[:COUNT_CAP + 1])
            self.capped = n > COUNT_CAP
            self._capped_count = min(n, COUNT_CAP)
        return self._capped_count


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
