"""Shared set-up of the benchmarks: a fresh database in a temporary folder with the reference data.

BENCH_DATABASE_URL runs a benchmark on PostgreSQL instead of the embedded SQLite database.
"""

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def fresh_django() -> None:
    os.environ["STIPLAN_VAR_DIR"] = tempfile.mkdtemp(prefix="stiplan-bench-")
    if "BENCH_DATABASE_URL" in os.environ:
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stiplan.settings")
    os.environ["STIPLAN_AXES"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from stiplan.demo.reference import create_accounts, load_reference_data

    load_reference_data()
    create_accounts()


RESULTS = Path(__file__).with_name("results.md")


def publish(text: str) -> None:
    """Print a result table and append it to bench/results.md."""
    print(text)
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(text)


def timed(fn: Callable[[], object], rounds: int) -> list[float]:
    """The seconds each of `rounds` calls of `fn` took."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def median_p95(samples: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile of the samples (of fewer than 20, the largest)."""
    p95 = max(samples) if len(samples) < 20 else statistics.quantiles(samples, n=20)[-1]
    return statistics.median(samples), p95


def table(cases: list[tuple[str, list[float]]], unit: str, digits: int, ratio_digits: int) -> str:
    """A Markdown table of each case's median and 95th percentile (`unit`, `digits` decimals) and
    its median over the first case's, the baseline (`ratio_digits` decimals; 1.0 on its own row)."""
    base = statistics.median(cases[0][1])
    lines = [f"| case | median {unit} | p95 {unit} | × baseline |", "|---|---|---|---|"]
    for n, (name, samples) in enumerate(cases):
        median, p95 = median_p95(samples)
        ratio = "1.0" if n == 0 else f"{median / base:.{ratio_digits}f}"
        lines.append(f"| {name} | {median:.{digits}f} | {p95:.{digits}f} | {ratio} |")
    return "\n".join(lines) + "\n"
