"""`stiplan backup` / `stiplan restore` as an operator runs them: backup, wipe, restore on SQLite
and PostgreSQL, the SQLite → PostgreSQL move, and the refusals. Rows are compared through
`dumpdata` and through a full-precision dump of every model; files through their sha256."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from uuid import uuid4

import pytest

ROOT = Path(__file__).resolve().parents[2]
NATURAL = ("contenttypes.contenttype", "auth.permission")  # ids differ between databases
NOT_BACKED_UP = ("sessions", "django_q.ormq", "django_q.task")  # documented in deployment.md

#: Run with the dumpdata file's path as argv[1]: `dumpdata` into it, then every row printed.
STATE = f"""
import json, sys, django
django.setup()
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
call_command("dumpdata", "--natural-foreign", *[f"--exclude={{label}}" for label in {NOT_BACKED_UP!r}],
             "-o", sys.argv[1])
out = []
for model in apps.get_models():
    label = model._meta.label_lower
    if model._meta.proxy or label.split(".")[0] == "sessions" or label in {NOT_BACKED_UP!r}:
        continue
    rows = serializers.serialize("python", model._base_manager.order_by("pk"),
                                 use_natural_foreign_keys=True)
    for row in rows:
        if row["model"] in {NATURAL!r}:
            del row["pk"]
        out.append(json.dumps(row, sort_keys=True, default=str))
print(json.dumps(sorted(out)))
"""

PLANT = """
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from stiplan.reporting.actions import Conflict
from stiplan.reporting.actions import add_evidence
from stiplan.reporting.models import UnitReport
user = get_user_model().objects.get(username="baocao.stc")
files = {"bien-ban.pdf": b"%PDF-1.4\\n" + bytes(range(256)) * 40,
         "anh-hien-truong.png": b"\\x89PNG\\r\\n\\x1a\\n" + bytes(range(255, -1, -1)) * 30}
added = 0
for report in UnitReport.objects.filter(unit__code="VL25.STC").order_by("-pk"):
    try:
        for name, raw in files.items():
            add_evidence(report, name, raw, by=user)
            added += 1
        break
    except (PermissionDenied, ValidationError, Conflict):  # a report that is not editable
        continue
print(added)
"""

NEXT_ID = """
import django
django.setup()
from django.db.models import Max
from stiplan.core.models import AuditEntry
top = AuditEntry.objects.aggregate(top=Max("id"))["top"]
made = AuditEntry.objects.create(actor_label="test", action="test.after_restore",
                                 object_type="test", object_id="1", object_repr="test")
print(top, made.id)
"""


def environment(var: Path, database_url: str | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STIPLAN_VAR_DIR": str(var),
           "DJANGO_SETTINGS_MODULE": "stiplan.settings"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def stiplan(env: dict, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "stiplan", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    if ok:
        assert done.returncode == 0, done.stderr[-4000:]
    return done


def python(env: dict, code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def dumpdata_rows(out: Path) -> list[str]:
    rows = json.loads(out.read_text(encoding="utf-8"))
    for row in rows:
        if row["model"] in NATURAL:
            del row["pk"]
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


def stored_files(var: Path) -> dict[str, str]:
    return {path.relative_to(var).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for folder in ("media", "private") for path in (var / folder).rglob("*")
            if path.is_file()}


def state(env: dict, var: Path, scratch: Path) -> SimpleNamespace:
    """What a restore must reproduce: dumpdata, a full-precision dump, the stored files (both
    dumps from one process)."""
    scratch.mkdir(exist_ok=True)
    out = scratch / f"dump-{uuid4().hex}.json"
    rows = json.loads(python(env, STATE, str(out)))
    return SimpleNamespace(dumpdata=dumpdata_rows(out), rows=rows, files=stored_files(var))


def assert_same(restored: SimpleNamespace, source: SimpleNamespace) -> None:
    """Every backed-up row and file comes back as it was; the restore adds one audit entry of
    its own (core.actions.restore_archive), and nothing else."""
    for kind in ("dumpdata", "rows"):
        now, then = Counter(getattr(restored, kind)), Counter(getattr(source, kind))
        assert not then - now, kind
        added = list((now - then).elements())
        assert len(added) == 1 and '"action": "core.restore_archive"' in added[0], (kind, added)
        assert '"actor_label": "system"' in added[0]
    assert restored.files == source.files


def fill(env: dict, var: Path, demo_folder) -> None:
    """The demo data, two evidence files through the action, one public media file."""
    demo_folder.copy(var)
    assert python(env, PLANT).strip() == "2"
    logo = var / "media" / "logos" / "so-khcn.png"
    logo.parent.mkdir(parents=True, exist_ok=True)
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"logo" * 100)


def backup(env: dict, archive: Path) -> dict:
    summary = json.loads(stiplan(env, "backup", str(archive), "--format", "json").stdout)
    assert summary["path"] == str(archive) and archive.is_file()
    return summary


@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory, demo_folder):
    """The demo on SQLite with planted files, its backup and its state at backup time."""
    base = tmp_path_factory.mktemp("sqlite-source")
    var, archive = base / "var", base / "backup.zip"
    env = environment(var)
    fill(env, var, demo_folder)
    summary = backup(env, archive)
    return SimpleNamespace(env=env, var=var, archive=archive, summary=summary,
                           state=state(env, var, base / "dumps"))


class PostgreSQL:
    """Fresh databases named stiplan_backup_…, dropped at the end."""

    def __init__(self, admin):
        self.admin, self.made = admin, []

    def fresh(self) -> str:
        name = f"stiplan_backup_{uuid4().hex[:12]}"
        self.admin.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return name

    def wipe(self, name: str) -> None:
        self.admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        self.admin.execute(f'CREATE DATABASE "{name}"')

    @staticmethod
    def url(name: str) -> str:
        return f"postgres://postgres@127.0.0.1:5432/{name}"

    def tables(self, name: str) -> int:
        import psycopg

        with psycopg.connect(self.url(name).replace("postgres://", "postgresql://", 1)) as conn:
            return conn.execute("SELECT count(*) FROM information_schema.tables "
                                "WHERE table_schema = 'public'").fetchone()[0]


@pytest.fixture(scope="module")
def pg():
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True,
                                connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL không truy cập được / not reachable at 127.0.0.1:5432: {exc}")
    server = PostgreSQL(admin)
    yield server
    for name in server.made:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_the_backup_holds_the_demo_rows_and_the_planted_files(sqlite_source):
    summary = sqlite_source.summary
    assert summary["database_vendor"] == "sqlite"
    on_disk = sqlite_source.state.files  # the demo's index evidence, the 2 planted files, the logo
    assert summary["files"] == {folder: sum(name.startswith(folder + "/") for name in on_disk)
                                for folder in ("media", "private")}
    assert summary["files"]["media"] == 1 and summary["files"]["private"] >= 2
    assert summary["missing_files"] == []
    assert summary["rows"] == len(sqlite_source.state.dumpdata)
    with zipfile.ZipFile(sqlite_source.archive) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        for name, member in manifest["members"].items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == member["sha256"], name
    assert manifest["rows"]["reporting.attachment"] == 2
    assert "0001_initial" in manifest["migrations"]["core"]
    assert oct(sqlite_source.archive.stat().st_mode & 0o777) == "0o600"


def test_sqlite_backup_wipe_restore_gives_the_same_rows_and_files(sqlite_source, tmp_path):
    var = tmp_path / "var"  # the wipe: a new, empty data folder and SQLite file
    env = environment(var)
    done = stiplan(env, "restore", str(sqlite_source.archive), "--format", "json")
    assert json.loads(done.stdout)["files"] == len(sqlite_source.state.files)
    assert_same(state(env, var, tmp_path / "dumps"), sqlite_source.state)


@pytest.fixture(scope="module")
def moved(sqlite_source, pg, tmp_path_factory):
    """The SQLite backup restored into a fresh PostgreSQL database, and its state there."""
    base = tmp_path_factory.mktemp("moved")
    name, var = pg.fresh(), base / "var"
    env = environment(var, pg.url(name))
    done = stiplan(env, "restore", str(sqlite_source.archive), "--format", "json")
    return SimpleNamespace(env=env, var=var, name=name, summary=json.loads(done.stdout),
                           state=state(env, var, base / "dumps"))


def test_sqlite_to_postgresql_move_gives_the_same_rows_and_files(sqlite_source, moved):
    assert (moved.summary["source_vendor"], moved.summary["database_vendor"]) == (
        "sqlite", "postgresql")
    assert_same(moved.state, sqlite_source.state)


def test_postgresql_backup_wipe_restore_gives_the_same_rows_and_files(moved, pg, tmp_path):
    top, new_id = map(int, python(moved.env, NEXT_ID).split())
    assert new_id > top  # the move moved the sequences past the restored ids
    archive = tmp_path / "backup.zip"
    assert backup(moved.env, archive)["database_vendor"] == "postgresql"
    before = state(moved.env, moved.var, tmp_path / "dumps")
    assert "test.after_restore" in "".join(before.dumpdata)

    pg.wipe(moved.name)
    var = tmp_path / "wiped-var"
    env = environment(var, pg.url(moved.name))
    stiplan(env, "restore", str(archive))
    assert_same(state(env, var, tmp_path / "dumps"), before)
    top, new_id = map(int, python(env, NEXT_ID).split())
    assert new_id > top


# Refusals: each exits non-zero with a message in both languages and touches nothing.

def rewritten(source: Path, target: Path, change) -> Path:
    """A copy of the archive with `change(name, raw)` applied to each member (None drops it)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            raw = change(name, old.read(name))
            if raw is not None:
                new.writestr(name, raw)
    return target


def refused(archive: Path, var: Path, *expected: str) -> str:
    done = stiplan(environment(var), "restore", str(archive), ok=False)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    for text in expected:
        assert text in done.stderr, done.stderr
    return done.stderr


def untouched(var: Path) -> None:
    database = var / "stiplan.sqlite3"
    assert not database.exists() or database.stat().st_size == 0
    assert stored_files(var) == {}


def evidence_member(archive: Path) -> str:
    with zipfile.ZipFile(archive) as opened:
        return next(n for n in opened.namelist() if n.startswith("files/private/evidence/"))


def test_restore_refuses_a_target_that_holds_data(sqlite_source, tmp_path):
    before = (sqlite_source.var / "stiplan.sqlite3").stat().st_mtime_ns
    refused(sqlite_source.archive, sqlite_source.var, "không trống", "not empty", "auth.user: 6")
    assert (sqlite_source.var / "stiplan.sqlite3").stat().st_mtime_ns == before


def test_restore_refuses_a_target_with_only_a_stored_file(sqlite_source, tmp_path):
    var = tmp_path / "var"
    stray = var / "private" / "templates" / "mau.docx"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"PK\x03\x04 not really")
    refused(sqlite_source.archive, var, "not empty", str(stray))
    assert [p.name for p in (var / "private").rglob("*") if p.is_file()] == ["mau.docx"]


def with_migrations(source: Path, target: Path, change) -> Path:
    """A copy of the archive whose manifest lists reporting's migrations as `change` says."""
    def edit(name, raw):
        if name != "manifest.json":
            return raw
        manifest = json.loads(raw)
        manifest["migrations"]["reporting"] = change(manifest["migrations"]["reporting"])
        return json.dumps(manifest)
    return rewritten(source, target, edit)


def test_restore_refuses_a_newer_schema(sqlite_source, tmp_path):
    archive = with_migrations(sqlite_source.archive, tmp_path / "newer.zip",
                              lambda names: [*names, "0999_from_a_newer_stiplan"])
    var = tmp_path / "var"
    refused(archive, var, "lược đồ mới hơn", "newer than this stiplan knows",
            "reporting.0999_from_a_newer_stiplan")
    untouched(var)


def test_restore_refuses_an_older_schema_and_says_how_to_restore_it(sqlite_source, tmp_path):
    manifest = json.loads(zipfile.ZipFile(sqlite_source.archive).read("manifest.json"))
    last = sorted(manifest["migrations"]["reporting"])[-1]
    archive = with_migrations(sqlite_source.archive, tmp_path / "older.zip",
                              lambda names: [n for n in names if n != last])
    var = tmp_path / "var"
    refused(archive, var, "lược đồ cũ hơn", f"older; restore it with stiplan "
            f"{manifest['stiplan_version']}, then run `stiplan migrate`", f"reporting.{last}")
    untouched(var)


def test_restore_refuses_a_tampered_member_and_names_it(sqlite_source, tmp_path):
    target = evidence_member(sqlite_source.archive)
    archive = rewritten(sqlite_source.archive, tmp_path / "tampered.zip",
                        lambda name, raw: raw[:-1] + b"!" if name == target else raw)
    var = tmp_path / "var"
    refused(archive, var, "bị hỏng hoặc đã bị sửa", "damaged or was altered",
            f"{target}: sai mã kiểm tra sha256 / checksum mismatch")
    untouched(var)


def test_restore_refuses_an_archive_missing_a_member_and_names_it(sqlite_source, tmp_path):
    target = evidence_member(sqlite_source.archive)
    rows = next(n for n in json.loads(zipfile.ZipFile(sqlite_source.archive)
                                      .read("manifest.json"))["members"]
                if "reporting.attachment" in n)
    archive = rewritten(sqlite_source.archive, tmp_path / "missing.zip",
                        lambda name, raw: None if name in (target, rows) else raw)
    var = tmp_path / "var"
    message = refused(archive, var, f"{target}: thiếu trong tệp / missing from the archive")
    assert f"{rows}: thiếu" in message
    untouched(var)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "not-a-backup.zip"
    bogus.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip: no manifest
    var = tmp_path / "var"
    refused(bogus, var, "không phải bản sao lưu stiplan", "not a stiplan backup")
    untouched(var)


def test_backup_never_overwrites_and_a_failed_backup_leaves_nothing(sqlite_source, tmp_path):
    done = stiplan(sqlite_source.env, "backup", str(sqlite_source.archive), ok=False)
    assert done.returncode != 0 and "not overwritten" in done.stderr
    folder = tmp_path / "out"
    folder.mkdir()
    env = {**sqlite_source.env, "DATABASE_URL": f"sqlite:///{tmp_path}/no/such/folder/db.sqlite3"}
    done = stiplan(env, "backup", str(folder / "b.zip"), ok=False)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert list(folder.iterdir()) == []


def test_backup_lists_a_referenced_file_that_is_gone(sqlite_source, tmp_path):
    var = tmp_path / "var"
    shutil.copytree(sqlite_source.var, var)
    gone = next(p for p in sorted((var / "private" / "evidence").rglob("*")) if p.is_file())
    gone.unlink()
    done = stiplan(environment(var), "backup", str(tmp_path / "b.zip"), "--format", "json")
    missing = json.loads(done.stdout)["missing_files"]
    assert len(missing) == 1 and missing[0].startswith("reporting.attachment #")
    assert missing[0].endswith(gone.relative_to(var / "private").as_posix())
    assert "file referenced but absent" in done.stderr
