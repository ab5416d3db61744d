"""`stiplan backup`: one zip archive holding every installed app's rows in a database-neutral
form, every stored file and a manifest (checksums, row counts, schema version), read at once."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from datetime import time as dt_time
from importlib.metadata import PackageNotFoundError, version
from itertools import islice
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import django
from django.apps import apps
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
ROWS_PER_MEMBER = 20_000
CHUNK = 1 << 20
# Rows that `migrate` makes itself: written without their ids and matched by natural key on
# restore, as is every reference to them (admin log, user and group permissions).
NATURAL = ("contenttypes.contenttype", "auth.permission")
# Not backed up: sessions (everyone signs in again after a restore), django-q2's queue (its
# tasks are signed with the secret key) and its results (history of finished jobs). A job that
# was queued is found stale and can be requested again. The cache table is not a model either;
# restore creates it empty.
SKIPPED = ("sessions.session", "django_q.ormq", "django_q.task")


class ArchiveError(Exception):
    """A backup or restore refused, with a message for the operator (Vietnamese / English)."""


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model of every installed app, minus SKIPPED; NATURAL ones first (restore
    loads in this order, so the references to them resolve)."""
    found = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy
             and m._meta.label_lower not in SKIPPED]
    rank = {label: i for i, label in enumerate(NATURAL)}
    return sorted(found, key=lambda m: rank.get(m._meta.label_lower, len(NATURAL)))


def file_roots() -> dict[str, Path]:
    """The folders of stored files, by their name inside the archive (files/<name>/…)."""
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}


def stored_files(root: Path) -> list[Path]:
    """Every file under a folder (symbolic links included, so a restore target holding only a
    link is not taken for empty), sorted."""
    if not root.is_dir():
        return []
    return sorted(Path(top, name) for top, _dirs, names in os.walk(root) for name in names)


class _Serializer(JSONSerializer):
    """Django's JSON serializer, with natural keys for NATURAL rows and references to them only;
    every other row keeps its id, so ids stored as plain values (audit log) stay true."""

    def _value_from_field(self, obj, field):
        value = super()._value_from_field(obj, field)
        # DjangoJSONEncoder cuts times to milliseconds; keep the microseconds the database has.
        return value.isoformat() if isinstance(value, datetime | dt_time) else value

    def _natural_for(self, model) -> None:
        self.use_natural_foreign_keys = model._meta.label_lower in NATURAL

    def handle_fk_field(self, obj, field):
        self._natural_for(field.remote_field.model)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self._natural_for(field.remote_field.model)
        super().handle_m2m_field(obj, field)


@contextmanager
def consistent_read(alias: str = DEFAULT_DB_ALIAS):
    """One read-only snapshot: PostgreSQL REPEATABLE READ READ ONLY (as pg_dump); on SQLite the
    read transaction's shared lock (writers wait until the backup ends)."""
    connection = connections[alias]
    with transaction.atomic(using=alias):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield connection


def applied_migrations(connection) -> dict[str, list[str]]:
    by_app: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        by_app.setdefault(app, []).append(name)
    return by_app


class _Archive:
    """The zip being written: each member is hashed as it goes in."""

    def __init__(self, handle):
        self.zip = ZipFile(handle, "w", compression=ZIP_DEFLATED, allowZip64=True)
        self.members: dict[str, dict] = {}

    def add_bytes(self, name: str, raw: bytes) -> None:
        self.zip.writestr(ZipInfo(name, _zip_time(time.time())), raw, compress_type=ZIP_DEFLATED)
        self.members[name] = {"sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw)}

    def add_file(self, name: str, path: Path) -> None:
        digest, size = hashlib.sha256(), 0
        info = ZipInfo(name, _zip_time(path.stat().st_mtime))
        info.compress_type = ZIP_DEFLATED
        with path.open("rb") as src, self.zip.open(info, "w", force_zip64=True) as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
        self.members[name] = {"sha256": digest.hexdigest(), "size": size}


def _zip_time(stamp: float) -> tuple:
    return max(time.gmtime(stamp)[:6], (1980, 1, 1, 0, 0, 0))


def _dump_rows(archive: _Archive, connection) -> dict[str, int]:
    counts = {}
    for index, model in enumerate(backed_up_models()):
        label = model._meta.label_lower
        natural = label in NATURAL
        rows = model._base_manager.using(connection.alias).order_by("pk").iterator(chunk_size=2000)
        counts[label] = part = 0
        while batch := list(islice(rows, ROWS_PER_MEMBER)):
            out = io.StringIO()
            _Serializer().serialize(batch, stream=out, use_natural_primary_keys=natural)
            part += 1
            archive.add_bytes(f"db/{index:03d}-{label}-{part:04d}.json", out.getvalue().encode())
            counts[label] += len(batch)
    return counts


def _copy_files(archive: _Archive) -> dict[str, int]:
    counts = {}
    for key, root in file_roots().items():
        files = [p for p in stored_files(root) if p.is_file() and not p.is_symlink()]
        for path in files:
            archive.add_file(f"files/{key}/{path.relative_to(root).as_posix()}", path)
        counts[key] = len(files)
    return counts


def _missing_files(connection) -> list[str]:
    """Stored-file references whose file is not in the archive (gone, or outside the folders)."""
    kept = {p.resolve() for root in file_roots().values() for p in stored_files(root)
            if p.is_file() and not p.is_symlink()}
    missing = []
    for model in backed_up_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            names = (model._base_manager.using(connection.alias).exclude(**{field.attname: ""})
                     .values_list("pk", field.attname))
            for pk, name in names.iterator():
                try:
                    found = Path(field.storage.path(name)).resolve() in kept
                except SuspiciousFileOperation:
                    found = False
                if not found:
                    missing.append(f"{model._meta.label_lower} #{pk} {field.name}: {name}")
    return missing


def _stiplan_version() -> str:
    try:
        return version("stiplan")
    except PackageNotFoundError:
        return "unknown"


def target_path(path: Path) -> Path:
    """The archive's path: PATH itself, or a dated name inside PATH when it is a folder."""
    if path.is_dir():
        return path / f"stiplan-backup-{datetime.now(UTC):%Y%m%d-%H%M%S}.zip"
    return path


def write_backup(path: Path, alias: str = DEFAULT_DB_ALIAS) -> dict:
    """Write the archive to a temporary file beside PATH and rename it at the end, so a failed
    backup leaves nothing. Returns the summary that the command prints."""
    path = target_path(path)
    if path.exists():
        raise ArchiveError(f"Tệp «{path}» đã có, không ghi đè / «{path}» exists, not overwritten.")
    if not path.parent.is_dir():
        raise ArchiveError(f"Không có thư mục «{path.parent}» / no folder «{path.parent}».")
    started = time.monotonic()
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".part", delete=False)  # mode 0600
    try:
        with handle, consistent_read(alias) as connection:
            archive = _Archive(handle)
            manifest = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "stiplan_version": _stiplan_version(),
                "django_version": django.get_version(),
                "database_vendor": connection.vendor,
                "migrations": applied_migrations(connection),
                "rows": _dump_rows(archive, connection),
                "files": _copy_files(archive),
                "missing_files": _missing_files(connection),
                "skipped_models": list(SKIPPED),
            }
            manifest["members"] = archive.members
            archive.zip.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            archive.zip.close()
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return {
        "path": str(path), "size_bytes": path.stat().st_size,
        "seconds": round(time.monotonic() - started, 2),
        "database_vendor": manifest["database_vendor"],
        "rows": sum(manifest["rows"].values()), "models": len(manifest["rows"]),
        "files": manifest["files"], "missing_files": manifest["missing_files"],
        "members": len(manifest["members"]),
    }
