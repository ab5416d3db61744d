"""YAML read with line numbers, and a small field checker that names the place of every problem.

Loaders validate a whole file first and collect `Problem`s; only a file without problems is
applied, inside one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import yaml
from django.utils.translation import get_language


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input, with its place, in Vietnamese and English."""

    line: int | None
    path: str
    vi: str
    en: str

    @property
    def message(self) -> str:
        """The problem in the page's language (a form shows it at its field)."""
        return self.en if (get_language() or "vi").startswith("en") else self.vi

    def __str__(self) -> str:
        where_vi = f"Dòng {self.line}, " if self.line else ""
        where_en = f"line {self.line}, " if self.line else ""
        return f"{where_vi}trường «{self.path}»: {self.vi} — {where_en}field '{self.path}': {self.en}"


class InputError(Exception):
    """Raised with every problem found; nothing has been saved."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class LineDict(dict):
    line: int | None = None
    lines: dict


class LineList(list):
    line: int | None = None
    lines: list


class _Loader(yaml.CSafeLoader):
    """The safe loader on libyaml's C parser (nine times the pure-Python one on the plan file),
    building `LineDict` and `LineList` with the same marks."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    data = LineDict()
    data.line, data.lines, data.duplicates = node.start_mark.line + 1, {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found unhashable key",
                key_node.start_mark) from None
        if key in data:
            data.duplicates.append((key, key_node.start_mark.line + 1))
        data[key] = loader.construct_object(value_node, deep=True)
        data.lines[key] = key_node.start_mark.line + 1
    return data


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    data = LineList(loader.construct_object(child, deep=True) for child in node.value)
    data.line = node.start_mark.line + 1
    data.lines = [child.start_mark.line + 1 for child in node.value]
    return data


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)

MAX_BYTES = 5_000_000


def load_yaml(raw: bytes | str, path: str = "") -> object:
    """Parse YAML keeping line numbers; raise InputError naming the line on any syntax error."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise InputError([Problem(None, path or "(tệp)", "tệp quá lớn (tối đa 5 MB)",
                                      "file too large (5 MB at most)")])
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError([Problem(line, path or "(tệp)",
                                      f"tệp không phải UTF-8 (byte {exc.start})",
                                      f"file is not UTF-8 (byte {exc.start})")]) from None
    try:
        return yaml.load(raw, Loader=_Loader)  # noqa: S506 - _Loader derives from CSafeLoader
    except yaml.YAMLError as exc:
        # An unclosed quote or bracket is reported where it was opened (the context),
        # not at the end of the file where the scanner gave up.
        mark = getattr(exc, "problem_mark", None)
        if isinstance(exc, yaml.scanner.ScannerError) and exc.context_mark:
            mark = exc.context_mark
        line = mark.line + 1 if mark else None
        detail = getattr(exc, "problem", None) or str(exc)
        if getattr(exc, "context", None):
            detail = f"{detail} ({exc.context})"
        raise InputError([Problem(line, path or "(tệp)", f"YAML sai cú pháp: {detail}",
                                  f"malformed YAML: {detail}")]) from None
    except (ValueError, OverflowError) as exc:  # e.g. a date such as 2023-13-45
        raise InputError([Problem(_impossible_date_line(raw), path or "(tệp)",
                                  f"giá trị không hợp lệ: {exc}",
                                  f"invalid value: {exc}")]) from None
    except RecursionError:
        raise InputError([Problem(None, path or "(tệp)", "cấu trúc lồng nhau quá sâu",
                                  "structure nested too deeply")]) from None


_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


def _impossible_date_line(text: str) -> int | None:
    """The first line holding a date-shaped value that is not a real date."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _DATE.finditer(line):
            try:
                dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                return number
    return None


def line_of(container, key=None) -> int | None:
    """The line of `container[key]` (or of the container itself) when known."""
    if key is not None:
        lines = getattr(container, "lines", None)
        if isinstance(lines, dict):
            return lines.get(key, getattr(container, "line", None))
        if isinstance(lines, list) and isinstance(key, int) and key < len(lines):
            return lines[key]
    return getattr(container, "line", None)


# --- Field checking ----------------------------------------------------------------------------

def _text(v):
    if isinstance(v, str) and v.strip():
        return v
    raise ValueError("cần một chuỗi không rỗng", "a non-empty string is required")


def _opt_text(v):
    if v is None or isinstance(v, str):
        return v or ""
    raise ValueError("cần một chuỗi", "a string is required")


def _int(v):
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    raise ValueError("cần một số nguyên", "an integer is required")


def _year(v):
    year = _int(v)
    if 1900 <= year <= 2100:
        return year
    raise ValueError(f"năm {year} không hợp lệ (1900–2100)", f"year {year} is out of range (1900–2100)")


def _code(v):
    if isinstance(v, str) and v.strip():
        return v
    raise ValueError("cần một mã dạng chuỗi", "a code (string) is required")


def _number(v):
    if isinstance(v, bool) or not isinstance(v, int | float | str | Decimal):
        raise ValueError("cần một số", "a number is required")
    try:
        d = Decimal(str(v))
    except InvalidOperation:
        raise ValueError("cần một số", "a number is required") from None
    if not d.is_finite():
        raise ValueError("cần một số hữu hạn", "a finite number is required")
    return d


def _optional(check: Callable) -> Callable:
    """`check`, with None let through (a field that may be empty)."""
    return lambda v: None if v is None else check(v)


def _instance_of(kind: type, vi: str, en: str) -> Callable:
    """A check that the value is a `kind` (taken as it is), refused with `vi` / `en`."""
    def check(v):
        if isinstance(v, kind):
            return v
        raise ValueError(vi, en)
    return check


def _date(v):
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            pass
    raise ValueError("cần một ngày dạng YYYY-MM-DD", "a date as YYYY-MM-DD is required")


def one_of(*choices: str) -> Callable:
    def check(v):
        if v in choices:
            return v
        allowed = ", ".join(choices)
        raise ValueError(f"giá trị «{v}» không hợp lệ; chọn một trong: {allowed}",
                         f"invalid value '{v}'; choose one of: {allowed}")
    return check


TEXT, OPT_TEXT, INT, YEAR, CODE = _text, _opt_text, _int, _year, _code
NUMBER, OPT_NUMBER, DATE, OPT_DATE = _number, _optional(_number), _date, _optional(_date)
BOOL = _instance_of(bool, "cần true hoặc false", "true or false is required")
LIST = _instance_of(list, "cần một danh sách", "a list is required")
MAP = _instance_of(dict, "cần một bảng khóa–giá trị", "a mapping is required")
REQUIRED = object()


class Checker:
    """Collects problems while reading fields from parsed YAML."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, line, path: str, vi: str, en: str) -> None:
        self.problems.append(Problem(line, path, vi, en))

    def fields(self, node, path: str, spec: dict[str, tuple[Callable, object]]) -> dict | None:
        """Read `node` by `spec` {key: (converter, default or REQUIRED)}; None if not a mapping."""
        if not isinstance(node, dict):
            self.add(line_of(node), path, "cần một bảng khóa–giá trị", "a mapping is required")
            return None
        for key, line in getattr(node, "duplicates", []):
            self.add(line, f"{path}.{key}", "khóa bị lặp", "duplicated key")
        out = {}
        for key in node:
            if key not in spec:
                self.add(line_of(node, key), f"{path}.{key}", "trường không được hỗ trợ",
                         "unknown field")
        for key, (convert, default) in spec.items():
            if key not in node:
                if default is REQUIRED:
                    self.add(line_of(node), f"{path}.{key}", "thiếu trường bắt buộc",
                             "required field is missing")
                out[key] = None if default is REQUIRED else default
                continue
            try:
                out[key] = convert(node[key])
            except ValueError as exc:
                vi, en = exc.args if len(exc.args) == 2 else (str(exc), str(exc))
                self.add(line_of(node, key), f"{path}.{key}", vi, en)
                out[key] = None
        return out

    def codes(self, node, path: str) -> list[str]:
        """A list of codes (strings); anything else is a problem at its line."""
        out = []
        for i, item, item_path, line in self.items(node, path):
            if isinstance(item, str) and item.strip():
                out.append(item)
            else:
                self.add(line or line_of(node, i), item_path, "cần một mã dạng chuỗi",
                         "a code (string) is required")
        return out

    def items(self, node, path: str):
        """(index, item, item_path, line) for each element of a list field."""
        if not isinstance(node, list):
            return
        for i, item in enumerate(node):
            yield i, item, f"{path}[{i}]", line_of(node, i)

    def records(self, node, path: str, spec: dict[str, tuple[Callable, object]]):
        """(fields, item_path, line) for each element of a list field read by `spec` (as
        `fields` does); an element that is not a mapping is a problem, and skipped."""
        for _i, item, item_path, line in self.items(node, path):
            if (data := self.fields(item, item_path, spec)) is not None:
                yield data, item_path, line

    def unique(self, seen: dict, code, path: str, line) -> None:
        if code is None:
            return
        if code in seen:
            self.add(line, path, f"mã «{code}» bị trùng (đã dùng ở dòng {seen[code]})",
                     f"duplicate code '{code}' (already used on line {seen[code]})")
        else:
            seen[code] = line

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)
