"""Database snapshots for the tests: what a builder (the demo rounds, series, index) adds to the
reference database — its rows and the private files it writes — taken once per test run (the
first xdist worker that needs it takes it, the others read it: `shared`) and put back into a
test's database with plain INSERTs, instead of running the builder again.

A snapshot is taken inside a transaction that is rolled back, so the session database keeps only
the reference data. Putting it back writes through the test's own connection: in a test that runs
in a transaction it is rolled back with the test's other writes.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import TestCase, override_settings
from filelock import FileLock

#: Values bound in one INSERT statement when a snapshot is put back on SQLite (it allows 32,766;
#: PostgreSQL takes the rows through COPY).
VALUES_PER_STATEMENT = 20_000


@dataclass(frozen=True)
class TableRows:
    """The rows of one table to write back; `replace` empties the table first (the builder changed
    or removed rows that were there before it, or the table must match exactly)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    replace: bool


@dataclass(frozen=True)
class Snapshot:
    tables: tuple[TableRows, ...]
    files: dict[str, bytes] = field(default_factory=dict)

    def restore(self) -> None:
        """Write the snapshot into the current database (and its files under the current
        PRIVATE_MEDIA_ROOT), in one transaction of its own or inside the caller's."""
        self.restore_rows()
        self.restore_files()

    def restore_rows(self) -> None:
        """Write the snapshot's rows into the current database."""
        with transaction.atomic(), connection.cursor() as cursor:
            quote = connection.ops.quote_name
            for table in self.tables:
                if table.replace:
                    cursor.execute(f"DELETE FROM {quote(table.name)}")
                if not table.rows:
                    continue
                names = ", ".join(quote(c) for c in table.columns)
                if connection.vendor == "postgresql":
                    _copy(cursor, f"COPY {quote(table.name)} ({names}) FROM STDIN", table.rows)
                    continue
                one = "(" + ", ".join(["%s"] * len(table.columns)) + ")"
                size = max(1, VALUES_PER_STATEMENT // len(table.columns))
                for start in range(0, len(table.rows), size):
                    batch = table.rows[start:start + size]
                    cursor.execute(f"INSERT INTO {quote(table.name)} ({names}) VALUES "
                                   + ", ".join([one] * len(batch)),
                                   [value for row in batch for value in row])
        ContentType.objects.clear_cache()  # its ids may have changed under it

    def restore_files(self) -> None:
        """Write the snapshot's files under the current PRIVATE_MEDIA_ROOT."""
        root = Path(settings.PRIVATE_MEDIA_ROOT)
        for relative, body in self.files.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_bytes(body)

    def reserve_ids(self) -> None:
        """Move PostgreSQL's id sequences past the snapshot's ids, as taking it did in the worker
        that took it (a sequence keeps its advance through a rollback): a test's new rows then
        never collide with the restored ones. SQLite counts from the rows in the table."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for table in self.tables:
                if "id" not in table.columns or not table.rows:
                    continue
                at = table.columns.index("id")
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table.name])
                (sequence,) = cursor.fetchone()
                if sequence:  # a name PostgreSQL gave, quoted by it
                    cursor.execute(f"SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM "
                                   f"{sequence})))", [sequence, max(row[at] for row in table.rows)])


def shared(path: Path, take_it: Callable[[], Snapshot]) -> Snapshot:
    """The snapshot kept at `path` (in the run's folder every worker sees): the first worker to
    ask takes it and keeps it there, under a file lock; the others wait for it, then read it."""
    with FileLock(f"{path}.lock"):
        if path.exists():
            snapshot = pickle.loads(path.read_bytes())
            snapshot.reserve_ids()
            return snapshot
        snapshot = take_it()
        path.write_bytes(pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL))
        return snapshot


def _copy(cursor, statement: str, rows) -> None:
    """The rows through PostgreSQL's COPY: psycopg re-parses an INSERT of thousands of
    placeholders on every call (it caches only short statements); COPY streams the rows."""
    with cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def read_tables() -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
    """Every model table of the database: its columns and its rows in primary-key order."""
    found = {}
    with connection.cursor() as cursor:
        for name in sorted(connection.introspection.django_table_names(only_existing=True)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)} ORDER BY 1")
            found[name] = (tuple(column[0] for column in cursor.description), cursor.fetchall())
    return found


def difference(before: dict, after: dict) -> tuple[TableRows, ...]:
    """What turns `before` into `after`: the added rows of a table the builder only added to, the
    whole table where it changed or removed a row."""
    changed = []
    for name, (columns, rows) in after.items():
        kept = set(before[name][1])
        if kept == set(rows):
            continue
        if kept <= set(rows):
            changed.append(TableRows(name, columns, tuple(r for r in rows if r not in kept), False))
        else:
            changed.append(TableRows(name, columns, tuple(rows), True))
    return tuple(changed)


def whole() -> Snapshot:
    """Every model table as it is now, each to replace what the table holds when put back: the
    reference database again after a transactional test emptied it, in a second instead of the
    loaders' half minute."""
    return Snapshot(tuple(TableRows(name, columns, tuple(rows), True)
                          for name, (columns, rows) in read_tables().items()))


def take(build: Callable[[], object], *, run_on_commit: bool = False) -> Snapshot:
    """Run `build` on the reference database, record what it added, and roll it back.

    `run_on_commit`: run the work a builder leaves for after its commit (a computation job, say)
    inside the snapshot, as `django_capture_on_commit_callbacks(execute=True)` does in a test."""
    with tempfile.TemporaryDirectory(prefix="stiplan-snapshot-") as media:
        with override_settings(PRIVATE_MEDIA_ROOT=Path(media)), transaction.atomic():
            before = read_tables()
            if run_on_commit:
                with TestCase.captureOnCommitCallbacks(execute=True):
                    build()
            else:
                build()
            tables = difference(before, read_tables())
            transaction.set_rollback(True)
        files = {str(p.relative_to(media)): p.read_bytes()
                 for p in sorted(Path(media).rglob("*")) if p.is_file()}
    return Snapshot(tables, files)
