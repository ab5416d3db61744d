"""The data folder (STIPLAN_VAR_DIR): made on start by every entry point, and the secret key that
is generated into it once (mode 0600) when STIPLAN_SECRET_KEY is not given. Read by settings, so
it imports nothing from Django but its exception."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_FILE = "secret_key"
MIN_KEY_LENGTH = 50
KEY_HINT = (". Đặt STIPLAN_SECRET_KEY hoặc cho phép ghi thư mục dữ liệu / set STIPLAN_SECRET_KEY "
            "or make the data folder STIPLAN_VAR_DIR writable by this user")


def prepare(folder: Path, *subfolders: str) -> None:
    """Create the data folder and the named folders inside it (private to this user)."""
    try:
        for path in (folder, *(folder / name for name in subfolders)):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise refusal(f"không tạo được thư mục dữ liệu / cannot create the data folder {folder}: "
                      f"{exc.strerror}") from None


def secret_key(folder: Path) -> str:
    """The key stored in the data folder; the first process to need it writes it, atomically
    (a complete file is linked into place, so a racing process reads either nothing or all)."""
    path = folder / KEY_FILE
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    except UnicodeDecodeError:
        raise refusal(f"{path} không phải khóa dạng văn bản / does not hold a text key") from None
    except OSError as exc:
        raise refusal(f"không đọc được / cannot read {path}: {exc.strerror}{KEY_HINT}") from None
    try:
        _write_once(path, secrets.token_urlsafe(MIN_KEY_LENGTH))
        return _read(path)
    except OSError as exc:
        raise refusal(f"không tạo được / cannot create {path}: {exc.strerror}{KEY_HINT}") from None


def _read(path: Path) -> str:
    with open(path, encoding="utf-8") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            raise refusal(f"{path} không phải tệp của người dùng này / is not a file owned by "
                          "the user running stiplan")
        if info.st_mode & 0o077:
            raise refusal(f"{path} có quyền {oct(info.st_mode & 0o777)}, phải là 0600 / has "
                          f"mode {oct(info.st_mode & 0o777)}, must be 0600 (chmod 600 {path})")
        key = handle.read().strip()
    if len(key) < MIN_KEY_LENGTH:
        raise refusal(f"{path} chứa khóa quá ngắn / holds a key shorter than {MIN_KEY_LENGTH} "
                      "characters")
    return key


def _write_once(path: Path, key: str) -> None:
    temporary = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if another process got there first: keep theirs
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)


def refusal(reason: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"stiplan không khởi động / stiplan refuses to start: {reason} (docs/deployment.md)")
