"""`stiplan restore`: check a backup archive whole, then fill an empty database and empty file
folders from it (any vendor: a SQLite backup restores into PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
import re
import time
from contextlib import contextmanager
from pathlib import Path
from zipfile import BadZipFile, ZipFile

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import signals

from stiplan.core.backup import (
    CHUNK,
    FORMAT,
    MANIFEST,
    NATURAL,
    ArchiveError,
    backed_up_models,
    file_roots,
    stored_files,
)

MEMBER = re.compile(r"db/[\w.-]+\.json|files/(media|private)/[^\\]+")
# Rows a target may hold and still count as empty: what `migrate` creates (and schedules, which
# code sets up). Everything else in the target, and any stored file, refuses the restore.
MADE_BY_MIGRATE = (*NATURAL, "django_q.schedule")
SHOWN = 5


def _refuse(vi: str, en: str, items: list[str] = ()) -> ArchiveError:
    listed = "".join(f"\n  - {item}" for item in items[:SHOWN])
    more = f"\n  … (+{len(items) - SHOWN})" if len(items) > SHOWN else ""
    return ArchiveError(f"{vi} / {en}{listed}{more}")


def _safe(name: str) -> bool:
    parts = name.split("/")
    return bool(MEMBER.fullmatch(name)) and all(p not in ("", ".", "..") for p in parts)


def read_manifest(archive: ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as exc:
        raise _refuse("Tệp không phải bản sao lưu stiplan (thiếu hoặc hỏng manifest.json)",
                      f"not a stiplan backup (manifest.json missing or damaged): {exc}") from None
    shape = {"format": int, "members": dict, "rows": dict, "migrations": dict}
    if not isinstance(manifest, dict) or any(not isinstance(manifest.get(key), kind)
                                             for key, kind in shape.items()):
        raise _refuse("manifest.json không đúng cấu trúc", "manifest.json is malformed")
    if manifest["format"] != FORMAT:
        raise _refuse("Bản sao lưu có định dạng không hỗ trợ",
                      f"unsupported backup format {manifest['format']!r}")
    if not all(isinstance(m, dict) for m in manifest["members"].values()) or not all(
            isinstance(names, list) for names in manifest["migrations"].values()):
        raise _refuse("manifest.json không đúng cấu trúc", "manifest.json is malformed")
    return manifest


def _digest(archive: ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with archive.open(name) as member:
        while chunk := member.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def verify_members(archive: ZipFile, manifest: dict) -> None:
    """Every member listed is present, safe to place and matches its checksum; nothing else."""
    listed = manifest["members"]
    present = set(archive.namelist()) - {MANIFEST}
    problems = [f"{n}: tên không an toàn / unsafe name" for n in sorted(set(listed) | present)
                if not _safe(n)]
    problems += [f"{n}: thiếu trong tệp / missing from the archive"
                 for n in sorted(set(listed) - present)]
    problems += [f"{n}: không có trong manifest / not in the manifest"
                 for n in sorted(present - set(listed))]
    for name in sorted(set(listed) & present):
        try:
            digest, size = _digest(archive, name)
        except (BadZipFile, OSError, EOFError) as exc:
            problems.append(f"{name}: không đọc được / unreadable ({exc})")
            continue
        if (digest, size) != (listed[name].get("sha256"), listed[name].get("size")):
            problems.append(f"{name}: sai mã kiểm tra sha256 / checksum mismatch")
    if problems:
        raise _refuse("Bản sao lưu bị hỏng hoặc đã bị sửa, không khôi phục gì",
                      "the backup is damaged or was altered, nothing was restored", problems)


def verify_schema(manifest: dict) -> None:
    """The backup's schema must be this code's: a newer one (migrations unknown here) or an older
    one (migrations it lacks) is refused. An older backup is restored with the stiplan version
    that made it, then upgraded by `stiplan migrate`, whose data migrations see real rows."""
    disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    archived = {(app, name) for app, names in manifest["migrations"].items()
                for name in names}
    replaced = {(key[0], old): key for key, m in disk.items() for old in m.replaces}
    newer = sorted(n for n in archived if n not in disk and n not in replaced)

    def present(key) -> bool:  # a squashed migration stands for the ones it replaces
        squash = disk[key].replaces
        return (key in archived or replaced.get(key) in archived
                or bool(squash) and all((key[0], old) in archived for old in squash))

    older = sorted(key for key in disk if not present(key))
    if newer:
        raise _refuse(
            "Bản sao lưu có lược đồ mới hơn phiên bản stiplan này; hãy cập nhật stiplan trước",
            "the backup's schema is newer than this stiplan knows; upgrade stiplan first",
            [f"{app}.{name}" for app, name in newer])
    if older:
        raise _refuse(
            f"Bản sao lưu có lược đồ cũ hơn; hãy khôi phục bằng stiplan "
            f"{manifest.get('stiplan_version')} rồi chạy `stiplan migrate`",
            f"the backup's schema is older; restore it with stiplan "
            f"{manifest.get('stiplan_version')}, then run `stiplan migrate`",
            [f"{app}.{name}" for app, name in older])


def _all_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]


def check_empty(alias: str = DEFAULT_DB_ALIAS) -> None:
    """Refuse a target holding any rows (beyond MADE_BY_MIGRATE) or any stored file."""
    connection = connections[alias]
    tables = set(connection.introspection.table_names())
    held = [f"{m._meta.label_lower}: {n}" for m in _all_models() if m._meta.db_table in tables
            and m._meta.label_lower not in MADE_BY_MIGRATE
            and (n := m._base_manager.using(alias).count())]
    for key, root in file_roots().items():
        held += [f"{key}: {p}" for p in stored_files(root)]
    if held:
        raise _refuse("Nơi khôi phục không trống (cơ sở dữ liệu hoặc thư mục tệp đã có dữ liệu); "
                      "chỉ khôi phục vào nơi trống", "the target is not empty (rows in the "
                      "database or files in the folders); restore only into an empty one", held)


@contextmanager
def _signals_muted():
    """Rows are written as archived: no model signal handler adds or changes rows meanwhile."""
    muted = (signals.pre_save, signals.post_save, signals.pre_delete, signals.post_delete,
             signals.m2m_changed)
    saved = [signal.receivers for signal in muted]
    for signal in muted:
        signal.receivers = []
        signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, receivers in zip(muted, saved, strict=True):
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()


def _unfit(obj: models.Model, vendor: str) -> list[str]:
    """Values a stricter database refuses (SQLite keeps over-long text and NUL characters)."""
    if vendor == "sqlite":
        return []
    problems = []
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if not isinstance(value, str):
            continue
        where = f"{obj._meta.label_lower} #{obj.pk} {field.name}"
        if getattr(field, "max_length", None) and len(value) > field.max_length:
            problems.append(f"{where}: {len(value)} > {field.max_length} ký tự / characters")
        if "\x00" in value:
            problems.append(f"{where}: có ký tự NUL / contains a NUL character")
    return problems


def _load_rows(archive: ZipFile, manifest: dict, alias: str) -> int:
    connection = connections[alias]
    members = sorted(n for n in manifest["members"] if n.startswith("db/"))
    kept = [m for m in backed_up_models() if m._meta.label_lower in manifest["rows"]]
    problems, loaded = [], 0
    with transaction.atomic(using=alias), _signals_muted():
        for model in reversed(kept):  # rows a migration may have made; the archive has its own
            if model._meta.label_lower not in NATURAL:
                model._base_manager.using(alias).all().delete()
        with connection.constraint_checks_disabled():
            for name in members:
                raw = archive.read(name)
                if hashlib.sha256(raw).hexdigest() != manifest["members"][name]["sha256"]:
                    raise _refuse("Tệp lưu trữ đã thay đổi khi đang khôi phục",
                                  "the archive changed during the restore", [name])
                try:
                    for item in serializers.deserialize("json", raw, using=alias):
                        problems += _unfit(item.object, connection.vendor)
                        if not problems:
                            item.save(using=alias)
                            loaded += 1
                except DeserializationError as exc:
                    raise _refuse("Không đọc được dữ liệu trong bản sao lưu",
                                  "cannot read the backup's rows", [f"{name}: {exc}"]) from None
        if problems:
            raise _refuse(f"Dữ liệu không hợp với cơ sở dữ liệu {connection.vendor}, không khôi "
                          "phục gì", f"values {connection.vendor} cannot store, nothing was "
                          "restored", problems)
        connection.check_constraints(table_names=[m._meta.db_table for m in kept])
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), kept):
                cursor.execute(sql)
        counts = [f"{m._meta.label_lower}: {have} ≠ {manifest['rows'][m._meta.label_lower]}"
                  for m in kept if m._meta.label_lower not in NATURAL
                  and (have := m._base_manager.using(alias).count())
                  != manifest["rows"][m._meta.label_lower]]
        if counts:
            raise _refuse("Số dòng sau khi nạp khác manifest", "row counts differ from the "
                          "manifest after loading", counts)
    return loaded


def _place_files(archive: ZipFile, manifest: dict) -> list[Path]:
    """Write the archived files into the (empty) folders; returns what was written."""
    roots, written = file_roots(), []
    try:
        for name in sorted(n for n in manifest["members"] if n.startswith("files/")):
            _files, key, rel = name.split("/", 2)
            path = roots[key] / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(name) as src, path.open("xb") as dst:
                written.append(path)
                while chunk := src.read(CHUNK):
                    dst.write(chunk)
    except BaseException:
        _remove(written)
        raise
    return written


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def restore(path: Path, alias: str = DEFAULT_DB_ALIAS) -> dict:
    """Check the archive and the target, then restore; returns the summary the command prints.
    Nothing is touched before every check has passed."""
    started = time.monotonic()
    try:
        archive = ZipFile(path)
    except (BadZipFile, OSError) as exc:
        raise _refuse(f"Không mở được «{path}» như tệp sao lưu",
                      f"cannot open «{path}» as a backup: {exc}") from None
    with archive:
        manifest = read_manifest(archive)
        verify_members(archive, manifest)
        verify_schema(manifest)
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)  # the SQLite file's folder
        check_empty(alias)
        for root in file_roots().values():
            root.mkdir(parents=True, exist_ok=True)
        call_command("migrate", database=alias, verbosity=0, interactive=False)
        written = _place_files(archive, manifest)
        try:
            rows = _load_rows(archive, manifest, alias)
        except BaseException:
            _remove(written)
            raise
    call_command("createcachetable", database=alias, verbosity=0)
    return {
        "path": str(path), "seconds": round(time.monotonic() - started, 2),
        "database_vendor": connections[alias].vendor,
        "source_vendor": manifest.get("database_vendor"),
        "created_at": manifest.get("created_at"), "rows": rows, "files": len(written),
        "missing_files_at_backup": manifest.get("missing_files", []),
    }

