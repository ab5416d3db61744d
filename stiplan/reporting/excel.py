"""The Excel round trip of a unit report: a protected template out, a checked upload back in.

The template holds the unit's items with only the input cells unlocked, drop-down lists for the
statuses, and a hidden signed stamp (round, unit, report version). An upload is checked whole —
file, stamp, every row and cell (each value by reporting.inputs, the one definition the web form
and the API use too) — and then saved through `save_items`, all or nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from stiplan.core.permissions import require
from stiplan.core.yamlio import InputError
from stiplan.reporting.inputs import ValueRules, read_status, read_text, read_value
from stiplan.reporting.models import ActionStatus, UnitReport
from stiplan.reporting.text import clean_text, rich_to_text
from stiplan.reporting.xlsx_budget import Budget, OverBudget

TEMPLATE_VERSION = 1
STAMP_SHEET = "stiplan"
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
MAX_EXTRA_ROWS = 200
INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
HEAD_FILL = PatternFill("solid", fgColor="DDE7F3")


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # model field, or "" for a read-only column
    width: int
    kind: str = "text"  # text | rich | status | number | key | label


@dataclass(frozen=True)
class SheetSpec:
    title: str
    columns: tuple[Column, ...]


ACTIONS = SheetSpec("Nhiệm vụ", (
    Column("Mã", "code", 9, "key"),
    Column("Nhiệm vụ", "text", 60, "label"),
    Column("Vai trò", "role", 11, "label"),
    Column("Tình trạng", "status", 18, "status"),
    Column("Đã thực hiện trong năm", "done", 45, "rich"),
    Column("Kết quả, sản phẩm", "results", 35, "rich"),
    Column("Khó khăn, vướng mắc", "difficulties", 35, "rich"),
    Column("Đề xuất, kiến nghị", "proposals", 35, "rich"),
    Column("Nhận xét của Sở", "review_comment", 30, "label"),
))
INDICATORS = SheetSpec("Chỉ tiêu", (
    Column("Mã", "code", 22, "key"),
    Column("Chỉ tiêu", "name", 60, "label"),
    Column("Đơn vị tính", "unit", 12, "label"),
    Column("Giá trị", "value", 16, "number"),
    Column("Nguồn số liệu", "source", 30, "text"),
    Column("Ghi chú", "note", 30, "rich"),
    Column("Giải trình", "explanation", 30, "rich"),
    Column("Nhận xét của Sở", "review_comment", 30, "label"),
))
QUESTIONS = SheetSpec("Câu hỏi", (
    Column("Mã", "code", 9, "key"),
    Column("Câu hỏi", "question", 60, "label"),
    Column("Trả lời", "answer", 70, "rich"),
    Column("Nhận xét của Sở", "review_comment", 30, "label"),
))
STATUS_LABELS = {str(label): value for value, label in ActionStatus.choices}


@dataclass(frozen=True)
class CellProblem:
    sheet: str
    row: int | None
    column: str | None
    vi: str
    en: str

    @property
    def where_vi(self) -> str:
        return f"Trang «{self.sheet}»" + (f", dòng {self.row}" if self.row else "") + (
            f", cột {self.column}" if self.column else "")

    @property
    def where_en(self) -> str:
        return f"sheet '{self.sheet}'" + (f", row {self.row}" if self.row else "") + (
            f", column {self.column}" if self.column else "")

    def localized(self) -> str:
        """The problem in the page's language only (the pages show one language)."""
        if get_language() == "en":
            return f"{self.where_en[:1].upper()}{self.where_en[1:]}: {self.en}"
        return f"{self.where_vi}: {self.vi}"

    def __str__(self) -> str:
        """Both languages, for the command line and logs."""
        return f"{self.where_vi}: {self.vi} — {self.where_en}: {self.en}"


# --- Rows of a report ------------------------------------------------------------------------------

def _rows(report: UnitReport) -> dict[str, list[dict]]:
    """Each sheet's rows as {field: value}, in the report's order."""
    actions = [
        {"code": i.action.code, "text": i.action.text, "role": i.get_role_display(),
         "status": STATUS_LABELS_BY_VALUE.get(i.status, ""), "done": rich_to_text(i.done),
         "results": rich_to_text(i.results), "difficulties": rich_to_text(i.difficulties),
         "proposals": rich_to_text(i.proposals), "review_comment": i.review_comment}
        for i in report.action_items.select_related("action__group")
    ]
    indicators = [
        {"code": i.indicator.code, "name": i.indicator.name, "unit": i.indicator.unit,
         "value": i.value, "source": i.source, "note": rich_to_text(i.note),
         "explanation": rich_to_text(i.explanation), "review_comment": i.review_comment,
         "_rules": ValueRules.of(i)}
        for i in report.indicator_items.select_related("indicator")
    ]
    questions = [
        {"code": q.code, "question": q.question, "answer": rich_to_text(q.answer),
         "review_comment": q.review_comment}
        for q in report.question_items.all()
    ]
    return {ACTIONS.title: actions, INDICATORS.title: indicators, QUESTIONS.title: questions}


STATUS_LABELS_BY_VALUE = {value: label for label, value in STATUS_LABELS.items()}
SPECS = (ACTIONS, INDICATORS, QUESTIONS)


def _stamp(report: UnitReport) -> tuple[str, str]:
    body = json.dumps({"v": TEMPLATE_VERSION, "round": report.round_id, "unit": report.unit.code,
                       "report": report.pk, "version": report.version}, sort_keys=True)
    return body, _sign(body)


def _sign(body: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), body.encode(), hashlib.sha256).hexdigest()


# --- Template out ----------------------------------------------------------------------------------

def build_template(report: UnitReport) -> bytes:
    """The report as a protected .xlsx with the unit's items and only input cells unlocked."""
    wb = Workbook()
    wb.remove(wb.active)
    rows = _rows(report)
    for spec in SPECS:
        if spec is QUESTIONS and not rows[spec.title]:
            continue
        _write_sheet(wb.create_sheet(spec.title), spec, rows[spec.title], report)
    stamp = wb.create_sheet(STAMP_SHEET)
    body, signature = _stamp(report)
    stamp["A1"], stamp["B1"], stamp["A2"], stamp["B2"] = "stamp", body, "signature", signature
    stamp.sheet_state = "veryHidden"
    stamp.protection.sheet = True
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _write_sheet(ws, spec: SheetSpec, rows: list[dict], report: UnitReport) -> None:
    ws["A1"] = report.round.title
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = f"Đơn vị: {report.unit.name}  ·  Hạn nộp: {report.round.deadline:%d/%m/%Y}"
    ws["A3"] = ("Chỉ nhập vào các ô nền vàng. Số viết 1.234,5 hoặc 1,234.5; để trống, «x» hoặc «-» "
                "nếu không có số liệu. / Type only in the yellow cells.")
    ws["A3"].font = Font(italic=True, color="555555")
    for col, column in enumerate(spec.columns, start=1):
        cell = ws.cell(HEADER_ROW, col, column.header)
        cell.font, cell.fill = Font(bold=True), HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = column.width
    status_list = None
    if any(c.kind == "status" for c in spec.columns) and rows:
        status_list = DataValidation(type="list", formula1='"' + ",".join(STATUS_LABELS) + '"',
                                     allow_blank=True, showErrorMessage=True,
                                     errorTitle="Tình trạng", error="Chọn một tình trạng trong danh sách")
        ws.add_data_validation(status_list)
    for r, row in enumerate(rows, start=FIRST_ROW):
        for col, column in enumerate(spec.columns, start=1):
            value = row.get(column.field)
            cell = ws.cell(r, col)
            write_cell(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column.kind in ("key", "label"):
                continue
            cell.protection = Protection(locked=False)
            cell.fill = INPUT_FILL
            if column.kind == "number":
                cell.number_format = "#,##0.####"
            if column.kind == "status" and status_list is not None:
                status_list.add(cell)
    ws.freeze_panes = ws.cell(FIRST_ROW, 2)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def write_cell(cell, value) -> None:
    """Write a value; text that looks like a formula stays text (no formula injection)."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"
        if value[:1] in ("=", "+", "-", "@"):
            cell.quotePrefix = True
        return
    cell.value = value


# --- Upload in ---------------------------------------------------------------------------------------

@dataclass
class ParsedUpload:
    version: int
    actions: dict
    indicators: dict
    questions: dict


def parse_upload(report: UnitReport, raw: bytes) -> ParsedUpload:
    """Check a filled template against `report`; raise InputError naming every bad cell."""
    budget = Budget()
    wb = open_workbook(raw, budget)
    problems: list[CellProblem] = []
    try:
        version = _check_stamp(wb, report, problems)
        if problems:
            raise InputError(problems)
        expected = _rows(report)
        found: dict[str, dict] = {}
        for spec in SPECS:
            rows = expected[spec.title]
            if not rows:
                found[spec.title] = {}
                continue
            if spec.title not in wb.sheetnames:
                problems.append(CellProblem(spec.title, None, None, "thiếu trang này trong tệp",
                                            "the sheet is missing"))
                continue
            found[spec.title] = _read_sheet(wb[spec.title], spec, rows, problems, budget)
    except InputError:
        raise
    except OverBudget as exc:
        raise _over_budget(exc) from None
    except Exception as exc:  # noqa: BLE001 - read-only sheets parse lazily: damage shows here
        raise InputError([CellProblem("(tệp)", None, None,
                                      f"trang bị hỏng, không đọc được ({type(exc).__name__})",
                                      f"a sheet is damaged and cannot be read "
                                      f"({type(exc).__name__})")]) from None
    finally:
        wb.close()
    if problems:
        raise InputError(problems)
    return ParsedUpload(version, found[ACTIONS.title], found[INDICATORS.title],
                        found[QUESTIONS.title])


def _over_budget(exc: OverBudget) -> InputError:
    return InputError([CellProblem("(tệp)", None, None, vi, en) for vi, en in exc.problems])


def open_workbook(raw: bytes, budget: Budget, limit: int | None = None):
    """The workbook of an upload, read-only, once its size, zip and budget pass; InputError
    naming the file otherwise. `limit` is the largest accepted file (MAX_UPLOAD_BYTES)."""
    def refuse(vi: str, en: str):
        return InputError([CellProblem("(tệp)", None, None, vi, en)])

    limit = settings.MAX_UPLOAD_BYTES if limit is None else limit
    if len(raw) > limit:
        size = f"{limit / (1024 * 1024):.0f} MB"
        raise refuse(f"tệp quá lớn (tối đa {size})", f"file too large ({size} at most)")
    if not raw.startswith(b"PK\x03\x04"):
        raise refuse("không phải tệp Excel .xlsx", "not an .xlsx file")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            budget.check_archive(archive)  # before any part is parsed
            if "xl/workbook.xml" not in archive.namelist():
                raise refuse("không phải tệp Excel .xlsx", "not an .xlsx file")
    except OverBudget as exc:
        raise _over_budget(exc) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError,
            OSError, RuntimeError, zlib.error):  # damaged, unsupported or encrypted archives
        raise refuse("tệp .xlsx bị hỏng (không giải nén được)", "broken .xlsx (bad zip)") from None
    try:
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise refuse(f"không đọc được tệp Excel ({type(exc).__name__})",
                     f"the workbook cannot be read ({type(exc).__name__})") from None


def _check_stamp(wb, report: UnitReport, problems: list[CellProblem]) -> int:
    def add(vi: str, en: str) -> int:
        problems.append(CellProblem(STAMP_SHEET, None, None, vi, en))
        return 0

    if STAMP_SHEET not in wb.sheetnames:
        return add("không phải mẫu do stiplan tạo (thiếu dấu mẫu); hãy tải mẫu mới",
                   "not a stiplan template (no stamp); download a new one")
    cells = {row[0]: row[1] for row in wb[STAMP_SHEET].iter_rows(max_row=2, max_col=2,
                                                                  values_only=True) if row}
    body, signature = str(cells.get("stamp") or ""), str(cells.get("signature") or "")
    if not hmac.compare_digest(_sign(body).encode(), signature.encode("utf-8")):
        return add("dấu mẫu không hợp lệ (tệp đã bị sửa phần ẩn)",
                   "invalid template stamp (the hidden part was edited)")
    stamp = json.loads(body)
    if stamp.get("v") != TEMPLATE_VERSION:
        return add("mẫu thuộc phiên bản cũ của hệ thống; hãy tải mẫu mới",
                   "template from an older system version; download a new one")
    if stamp.get("round") != report.round_id or stamp.get("report") != report.pk:
        if stamp.get("unit") != report.unit.code:
            return add(f"mẫu của đơn vị khác ({stamp.get('unit')}), không phải của "
                       f"{report.unit.code}", f"template of another unit ({stamp.get('unit')})")
        return add("mẫu của kỳ báo cáo khác", "template of another reporting round")
    if stamp.get("version") != report.version:
        return add(f"báo cáo đã thay đổi sau khi tải mẫu (mẫu: phiên bản {stamp.get('version')}, "
                   f"hiện tại: {report.version}); hãy tải mẫu mới",
                   f"the report changed after this template was downloaded (template version "
                   f"{stamp.get('version')}, now {report.version}); download a new one")
    return stamp["version"]


def _read_sheet(ws, spec: SheetSpec, expected: list[dict], problems: list[CellProblem],
                budget: Budget) -> dict:
    by_code = {row["code"]: row for row in expected}
    limit = FIRST_ROW + len(expected) + MAX_EXTRA_ROWS
    if (ws.max_row or 0) > limit * 20:
        problems.append(CellProblem(spec.title, None, None, f"trang quá lớn ({ws.max_row} dòng)",
                                    f"sheet too large ({ws.max_row} rows)"))
        return {}
    ws.reset_dimensions()  # read every row, not only those inside the declared dimension
    headers = next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True), ())
    for col, column in enumerate(spec.columns):
        got = headers[col] if col < len(headers) else None
        if clean_text(got) != column.header:
            problems.append(CellProblem(spec.title, HEADER_ROW, get_column_letter(col + 1),
                                        f"tiêu đề cột bị sửa (cần «{column.header}»)",
                                        f"column header changed (expected '{column.header}')"))
    out: dict[str, dict] = {}
    seen_rows: dict[str, int] = {}
    width = len(spec.columns)
    for r, cells in enumerate(ws.iter_rows(min_row=FIRST_ROW, max_col=width), start=FIRST_ROW):
        budget.check_time()
        if r > limit:
            problems.append(CellProblem(spec.title, r, None, "quá nhiều dòng so với mẫu",
                                        "far more rows than the template has"))
            break
        cells = tuple(cells) + (None,) * (width - len(cells))
        if all(c is None or c.value in (None, "") for c in cells):
            continue
        code = clean_text(cells[0].value if cells[0] is not None else "")
        if code not in by_code:
            problems.append(CellProblem(spec.title, r, "A", f"mã «{code}» không có trong báo cáo",
                                        f"code '{code}' is not in this report"))
            continue
        if code in seen_rows:
            problems.append(CellProblem(spec.title, r, "A",
                                        f"mã «{code}» lặp lại (đã có ở dòng {seen_rows[code]})",
                                        f"code '{code}' repeated (see row {seen_rows[code]})"))
            continue
        seen_rows[code] = r
        out[code] = _read_row(spec, cells, by_code[code], r, problems)
    for code in by_code:
        if code not in seen_rows:
            problems.append(CellProblem(spec.title, None, "A", f"thiếu dòng của mã «{code}»",
                                        f"the row of code '{code}' is missing"))
    return out


def _read_row(spec: SheetSpec, cells, expected: dict, r: int,
              problems: list[CellProblem]) -> dict:
    values = {}
    for col, (column, cell) in enumerate(zip(spec.columns, cells, strict=True), start=1):
        letter = get_column_letter(col)
        raw = None if cell is None else cell.value
        if column.kind == "key":
            continue

        def add(vi: str, en: str, letter=letter) -> None:
            problems.append(CellProblem(spec.title, r, letter, vi, en))

        if column.kind == "label":
            if clean_text(raw) != clean_text(expected.get(column.field)):
                add("ô bị khóa đã bị sửa", "a locked cell was changed")
            continue
        if cell is not None and cell.data_type == "f":
            add("không được dùng công thức; hãy nhập giá trị", "formulas are not allowed")
            continue
        if column.kind == "number":
            value, problem = read_value(raw, expected["_rules"])
        elif column.kind == "status":
            _status, problem = read_status(raw)
        else:
            _text, problem = read_text(column.field, raw)
        if problem is not None:
            add(problem.vi, problem.en)
        elif column.kind == "number":
            values[column.field] = value
        else:
            values[column.field] = "" if raw is None else raw  # save_items reads it, once
    return values


def apply_upload(report: UnitReport, raw: bytes, *, by) -> int:
    """Check and save an uploaded template; returns the number of changed items."""
    from stiplan.reporting.actions import refuse_if_closed, save_items

    require(by, "reporting.edit_report", report)  # before the file is parsed
    refuse_if_closed(report.round)  # before the file is read; save_items checks again, locked
    parsed = parse_upload(report, raw)
    return save_items(report, by=by, actions=parsed.actions, indicators=parsed.indicators,
                      questions=parsed.questions, expected_version=parsed.version, source="excel")
