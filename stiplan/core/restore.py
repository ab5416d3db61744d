"""`stiplan restore`: check a backup archive whole and the target empty, read its rows and place
its files (any vendor: a SQLite backup restores into PostgreSQL); core.actions.restore_archive
writes the rows."""

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
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.migrations.loader import MigrationLoader
from django.db.models import signals

from stiplan.core.backup import (
    CHUNK,
    FORMAT,
    MANIFEST,
    NATURAL,
    ArchiveError,
    file_roots,
    stored_files,
)

MEMBER = re.compile(r"db/[\w.-]+\.json|files/(media|private)/[^\\]+")
# Rows a target may hold and still count as empty: what `migrate` creates (and schedules, which
# code sets up). Everything else in the target, and any stored file, refuses the restore.
MADE_BY_MIGRATE = (*NATURAL, "django_q.schedule")
SHOWN = 5


def refusal(vi: str, en: str, items: list[str] = ()) -> ArchiveError:
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
        raise refusal("Tệp không phải bản sao lưu stiplan (thiếu hoặc hỏng manifest.json)",
                      f"not a stiplan backup (manifest.json missing or damaged): {exc}") from None
    shape = {"format": int, "members": dict, "rows": dict, "migrations": dict}
    if not isinstance(manifest, dict) or any(not isinstance(manifest.get(key), kind)
                                             for key, kind in shape.items()):
        raise refusal("manifest.json không đúng cấu trúc", "manifest.json is malformed")
    if manifest["format"] != FORMAT:
        raise refusal("Bản sao lưu có định dạng không hỗ trợ",
                      f"unsupported backup format {manifest['format']!r}")
    if not all(isinstance(m, dict) for m in manifest["members"].values()) or not all(
            isinstance(names, list) for names in manifest["migrations"].values()):
        raise refusal("manifest.json không đúng cấu trúc", "manifest.json is malformed")
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
        raise refusal("Bản sao lưu bị hỏng hoặc đã bị sửa, không khôi phục gì",
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
        raise refusal(
            "Bản sao lưu có lược đồ mới hơn phiên bản stiplan này; hãy cập nhật stiplan trước",
            "the backup's schema is newer than this stiplan knows; upgrade stiplan first",
            [f"{app}.{name}" for app, name in newer])
    if older:
        raise refusal(
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
        raise refusal("Nơi khôi phục không trống (cơ sở dữ liệu hoặc thư mục tệp đã có dữ liệu); "
                      "chỉ khôi phục vào nơi trống", "the target is not empty (rows in the "
                      "database or files in the folders); restore only into an empty one", held)


@contextmanager
def signals_muted():
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


def place_files(archive: ZipFile, manifest: dict) -> list[Path]:
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
        remove_files(written)
        raise
    return written


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


@contextmanager
def checked_archive(path: Path, alias: str = DEFAULT_DB_ALIAS):
    """The archive and its manifest, once the archive (whole, checksums, schema) and the target
    (empty) are checked and the target's tables are made; nothing is touched before."""
    try:
        archive = ZipFile(path)
    except (BadZipFile, OSError) as exc:
        raise refusal(f"Không mở được «{path}» như tệp sao lưu",
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
        yield archive, manifest


def rows_in(archive: ZipFile, manifest: dict, alias: str):
    """Each archived row as a deserialized object (its member's checksum checked again as it is
    read), with the values the target database cannot store."""
    vendor = connections[alias].vendor
    for name in sorted(n for n in manifest["members"] if n.startswith("db/")):
        raw = archive.read(name)
        if hashlib.sha256(raw).hexdigest() != manifest["members"][name]["sha256"]:
            raise refusal("Tệp lưu trữ đã thay đổi khi đang khôi phục",
                          "the archive changed during the restore", [name])
        try:
            for item in serializers.deserialize("json", raw, using=alias):
                yield item, _unfit(item.object, vendor)
        except DeserializationError as exc:
            raise refusal("Không đọc được dữ liệu trong bản sao lưu",
                          "cannot read the backup's rows", [f"{name}: {exc}"]) from None


def counts_differ(manifest: dict, models_: list[type[models.Model]], alias: str) -> list[str]:
    """The models whose row count after loading is not the manifest's."""
    return [f"{m._meta.label_lower}: {have} ≠ {manifest['rows'][m._meta.label_lower]}"
            for m in models_ if m._meta.label_lower not in NATURAL
            and (have := m._base_manager.using(alias).count())
            != manifest["rows"][m._meta.label_lower]]


def summary(path: Path, manifest: dict, alias: str, *, rows: int, files: int,
            started: float) -> dict:
    """What `stiplan restore` prints."""
    return {
        "path": str(path), "seconds": round(time.monotonic() - started, 2),
        "database_vendor": connections[alias].vendor,
        "source_vendor": manifest.get("database_vendor"),
        "created_at": manifest.get("created_at"), "rows": rows, "files": files,
        "missing_files_at_backup": manifest.get("missing_files", []),
    }
