"""Shared pieces of the `stiplan` management commands: their verbs, `--format` and `--plan`, JSON output,
clean error exits and a progress bar on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, OutputWrapper
from django.db import DatabaseError

from stiplan.core.backup import ArchiveError
from stiplan.core.constants import DEFAULT_PLAN
from stiplan.core.errors import Conflict, NotReady
from stiplan.core.yamlio import InputError

#: The usual `--format`: text for people (the default), JSON for programs.
TEXT_OR_JSON = ("json", "text")


def verbs(parser):
    """The command's verbs (`stiplan NAME VERB …`); one is required and reaches handle() as
    `verb`. Add each verb with `.add_parser(name, help=…)`."""
    return parser.add_subparsers(dest="verb", required=True)


def add_format(parser, choices=TEXT_OR_JSON, default: str = "text", dest: str = "format") -> None:
    """`--format`: how the command prints its result (one of `choices`)."""
    parser.add_argument("--format", choices=list(choices), default=default, dest=dest)


def add_plan(parser, default: str | None = DEFAULT_PLAN) -> None:
    """`--plan CODE`: the plan the command works on (by default the Vĩnh Long plan)."""
    parser.add_argument("--plan", default=default,
                        help="mã kế hoạch / plan code (mặc định / default: the Vĩnh Long plan)")


def print_json(data, out=None) -> None:
    """One JSON document on the command's stdout (its OutputWrapper, or sys.stdout)."""
    (out or sys.stdout).write(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def clean_errors(handler: Callable) -> Callable:
    """Turn input and permission errors into a message on stderr and a non-zero exit code."""

    @wraps(handler)
    def wrapper(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except InputError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(
                f"Tệp bị từ chối, không có dữ liệu nào được lưu ({len(exc.problems)} lỗi) / "
                f"file refused, nothing was saved ({len(exc.problems)} problems):\n{lines}"
            ) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except (PermissionDenied, Conflict, NotReady, ArchiveError, OSError) as exc:
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            raise CommandError(
                f"Cơ sở dữ liệu từ chối thay đổi, không có gì được lưu / "
                f"the database refused the change, nothing was saved: {exc}"
            ) from None

    return wrapper


class ProgressBar:
    """A progress bar on stderr, redrawn in place: call it with (stage, done, total); `done()`
    ends its line. Stages are words such as read, check, write; only whole-percent changes
    are drawn, so a loop may call it often."""

    WIDTH = 30

    def __init__(self, out=None):
        self.out = out or sys.stderr
        self.last: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if (stage, percent) == self.last:
            return
        self.last = (stage, percent)
        filled = self.WIDTH * percent // 100
        self._write(f"\r{stage:<6} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d}% "
                    f"{done}/{total}")

    def _write(self, text: str) -> None:
        if isinstance(self.out, OutputWrapper):
            self.out.write(text, ending="")
        else:
            self.out.write(text)
        self.out.flush()

    def done(self) -> None:
        if self.last is not None:
            self._write("\n")
            self.last = None
