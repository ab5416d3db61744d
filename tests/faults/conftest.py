"""Fault tests run the real programs: a job cluster, a web server, a Python process doing an Excel
import, each in its own process against its own database (a temporary SQLite file, or a database
of its own on the run's PostgreSQL server when DATABASE_URL names one), so they can be killed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.demofolder import process_env

ROOT = Path(__file__).resolve().parents[2]
PRELUDE = ("import os, json, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
           "'stiplan.settings'); django.setup()\n")


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


class Stack:
    """One data folder and one database for the processes of a test module."""

    def __init__(self, var: Path, database_url: str | None):
        self.var = var
        self.database_url = database_url
        # DEBUG on: the fault page must hold even where Django would show a traceback.
        self.env = {**process_env(var, database_url), "STIPLAN_DEBUG": "1",
                    "STIPLAN_SECRET_KEY": "faults-test-key-not-secret-" + "x" * 30}

    # --- running Django code in a process of its own ---------------------------------------
    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "stiplan", *args]

    def python(self, code: str, timeout: float = 180) -> str:
        """Run `code` (Django set up) in a new process; its stdout."""
        done = subprocess.run([sys.executable, "-c", PRELUDE + code], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start(self, *args: str, log: str) -> subprocess.Popen:
        """A long-running `stiplan …` in its own process group, output to var/<log>."""
        out = open(self.var / log, "ab")  # noqa: SIM115 — closed with the process below
        process = subprocess.Popen(self.command(*args), env=self.env, cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        process.log = out
        return process

    # --- reading the database from this process (fast polling) ------------------------------
    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                cursor = conn.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        import sqlite3

        conn = sqlite3.connect(self.var / "stiplan.sqlite3", timeout=30)
        try:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            conn.close()

    def execute(self, sql: str, params: tuple = ()) -> None:
        if self.database_url:
            self.query(sql, params)
            return
        import sqlite3

        conn = sqlite3.connect(self.var / "stiplan.sqlite3", timeout=30)
        try:
            with conn:
                conn.execute(sql.replace("%s", "?"), params)
        finally:
            conn.close()


def stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 60) -> float:
    """Signal the process; the seconds until it exited."""
    started = time.monotonic()
    if process.poll() is None:
        process.send_signal(sig)
        process.wait(timeout=timeout)
    process.log.close()
    return time.monotonic() - started


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the process and every process it started (its group), as a crash would."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)
    process.log.close()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until(check, *, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 30) -> tuple[int, dict, str]:
    """Status, headers and body of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def sqlite_stack(tmp_path_factory, demo_folder) -> Stack:
    """A data folder with the demo data on SQLite, whatever database the run uses."""
    var = tmp_path_factory.mktemp("faults-sqlite")
    demo_folder.copy(var)
    return Stack(var, None)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, worker_id, demo_folder_on_run_database):
    """A data folder with the demo data, on SQLite, or on PostgreSQL when the run uses it."""
    var = tmp_path_factory.mktemp("faults-var")
    name = f"faults_{worker_id}"
    yield Stack(var, demo_folder_on_run_database.copy(var, name))
    if demo_folder_on_run_database.template:
        demo_folder_on_run_database.drop(name)


def serve(stack: Stack, *, env: dict | None = None, log: str = "server.log"):
    """`stiplan runserver` on a free port; (process, base URL) once it answers."""
    port = free_port()
    saved = stack.env
    stack.env = {**stack.env, **(env or {})}
    try:
        server = stack.start("runserver", "--noreload", f"127.0.0.1:{port}", log=log)
    finally:
        stack.env = saved
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        assert server.poll() is None, (stack.var / log).read_text()[-3000:]
        try:
            return get(base + "/static/css/stiplan.css", timeout=5)[0] == 200  # no database
        except OSError:
            return False

    wait_until(answers, timeout=120, what="the web server")
    return server, base
