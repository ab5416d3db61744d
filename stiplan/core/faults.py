"""Faults of the machine, not of the input: the database out of reach and the disk full. How to
recognise them, and what to tell the user (Vietnamese and English together)."""

from __future__ import annotations

import errno

from django.db import InterfaceError, OperationalError

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
DISK_FULL = ("Máy chủ đã hết chỗ lưu tệp nên chưa lưu được gì; dữ liệu đã có vẫn còn nguyên. "
             "Hãy báo người quản trị hệ thống rồi thử lại / the server's disk is full, so nothing "
             "was saved; the data already there is intact. Tell the system administrator, then "
             "try again")


def kind_of(exc: BaseException | None) -> str | None:
    """'database' for a database that cannot be reached or used now, 'disk' for a full disk."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return "database"
    if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS:
        return "disk"
    return None
