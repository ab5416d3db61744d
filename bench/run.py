"""Server-time benchmark of the main pages: median and p95, and the ratio to a baseline page.

Run with `make bench`. Uses a fresh SQLite database in a temporary folder; appends to results.md.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import datetime

from common import publish

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))


def setup() -> None:
    os.environ["STIPLAN_VAR_DIR"] = tempfile.mkdtemp(prefix="stiplan-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stiplan.settings")
    os.environ["STIPLAN_AXES"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("demo", "--no-serve", stdout=open(os.devnull, "w"))  # noqa: SIM115


def timed(fn) -> list[float]:
    fn()  # warm up
    out = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> int:
    setup()
    from django.test import Client

    client = Client()
    client.login(username="kehoach", password="stiplan-demo")
    plan = "/plans/vinh-long-1925-2023/"

    def get(url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return call

    cases = {
        "home page (baseline)": get("/"),
        "plan page, all units": get(plan),
        "plan page, one unit on 2026-01-01": get(plan + "?unit=VL25.SKHCN&on=2026-01-01"),
        "plan page, 2024 view": get(plan + "?on=2024-06-01"),
        "plan export JSON (API)": get("/api/v1/plans/vinh-long-1925-2023/"),
        "units on 2026-01-01 (API)": get("/api/v1/units/?on=2026-01-01&limit=500"),
    }
    rows = []
    base = None
    for name, fn in cases.items():
        samples = timed(fn)
        median = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[-1]
        base = base or median
        rows.append((name, median, p95, median / base))
    header = f"\n## {datetime.now():%Y-%m-%d %H:%M} — {ROUNDS} rounds, SQLite, {sys.platform}\n\n"
    table = "| case | median ms | p95 ms | × baseline |\n|---|---|---|---|\n" + "".join(
        f"| {n} | {m:.1f} | {p:.1f} | {r:.1f} |\n" for n, m, p, r in rows)
    publish(header + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
