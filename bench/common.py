"""Shared set-up of the benchmarks: a fresh database in a temporary folder with the reference data.

BENCH_DATABASE_URL runs a benchmark on PostgreSQL instead of the embedded SQLite database.
"""

import os
import tempfile
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
