"""Benchmark: the registry's accent-insensitive task search over 100,000 stored tasks (issue 12).

100,000 synthetic titles (bench/dedupe.py's generator) stored as tasks with their folded search
words, as propose_task writes them. Each query is 2–4 words of a stored title typed without
accents. Timed: the search filter as the task list runs it (matching rows counted, first page of
50 read) and the whole list page through Django's test client, as a visitor; the baseline is a
plain Python scan that folds every title and keeps those holding every query word, and the
previous filter (one LIKE per word, exact count) is timed beside the word-index one (capped count).

Run on SQLite (default) or PostgreSQL (BENCH_DATABASE_URL=postgres://…).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from datetime import datetime

from common import fresh_django, publish
from dedupe import title

TASKS = int(os.environ.get("BENCH_TASKS", "100000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "200"))
BASELINE = int(os.environ.get("BENCH_BASELINE", "20"))
SEED = 7


def store(rng: random.Random) -> list[str]:
    """The tasks, written in batches straight to the table (a benchmark's set-up, not a write
    path of the product): public, so a visitor's list holds them all."""
    from stiplan.registry.models import Task
    from stiplan.registry.search import search_text

    titles = [title(rng) for _ in range(TASKS)]
    start = dt.date(2020, 1, 1)
    Task.objects.bulk_create(
        (Task(code=f"B-{n:06d}", title=t, level="provincial", kind="de_tai", mechanism="funding",
              selection="open", start_date=start, regime="tt2014", state="contracted", public=True,
              synthetic=True, search_text=search_text(f"B-{n:06d}", t))
         for n, t in enumerate(titles)), batch_size=2000)
    from django.db import connection

    with connection.cursor() as cursor:  # SQLite's word index follows by its triggers
        cursor.execute("ANALYZE")
    return titles


def queries(titles: list[str], rng: random.Random) -> list[str]:
    from stiplan.analytics.search.normalise import normalise

    out = []
    while len(out) < QUERIES:
        words = normalise(rng.choice(titles)).split()
        words = [w for w in words if len(w) > 2]
        if len(words) < 4:
            continue
        k = rng.randint(2, 4)
        first = rng.randrange(len(words) - k + 1)
        out.append(" ".join(words[first:first + k]))
    return out


def timed(run, items) -> list[float]:
    times = []
    for item in items:
        started = time.perf_counter()
        run(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def main() -> None:
    fresh_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from stiplan.analytics.search.normalise import normalise
    from stiplan.demo.reference import serve_plain_http
    from stiplan.registry.models import Task
    from stiplan.registry.search import COUNT_CAP, matching, matching_plain

    rng = random.Random(SEED)
    started = time.perf_counter()
    titles = store(rng)
    stored_in = time.perf_counter() - started
    asked = queries(titles, rng)

    def by_like(q: str) -> None:
        found = Task.objects.filter(matching_plain(q))
        found.count()
        list(found[:50])

    def by_filter(q: str) -> None:
        found = Task.objects.filter(matching(q))
        found.order_by()[:COUNT_CAP + 1].count()
        list(found[:50])

    serve_plain_http()  # the test client speaks plain http to "testserver"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()

    def by_page(q: str) -> None:
        response = client.get("/registry/tasks/", {"q": q})
        assert response.status_code == 200, response.status_code

    def by_scan(q: str) -> None:
        words = set(q.split())
        [t for t in titles if words <= set(normalise(t).split())]

    by_filter(asked[0])  # warm the connection and the page cache
    by_page(asked[0])
    baseline = timed(by_scan, asked[:BASELINE])
    liked = timed(by_like, asked)
    filtered = timed(by_filter, asked)
    paged = timed(by_page, asked)
    base = statistics.median(baseline)
    engine = connection.vendor
    rows = [("plain Python scan: fold every title, keep those holding every word (baseline)",
             baseline),
            ("previous filter, one LIKE per word: exact count + first page of 50", liked),
            ("stiplan search filter (word index): count up to 1,000 + first page of 50", filtered),
            ("the task list page /registry/tasks/?q=… as a visitor (test client)", paged)]
    lines = [f"\n## {datetime.now():%Y-%m-%d %H:%M} — registry task search over {TASKS:,} tasks "
             f"({engine}), queries of 2–4 words typed without accents\n",
             f"Tasks stored in {stored_in:.1f} s (bulk insert with their folded words).\n",
             "| case | queries | median ms | p95 ms | × baseline (median) |",
             "|---|---|---|---|---|"]
    for label, times in rows:
        lines.append(f"| {label} | {len(times)} | {statistics.median(times):.1f} | "
                     f"{p95(times):.1f} | {statistics.median(times) / base:.3f} |")
    publish("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
