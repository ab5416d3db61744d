"""Benchmark: the registry's bulk import of 100,000 tasks (issue 12, item 10; target ≤ 60 s on
SQLite).

A CSV of 100,000 synthetic tasks (bench/dedupe.py's titles) naming 50 host organisations, the 6
fields, a budget total and a principal investigator among 2,000 people (by name, some by id),
imported through `stiplan.registry.transfer.run_import` as the command runs it: read, every row
checked, then one transaction of bulk inserts (tasks, budget lines, members) and one audit entry.
Timed: the dry run (read and check only) and the import, BENCH_RUNS times each (the tasks are
deleted between runs), reported as median and p95 (the largest of a few runs); once, the same
rows as an XLSX workbook.

Run on SQLite (default) or PostgreSQL (BENCH_DATABASE_URL=postgres://…).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import datetime

from common import fresh_django, publish
from dedupe import title

TASKS = int(os.environ.get("BENCH_TASKS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
XLSX = os.environ.get("BENCH_XLSX", "1") == "1"
SEED = 11
HEADER = ["code", "title", "level", "kind", "mechanism", "selection", "start_date", "end_date",
          "field", "host", "budget_total", "principal_investigator"]


def world(rng: random.Random) -> tuple[list[str], list[tuple[int, str]]]:
    """50 organisations and 2,000 people, written straight to the tables (set-up, not timed)."""
    from stiplan.registry.actions import FieldRow, load_fields
    from stiplan.registry.models import Organisation, Person

    load_fields([FieldRow(n, str(n), f"Lĩnh vực {n}") for n in range(1, 7)], by=None)
    Organisation.objects.bulk_create(Organisation(code=f"org-{n}", name=f"Tổ chức {n}", kind="st_org")
                                     for n in range(50))
    Person.objects.bulk_create(Person(full_name=f"Nhà khoa học {n:04d}") for n in range(2000))
    return ([f"org-{n}" for n in range(50)],
            list(Person.objects.values_list("pk", "full_name")))


def rows(rng: random.Random, orgs, people) -> list[list[str]]:
    out = []
    for n in range(TASKS):
        year = rng.randint(2016, 2025)
        pk, name = rng.choice(people)
        out.append([f"BN-{n:06d}", title(rng), "provincial", "de_tai", "funding", "open",
                    f"{year}-03-01", f"{year + 2}-02-28", str(rng.randint(1, 6)), rng.choice(orgs),
                    f"{rng.randint(100, 5000)},5", name if n % 3 else f"#{pk}"])
    return out


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]


def main() -> None:
    fresh_django()
    from django.db import connection

    from stiplan.registry.models import BudgetLine, Task, TaskMember
    from stiplan.registry.tables import write_table
    from stiplan.registry.transfer import run_import

    rng = random.Random(SEED)
    orgs, people = world(rng)
    table = rows(rng, orgs, people)
    raw = write_table(HEADER, table, "csv")

    def clear() -> None:  # benchmark housekeeping between runs
        TaskMember.objects.all().delete()
        BudgetLine.objects.all().delete()
        Task.objects.all().delete()

    def timed(dry_run: bool, data: bytes, name: str) -> float:
        started = time.perf_counter()
        summary = run_import(data, name, "tasks", by=None, dry_run=dry_run)
        took = time.perf_counter() - started
        assert summary.created == TASKS, summary
        if not dry_run:
            assert Task.objects.count() == TASKS
            clear()
        return took

    def report(label: str, times: list[float], extra: str = "") -> None:
        median = statistics.median(times)
        lines = [f"\n## {datetime.now():%Y-%m-%d %H:%M} — registry bulk import of {TASKS:,} tasks "
                 f"({connection.vendor}), target ≤ 60 s; load average {os.getloadavg()[0]:.1f} "
                 f"on {os.cpu_count()} cores\n", extra,
                 "| case | runs | median s | p95 s | rows/s (median) |", "|---|---|---|---|---|",
                 f"| {label} | {len(times)} | {median:.1f} | {p95(times):.1f} | {TASKS / median:,.0f} |"]
        publish("\n".join(lines) + "\n")

    about = f"CSV file {len(raw) / 2**20:.1f} MB, 12 columns; 50 hosts, 2,000 people.\n"
    report("CSV dry run: read and check every row, write nothing",
           [timed(True, raw, "tasks.csv") for _ in range(RUNS)], about)
    report("CSV import: read, check, bulk insert tasks + budget lines + members, 1 audit entry",
           [timed(False, raw, "tasks.csv") for _ in range(RUNS)])
    if XLSX:
        book = write_table(HEADER, table, "xlsx")
        report(f"XLSX import ({len(book) / 2**20:.1f} MB workbook)", [timed(False, book, "tasks.xlsx")])


if __name__ == "__main__":
    sys.exit(main())
