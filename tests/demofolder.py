"""A data folder filled by `stiplan demo --no-serve`, made once per test run and copied for each
test module that runs the real programs (fault tests, backup, the console script).

Making the demo takes tens of seconds; copying the folder takes a fraction of one. The first
pytest-xdist worker that needs it makes it under a file lock; the others wait and copy. On
PostgreSQL the filled database is a template the copies are created from (CREATE DATABASE …
TEMPLATE), so each module still has a database of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]


def process_env(var: Path, database_url: str | None) -> dict:
    """The environment of a `stiplan` process on `var` (and `database_url`, else SQLite)."""
    env = {**os.environ, "STIPLAN_VAR_DIR": str(var),
           "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    for name in ("DATABASE_URL", "STIPLAN_JOBS_SYNC", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def admin_connection(url: str):
    import psycopg

    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def database_named(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


class DemoFolder:
    """The run's demo folder: `copy(var)` gives a folder (and database) of one's own."""

    def __init__(self, shared: Path, database_url: str | None):
        self.database_url = database_url
        kind = "postgresql" if database_url else "sqlite"
        self.source = shared / f"demo-{kind}"
        self.template = self.base = None
        if database_url:
            self.base = urlsplit(database_url).path.lstrip("/") or "stiplan"
            self.template = f"{self.base}_demo_template"
        with FileLock(str(shared / f"demo-{kind}.lock")):
            if not (self.source / "made").exists():
                self._make()

    def _make(self) -> None:
        shutil.rmtree(self.source, ignore_errors=True)
        self.source.mkdir(parents=True)
        url = None
        if self.template:
            with admin_connection(self.database_url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{self.template}"')
            url = database_named(self.database_url, self.template)
        subprocess.run([sys.executable, "-m", "stiplan", "demo", "--no-serve"],
                       env=process_env(self.source, url), cwd=ROOT, check=True,
                       capture_output=True, timeout=900)
        (self.source / "made").touch()

    def copy(self, var: Path, name: str = "") -> str | None:
        """Copy the folder to `var`; on PostgreSQL also a database made from the template, named
        after the run's database and `name` (dropped first if it is there). The copy's database
        URL, or None on SQLite."""
        shutil.copytree(self.source, var, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("made"))
        if not self.template:
            return None
        database = self.database(name)
        with admin_connection(self.database_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{database}" TEMPLATE "{self.template}"')
        return database_named(self.database_url, database)

    def database(self, name: str) -> str:
        return f"{self.base}_{name}"

    def drop(self, name: str) -> None:
        with admin_connection(self.database_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database(name)}" WITH (FORCE)')
