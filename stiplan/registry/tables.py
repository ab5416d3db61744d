"""The registry's bulk files as plain tables: a CSV (UTF-8, comma or semicolon) or an XLSX
workbook (its first sheet) read into a header and rows of text with their row numbers, and a
table written back to either format.

An upload is judged before it is parsed, as the report upload is: its size, then for a workbook
the zip and the reading budget of stiplan.reporting.xlsx_budget (with larger cell and string
caps: a bulk import is many rows by design), through the same `open_workbook`. Every refusal is
an InputError of CellProblems (sheet, row, column, Vietnamese, English)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from stiplan.core.yamlio import InputError
from stiplan.reporting.excel import CellProblem, open_workbook
from stiplan.reporting.xlsx_budget import Budget, OverBudget

#: The largest file a bulk import reads: from the command line, and from the staff page.
MAX_BYTES = {"cli": 64 * 1024 * 1024, "web": 16 * 1024 * 1024}
#: The cells and shared strings a workbook may hold (100,000 tasks of 16 columns fit the CLI's).
MAX_CELLS = {"cli": 2_500_000, "web": 400_000}
MAX_STRINGS = {"cli": 600_000, "web": 120_000}
MAX_UNPACKED = {"cli": 256 * 1024 * 1024, "web": 64 * 1024 * 1024}
SECONDS = {"cli": 300.0, "web": 20.0}
MAX_ROWS = 200_000
FILE = "(tệp)"


@dataclass
class Table:
    """A sheet's header (as written) and its non-empty rows as (row number, cells as text)."""

    sheet: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


def refuse(vi: str, en: str) -> InputError:
    return InputError([CellProblem(FILE, None, None, vi, en)])


def kind_of(name: str, raw: bytes) -> str:
    """"xlsx" or "csv", by the file's first bytes, else by its name."""
    if raw.startswith(b"PK\x03\x04") or name.lower().endswith(".xlsx"):
        return "xlsx"
    return "csv"


def read_table(raw: bytes, name: str, *, where: str = "cli") -> Table:
    """The table in `raw` (named `name`); InputError naming what is wrong with the file."""
    if len(raw) > MAX_BYTES[where]:
        size = f"{MAX_BYTES[where] // (1024 * 1024)} MB"
        raise refuse(f"tệp quá lớn (tối đa {size})", f"file too large ({size} at most)")
    if not raw.strip():
        raise refuse("tệp trống", "the file is empty")
    if kind_of(name, raw) == "xlsx":
        return _read_xlsx(raw, where)
    return _read_csv(raw)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(sheet: str, rows) -> Table:
    header: list[str] | None = None
    out: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        texts = [_text(c) for c in cells]
        if not any(texts):
            continue
        if header is None:
            header = texts
            continue
        if len(out) >= MAX_ROWS:
            raise refuse(f"quá nhiều dòng (tối đa {MAX_ROWS:,})", f"too many rows ({MAX_ROWS:,} at most)")
        out.append((number, texts))
    if header is None:
        raise refuse("tệp không có dòng tiêu đề", "the file has no header row")
    return Table(sheet, header, out)


def _read_csv(raw: bytes) -> Table:
    if b"\x00" in raw:
        raise refuse("không phải tệp CSV văn bản (có byte NUL)", "not a text CSV file (NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse(f"tệp CSV không phải UTF-8 (byte {exc.start})",
                     f"the CSV file is not UTF-8 (byte {exc.start})") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _table("CSV", ((reader.line_num, cells) for cells in reader))
    except csv.Error as exc:
        raise refuse(f"tệp CSV hỏng, dòng {reader.line_num}: {exc}",
                     f"broken CSV at line {reader.line_num}: {exc}") from None


def _read_xlsx(raw: bytes, where: str) -> Table:
    budget = Budget(SECONDS[where], cells=MAX_CELLS[where], strings=MAX_STRINGS[where],
                    unpacked=MAX_UNPACKED[where], part=MAX_UNPACKED[where])
    wb = open_workbook(raw, budget, limit=MAX_BYTES[where])
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()

        def rows():
            for number, cells in enumerate(ws.iter_rows(values_only=True), 1):
                if number % 1000 == 0:
                    budget.check_time()
                yield number, cells
        return _table(ws.title, rows())
    except InputError:
        raise
    except OverBudget as exc:
        raise InputError([CellProblem(FILE, None, None, vi, en) for vi, en in exc.problems]) from None
    except Exception as exc:  # noqa: BLE001 - read-only sheets parse lazily: damage shows here
        raise refuse(f"trang bị hỏng, không đọc được ({type(exc).__name__})",
                     f"a sheet is damaged and cannot be read ({type(exc).__name__})") from None
    finally:
        wb.close()


def letter(index: int) -> str:
    """The spreadsheet letter of the column at `index` (0 → A)."""
    return get_column_letter(index + 1)


# --- Writing ---------------------------------------------------------------------------------------

def _cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def write_table(header: list[str], rows, fmt: str, sheet: str = "registry") -> bytes:
    """The rows (iterables of values) under `header` as CSV (UTF-8 with BOM, so Excel reads its
    accents) or as an XLSX workbook of one sheet."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([v.isoformat() if isinstance(v, dt.date) else _cell(v) for v in row])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append(header)
    for row in rows:
        ws.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
