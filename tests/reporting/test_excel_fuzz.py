"""At least a thousand generated bad uploads of Sở Tài chính's 2025 report: every one is refused
with a message naming its place, none raises anything else (no server error), and none changes
a row, the report's version or the audit log.

The variants are made from one valid filled template by editing the parts of the .xlsx (a zip
of XML files) directly, the way a damaged, hand-edited or hostile file would arrive. Each family
below is one test; the random choices come from `random.Random` seeded per family, so every run
makes the same files. Text in a legacy font encoding is a good input (it is converted), so it is
checked apart from the bad variants and not counted with them.
"""

import hashlib
import io
import itertools
import random
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.db import transaction

from stiplan.core.models import AuditEntry
from stiplan.core.yamlio import InputError
from stiplan.reporting.actions import Conflict, open_round, save_items
from stiplan.reporting.excel import FIRST_ROW, HEADER_ROW, apply_upload, build_template, parse_upload
from stiplan.reporting.models import ActionItem, IndicatorItem, QuestionItem, UnitReport

pytestmark = pytest.mark.django_db

SEED = 20251210
ACTIONS, INDICATORS, STAMP = "Nhiệm vụ", "Chỉ tiêu", "stiplan"
PLACES = ("Trang «", "sheet '", "(tệp)")
STATUS_LABELS = ["Chưa triển khai", "Đang triển khai", "Hoàn thành", "Gặp vướng mắc"]
VALID_STATUS_FOLDS = {"chua trien khai", "dang trien khai", "hoan thanh", "gap vuong mac",
                      "not_started", "in_progress", "done", "blocked"}
INPUT_COLUMNS = {ACTIONS: "DEFGH", INDICATORS: "DEFG"}
LOCKED_COLUMNS = {ACTIONS: "BCI", INDICATORS: "BCH"}  # A, the code, has its own family (rows)
LAST_COLUMN = {ACTIONS: "I", INDICATORS: "H"}

# How many bad variants each family makes. The large-sheet family is slow, so it is small.
FAMILY_SIZES = {
    "wrong types in number cells": 90,
    "formulas in cells": 90,
    "unknown statuses": 90,
    "edited locked cells": 90,
    "extra, duplicated and deleted rows": 90,
    "renamed and deleted sheets": 90,
    "edited hidden stamp": 80,
    "very large sheets": 5,
    "broken zip bytes": 180,
    "broken parts inside the zip": 80,
    "template older than the report": 60,
    "template of another unit or round": 60,
}

M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


# --- An .xlsx as its parts ---------------------------------------------------------------------

class Book:
    """The parts of an .xlsx, editable as text; sheets are found through the workbook's rels."""

    def __init__(self, raw: bytes):
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            self.parts = {i.filename: z.read(i) for i in z.infolist()}
        workbook = ElementTree.fromstring(self.parts["xl/workbook.xml"])
        rels = ElementTree.fromstring(self.parts["xl/_rels/workbook.xml.rels"])
        targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{{{PKG}}}Relationship")}
        self.paths = {}
        for sheet in workbook.iter(f"{{{M}}}sheet"):
            target = targets[sheet.get(f"{{{R}}}id")].lstrip("/")
            self.paths[sheet.get("name")] = target if target.startswith("xl/") else "xl/" + target

    def clone(self) -> "Book":
        other = object.__new__(Book)
        other.parts, other.paths = dict(self.parts), dict(self.paths)
        return other

    def xml(self, sheet: str) -> str:
        return self.parts[self.paths[sheet]].decode()

    def put_xml(self, sheet: str, text: str) -> None:
        self.parts[self.paths[sheet]] = text.encode()

    def set_cell(self, sheet: str, ref: str, make) -> None:
        """Replace cell `ref` by make(ref, style) — the cell's XML, keeping its style."""
        text = self.xml(sheet)
        pattern = re.compile(rf'<c r="{ref}"(?=[ />])[^>]*?(?:/>|>.*?</c>)', re.S)
        found = pattern.search(text)
        assert found, f"{sheet}!{ref} is not in the template"
        style = re.search(r' s="(\d+)"', found.group(0))
        new = make(ref, style.group(1) if style else None)
        self.put_xml(sheet, text[:found.start()] + new + text[found.end():])

    def row_xml(self, sheet: str, row: int) -> str:
        return re.search(rf'<row r="{row}"[ >].*?</row>', self.xml(sheet), re.S).group(0)

    def remove_row(self, sheet: str, row: int) -> None:
        self.put_xml(sheet, self.xml(sheet).replace(self.row_xml(sheet, row), ""))

    def append_rows(self, sheet: str, rows_xml: str, last_row: int, dimension: bool = True) -> None:
        """Add rows at the end; `dimension` also updates the size the sheet declares."""
        text = self.xml(sheet).replace("</sheetData>", rows_xml + "</sheetData>")
        if dimension:
            text = re.sub(r'<dimension ref="A1:([A-Z]+)\d+"',
                          lambda m: f'<dimension ref="A1:{m.group(1)}{last_row}"', text)
        self.put_xml(sheet, text)

    def workbook_xml(self) -> str:
        return self.parts["xl/workbook.xml"].decode()

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.parts.items():
                z.writestr(name, data)
        return out.getvalue()


def text_cell(value: str):
    return lambda ref, s: (f'<c r="{ref}"{_s(s)} t="inlineStr"><is><t xml:space="preserve">'
                           f"{escape(value)}</t></is></c>")


def typed_cell(kind: str, value: str):
    """A cell of an explicit type: n (number), b (boolean), d (ISO date), e (error)."""
    return lambda ref, s: f'<c r="{ref}"{_s(s)} t="{kind}"><v>{escape(value)}</v></c>'


def formula_cell(formula: str, cached: str | None = None, extra: str = ""):
    value = "" if cached is None else f"<v>{escape(cached)}</v>"
    return lambda ref, s: f'<c r="{ref}"{_s(s)}><f{extra}>{escape(formula)}</f>{value}</c>'


def empty_cell(ref, s):
    return f'<c r="{ref}"{_s(s)}/>'


def _s(style):
    return f' s="{style}"' if style else ""


def moved_row(row_xml: str, old: int, new: int) -> str:
    row_xml = row_xml.replace(f'<row r="{old}"', f'<row r="{new}"', 1)
    return re.sub(rf'r="([A-Z]+){old}"', lambda m: f'r="{m.group(1)}{new}"', row_xml)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Mn").lower().split())


LETTERS = "abcdefghijklmnopqrstuvwyzđêơưáàạốữ"  # no "x": alone it means "no value"
NUMBER_NOISE = LETTERS + "0123456789.,%-+ "


def random_word(rng: random.Random, alphabet: str = NUMBER_NOISE) -> str:
    """A short word holding at least one letter (so never a number, nor a no-value marker)."""
    while True:
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 14))).strip()
        if any(ch in LETTERS for ch in word) and len(word) > 1:
            return word


# --- The report, its valid filled template, and what must not change ---------------------------

@dataclass
class Setup:
    report: UnitReport
    reporter: object
    plan: object
    base: Book  # a valid, filled template of the current version
    base_raw: bytes
    codes: dict  # sheet -> codes in row order
    bounds: dict  # indicator code -> (min, max, count-valued?)
    extras: dict = field(default_factory=dict)

    def row(self, sheet: str, code: str) -> int:
        return FIRST_ROW + self.codes[sheet].index(code)

    def rows(self, sheet: str) -> range:
        return range(FIRST_ROW, FIRST_ROW + len(self.codes[sheet]))

    def varied(self, rng: random.Random) -> Book:
        """The valid base with one more good answer, so no two variants are the same file."""
        book = self.base.clone()
        book.set_cell(ACTIONS, f"G{rng.choice(self.rows(ACTIONS))}",
                      text_cell("Khó khăn: " + random_word(rng, LETTERS + " ")))
        return book


def fill_valid(raw: bytes) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    ws = wb[ACTIONS]
    for n, r in enumerate(range(FIRST_ROW, ws.max_row + 1)):
        if ws.cell(r, 1).value:
            ws[f"D{r}"] = STATUS_LABELS[n % 3]
            ws[f"E{r}"] = f"Đã triển khai nội dung {n}"
    ws = wb[INDICATORS]
    for n, r in enumerate(range(FIRST_ROW, ws.max_row + 1)):
        if ws.cell(r, 1).value:
            ws[f"D{r}"] = str(n + 1)
            ws[f"E{r}"] = "Cục Thống kê"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def item_codes(report) -> dict:
    return {ACTIONS: [i.action.code for i in report.action_items.select_related("action")],
            INDICATORS: [i.indicator.code for i in report.indicator_items.select_related("indicator")]}


@pytest.fixture
def setup(plan, django_user_model):
    round_ = open_round(plan, kind="annual", year=2025, deadline=date(2025, 12, 10),
                        opened_on=date(2025, 11, 1), by=None)
    report = round_.reports.get(unit__code="VL25.STC")
    raw = fill_valid(build_template(report))
    parse_upload(report, raw)  # control: the base itself is a good upload
    items = list(report.indicator_items.select_related("indicator"))
    return Setup(
        report=report, reporter=django_user_model.objects.get(username="baocao.stc"), plan=plan,
        base=Book(raw), base_raw=raw, codes=item_codes(report),
        bounds={i.indicator.code: (i.min_value, i.max_value, i.indicator.value_type == "count")
                for i in items},
        extras={"round": round_},
    )


def fingerprint(report_pk: int) -> str:
    """The report's version, every field of every item, and the size of the audit log."""
    parts = [
        UnitReport.objects.filter(pk=report_pk).values_list("version", "state").get(),
        list(ActionItem.objects.filter(report_id=report_pk).order_by("pk").values_list(
            "status", "done", "results", "difficulties", "proposals", "review_comment",
            "needs_fix", "changed_version")),
        list(IndicatorItem.objects.filter(report_id=report_pk).order_by("pk").values_list(
            "value", "source", "note", "explanation", "review_comment", "needs_fix",
            "changed_version")),
        list(QuestionItem.objects.filter(report_id=report_pk).order_by("pk").values_list(
            "answer", "changed_version")),
        AuditEntry.objects.count(),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def what_went_wrong(report, raw: bytes, by, *, conflict_ok: bool = False) -> str | None:
    """None when the upload is refused as it should be; else what happened instead."""
    try:
        changed = apply_upload(report, raw, by=by)
    except InputError as exc:
        text = str(exc)
        if not text.strip():
            return "refused without a message"
        if not any(place in text for place in PLACES):
            return f"refused without naming a place: {text[:150]!r}"
        return None
    except Conflict as exc:
        if conflict_ok and str(exc).strip():
            return None
        return f"Conflict instead of a refusal: {str(exc)[:150]!r}"
    except Exception as exc:  # noqa: BLE001 - any other exception is a server error
        return f"server error {type(exc).__name__}: {str(exc)[:150]!r}"
    return f"accepted ({changed} items changed)"


def check_all_refused(s: Setup, variants, *, report=None, conflict_ok=False) -> list[str]:
    """What went wrong with each variant. Each upload runs in a savepoint rolled back after it,
    so one wrongly accepted file cannot make the next ones fail for another reason."""
    report = report or s.report
    before = fingerprint(s.report.pk)
    failures = []
    for n, (kind, raw) in enumerate(variants):
        savepoint = transaction.savepoint()
        try:
            problem = what_went_wrong(report, raw, s.reporter, conflict_ok=conflict_ok)
            if fingerprint(s.report.pk) != before:
                problem = (problem or "refused") + ", and the report changed"
        finally:
            transaction.savepoint_rollback(savepoint)
        if problem:
            failures.append(f"#{n} [{kind}] {problem}")
    return failures


def summary(failures: list[str], total: int) -> str:
    kinds: dict[str, int] = {}
    for f in failures:
        key = f.split("] ", 1)[0].split("[", 1)[1] + " → " + f.split("] ", 1)[1][:70]
        kinds[key] = kinds.get(key, 0) + 1
    lines = [f"{len(failures)} of {total} bad uploads were not refused properly:"]
    lines += [f"  {n:4d} × {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:20]]
    lines += ["first ones:"] + [f"  {f}" for f in failures[:8]]
    return "\n".join(lines)


# --- Generators, one per family ----------------------------------------------------------------

BAD_NUMBER_TEXTS = ["mười hai", "12a", "1,2,3", "1.2.3,4", "1e400", "-1e400", "1E5x", "∞", "NaN",
                    "Infinity", "12/12/2025", "TRUE", "0x1F", "--", "12 tỷ", "một trăm", "½",
                    "١٢", "1,5,0", "1..2", ",,", "5-5", "++", "(", "1.234.5", "#N/A", "null"]
FORMULAS = ["1+1", "SUM(A1:A2)", 'HYPERLINK("http://x","y")', "cmd|' /C calc'!A0", "NOW()",
            "D6*2", "'Chỉ tiêu'!D6", 'IMPORTXML("http://x","//a")', 'A1&"x"', "RAND()",
            'WEBSERVICE("http://x")', "1/0", "VLOOKUP(A6,A:B,2,0)"]
BAD_STATUSES = ["Xong rồi", "done!", "Hoàn thành 100%", "?", "Đã xong", "Chưa", "Hoàn",
                "Hoàn thành, Đang triển khai", "đang làm", "Completed", "in progress!",
                "Gặp khó khăn", "N/A", "OK", "Tạm dừng", "Hủy", "50%", "Chưa triển khai xong"]


def bad_number(kind: str, rng: random.Random, high) -> object:
    """A value that is no good in a number cell whose upper bound is `high`."""
    if kind == "text":
        return text_cell(rng.choice(BAD_NUMBER_TEXTS))
    if kind == "random text":
        return text_cell(random_word(rng))
    if kind == "date":
        return typed_cell("d", f"20{rng.randint(10, 30)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
                               "T00:00:00")
    if kind == "boolean":
        return typed_cell("b", rng.choice("01"))
    if kind == "error":
        return typed_cell("e", rng.choice(["#DIV/0!", "#N/A", "#VALUE!", "#REF!"]))
    if kind == "infinite":
        return typed_cell("n", rng.choice(["1e400", "-1E+400", "1.5e999"]))
    if kind == "huge text":
        return text_cell(rng.choice(["9" * rng.randint(21, 60), "1" + "0" * rng.randint(20, 40)]))
    if kind == "negative text":
        return text_cell(rng.choice(["-1", "-0,5", "(3)", "- 7", "-1.234,5",
                                     f"-{rng.randint(1, 10**6)}"]))
    if kind == "negative number":
        return typed_cell("n", f"-{rng.randint(1, 10**6)}.{rng.randint(1, 99)}")
    if kind == "above the bound":
        return rng.choice([typed_cell("n", str(high + rng.randint(1, 10**6))),
                           text_cell(f"{int(high) + rng.randint(1, 999)}"),
                           typed_cell("n", f"{rng.randint(2, 9)}E+{rng.randint(12, 300)}")])
    assert kind == "fraction in a count"
    return rng.choice([text_cell(f"{rng.randint(0, 150)},{rng.randint(1, 9)}"),
                       typed_cell("n", f"{rng.randint(0, 150)}.{rng.randint(1, 9)}"),
                       text_cell(f"{rng.randint(0, 150)}.{rng.randint(1, 9)}")])


def gen_number_cells(s: Setup, rng: random.Random):
    count_codes = [c for c, (_lo, _hi, whole) in s.bounds.items() if whole]
    kinds = ["text", "random text", "date", "boolean", "error", "infinite", "huge text",
             "negative text", "negative number", "above the bound", "fraction in a count"]
    for n in range(FAMILY_SIZES["wrong types in number cells"]):
        kind = kinds[n % len(kinds)]
        code = rng.choice(count_codes if kind == "fraction in a count" else s.codes[INDICATORS])
        _low, high, _whole = s.bounds[code]
        book = s.varied(rng)
        book.set_cell(INDICATORS, f"D{s.row(INDICATORS, code)}", bad_number(kind, rng, high))
        yield f"{kind} in {code}", book.to_bytes()


def gen_formulas(s: Setup, rng: random.Random):
    for n in range(FAMILY_SIZES["formulas in cells"]):
        sheet = rng.choice([ACTIONS, INDICATORS])
        row = rng.choice(s.rows(sheet))
        column = rng.choice(INPUT_COLUMNS[sheet]) if n % 5 else rng.choice("ABC")
        formula = rng.choice(FORMULAS)
        make = [formula_cell(formula),
                formula_cell(formula, cached=str(rng.randint(0, 100))),
                formula_cell(formula, extra=f' t="array" ref="{column}{row}"', cached="1"),
                formula_cell(formula, extra=f' t="shared" ref="{column}{row}" si="0"', cached="2"),
                ][n % 4]
        book = s.varied(rng)
        book.set_cell(sheet, f"{column}{row}", make)
        yield f"formula in {sheet}!{column}", book.to_bytes()


def gen_statuses(s: Setup, rng: random.Random):
    for n in range(FAMILY_SIZES["unknown statuses"]):
        kind = ["listed", "random", "label plus", "number", "other type"][n % 5]
        if kind == "listed":
            make = text_cell(rng.choice(BAD_STATUSES))
        elif kind == "random":
            word = random_word(rng, LETTERS + " ")
            while fold(word) in VALID_STATUS_FOLDS:
                word = random_word(rng, LETTERS + " ")
            make = text_cell(word)
        elif kind == "label plus":
            make = text_cell(rng.choice(STATUS_LABELS) + rng.choice([" 2", "!", " nữa", "."]))
        elif kind == "number":
            make = typed_cell("n", str(rng.randint(1, 4)))
        else:
            make = rng.choice([typed_cell("b", "1"), typed_cell("e", "#N/A"),
                               typed_cell("d", "2025-12-10T00:00:00")])
        book = s.varied(rng)
        book.set_cell(ACTIONS, f"D{rng.choice(s.rows(ACTIONS))}", make)
        yield f"status: {kind}", book.to_bytes()


def gen_locked_cells(s: Setup, rng: random.Random):
    for n in range(FAMILY_SIZES["edited locked cells"]):
        sheet = rng.choice([ACTIONS, INDICATORS])
        column = LOCKED_COLUMNS[sheet][n % 3]
        row = rng.choice(s.rows(sheet))
        if column == LAST_COLUMN[sheet]:  # the Department's comment: empty in the template
            make = rng.choice([text_cell("Đã xem, đồng ý " + random_word(rng, LETTERS)),
                               typed_cell("n", str(rng.randint(1, 99))), typed_cell("b", "1")])
        else:
            make = rng.choice([text_cell("Sửa: " + random_word(rng, LETTERS + " ")), empty_cell,
                               typed_cell("n", str(rng.randint(1, 99))),
                               text_cell(rng.choice(["Chủ trì", "Phối hợp", "đồng", "%"])
                                         + " " + random_word(rng, LETTERS))])
        book = s.varied(rng)
        book.set_cell(sheet, f"{column}{row}", make)
        yield f"locked {sheet}!{column}", book.to_bytes()


def gen_rows(s: Setup, rng: random.Random):
    kinds = ["deleted", "duplicated", "duplicated with other values", "unknown code appended",
             "code cleared", "code of another row", "code of the other sheet", "code in lowercase",
             "row without code appended"]
    for n in range(FAMILY_SIZES["extra, duplicated and deleted rows"]):
        kind = kinds[n % len(kinds)]
        sheet = rng.choice([ACTIONS, INDICATORS])
        other = INDICATORS if sheet == ACTIONS else ACTIONS
        rows = s.rows(sheet)
        row, last = rng.choice(rows), rows[-1]
        new = last + 1 + rng.randint(0, 5)
        book = s.varied(rng)
        if kind == "deleted":
            book.remove_row(sheet, row)
        elif kind.startswith("duplicated"):
            book.append_rows(sheet, moved_row(book.row_xml(sheet, row), row, new), new)
            if kind.endswith("values"):
                book.set_cell(sheet, f"E{new}", text_cell("Bản sao " + random_word(rng, LETTERS)))
        elif kind == "unknown code appended":
            book.append_rows(sheet, moved_row(book.row_xml(sheet, row), row, new), new)
            book.set_cell(sheet, f"A{new}", text_cell(rng.choice(
                [f"X.{n}", "III.1.99", random_word(rng, LETTERS), "rd_private_spending"])))
        elif kind == "code cleared":
            book.set_cell(sheet, f"A{row}", empty_cell)
        elif kind == "code of another row":
            code = rng.choice([c for c in s.codes[sheet] if c != s.codes[sheet][row - FIRST_ROW]])
            book.set_cell(sheet, f"A{row}", text_cell(code))
        elif kind == "code of the other sheet":
            book.set_cell(sheet, f"A{row}", text_cell(rng.choice(s.codes[other])))
        elif kind == "code in lowercase":
            code = s.codes[sheet][row - FIRST_ROW]
            book.set_cell(sheet, f"A{row}", text_cell(code.lower() if code.lower() != code
                                                      else code.upper()))
        else:
            book.append_rows(sheet, f'<row r="{new}"><c r="E{new}" t="inlineStr"><is><t>'
                                    f"{escape(random_word(rng, LETTERS))}</t></is></c></row>", new)
        yield f"{kind} in {sheet}", book.to_bytes()


def gen_sheets(s: Setup, rng: random.Random):
    kinds = ["data sheet renamed", "data sheet deleted", "data sheets swapped", "header edited",
             "header row deleted", "stamp sheet renamed", "stamp sheet deleted",
             "data sheet renamed to the stamp's name", "stamp renamed to a data sheet's name"]
    for n in range(FAMILY_SIZES["renamed and deleted sheets"]):
        kind = kinds[n % len(kinds)]
        sheet = rng.choice([ACTIONS, INDICATORS])
        book = s.varied(rng)
        wb_xml = book.workbook_xml()
        if kind == "data sheet renamed":
            new = rng.choice([f"{sheet} (2)", sheet.upper(), fold(sheet), "Sheet1",
                              random_word(rng, LETTERS)])
            wb_xml = wb_xml.replace(f'name="{sheet}"', f'name="{escape(new)}"')
        elif kind == "data sheet deleted":
            wb_xml = re.sub(rf'<sheet [^>]*name="{sheet}"[^>]*/>', "", wb_xml)
        elif kind == "data sheets swapped":
            wb_xml = (wb_xml.replace(f'name="{ACTIONS}"', 'name="@@"')
                      .replace(f'name="{INDICATORS}"', f'name="{ACTIONS}"')
                      .replace('name="@@"', f'name="{INDICATORS}"'))
        elif kind == "header edited":
            column = rng.choice("ABCDEFGH")
            book.set_cell(sheet, f"{column}{HEADER_ROW}", rng.choice(
                [text_cell(random_word(rng, LETTERS + " ")), empty_cell,
                 typed_cell("n", str(rng.randint(0, 9)))]))
        elif kind == "header row deleted":
            book.remove_row(sheet, HEADER_ROW)
        elif kind == "stamp sheet renamed":
            wb_xml = wb_xml.replace(f'name="{STAMP}"',
                                    f'name="{rng.choice(["Stiplan", "dấu", "x", "stiplan2"])}"')
        elif kind == "stamp sheet deleted":
            wb_xml = re.sub(rf'<sheet [^>]*name="{STAMP}"[^>]*/>', "", wb_xml)
        elif kind == "data sheet renamed to the stamp's name":
            wb_xml = re.sub(rf'<sheet [^>]*name="{STAMP}"[^>]*/>', "", wb_xml)
            wb_xml = wb_xml.replace(f'name="{sheet}"', f'name="{STAMP}"')
        else:
            wb_xml = re.sub(rf'<sheet [^>]*name="{sheet}"[^>]*/>', "", wb_xml)
            wb_xml = wb_xml.replace(f'name="{STAMP}"', f'name="{sheet}"')
        book.parts["xl/workbook.xml"] = wb_xml.encode()
        yield kind, book.to_bytes()


def gen_stamps(s: Setup, rng: random.Random):
    stamp_xml = s.base.xml(STAMP)
    body = re.search(r'<c r="B1".*?<t[^>]*>(.*?)</t>', stamp_xml, re.S).group(1)
    body = body.replace("&quot;", '"')
    signature = re.search(r'<c r="B2".*?<t[^>]*>(.*?)</t>', stamp_xml, re.S).group(1)

    def other_hex(sig):
        i = rng.randrange(len(sig))
        return sig[:i] + rng.choice([c for c in "0123456789abcdef" if c != sig[i]]) + sig[i + 1:]

    kinds = {
        "version changed": lambda: ("B1", text_cell(re.sub(
            r'"version": \d+', f'"version": {rng.randint(2, 99)}', body))),
        "report id changed": lambda: ("B1", text_cell(body.replace(
            '"report": ', f'"report": {rng.randint(1, 9)}'))),
        "unit changed": lambda: ("B1", text_cell(body.replace(
            "VL25.STC", rng.choice(["VL25.SGDDT", "VL25.SKHCN", "VL.STC"])))),
        "body with a space": lambda: ("B1", text_cell(" " * rng.randint(1, 3) + body)),
        "body not JSON": lambda: ("B1", text_cell(random_word(rng, LETTERS + '{}:"'))),
        "signature digit changed": lambda: ("B2", text_cell(other_hex(signature))),
        "signature in capitals": lambda: ("B2", text_cell(signature.upper())),
        "signature cut": lambda: ("B2", text_cell(signature[:rng.randint(0, 63)])),
        "signature a number": lambda: ("B2", typed_cell("n", str(rng.randint(0, 10**9)))),
        "label renamed": lambda: (rng.choice(["A1", "A2"]), text_cell(rng.choice(
            ["Stamp", "chữ ký", "signature ", ""]))),
        "signature in Vietnamese": lambda: ("B2", text_cell(rng.choice(
            ["chữ ký", "đã ký", signature[:60] + "ạ"]))),
    }
    names = list(kinds)
    for n in range(FAMILY_SIZES["edited hidden stamp"]):
        name = names[n % len(names)]
        ref, make = kinds[name]()
        book = s.varied(rng)
        book.set_cell(STAMP, ref, make)
        yield name, book.to_bytes()


def gen_large(s: Setup, rng: random.Random):
    def rows(start, count, sheet):
        return "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{s.codes[sheet][r % 3]}'
                       f'</t></is></c><c r="D{r}" t="n"><v>{r}</v></c></row>'
                       for r in range(start, start + count))

    for sheet, count, dimension in [
            (INDICATORS, 50_000, True), (ACTIONS, 50_000, True), (INDICATORS, 50_000, False),
            (ACTIONS, 20_000, False), (INDICATORS, 1, True)]:
        book = s.varied(rng)
        start = s.rows(sheet)[-1] + 1 if count > 1 else 1_048_576
        book.append_rows(sheet, rows(start, count, sheet), start + count - 1, dimension=dimension)
        declared = "" if dimension else " (its declared size left as it was)"
        yield f"{count} rows appended to {sheet}{declared}", book.to_bytes()


def _entries(raw: bytes) -> list[tuple[int, int, str]]:
    """(central directory entry offset, local header offset, name) of each zip member."""
    end = raw.rfind(b"PK\x05\x06")
    count, = struct.unpack_from("<H", raw, end + 10)
    at, = struct.unpack_from("<I", raw, end + 16)
    entries = []
    for _ in range(count):
        assert raw[at:at + 4] == b"PK\x01\x02"
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", raw, at + 28)
        local, = struct.unpack_from("<I", raw, at + 42)
        entries.append((at, local, raw[at + 46:at + 46 + name_len].decode()))
        at += 46 + name_len + extra_len + comment_len
    return entries


def _harmless(raw: bytes, good: dict) -> bool:
    """The bytes changed, but the archive still holds exactly the same parts."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return {i.filename: z.read(i) for i in z.infolist()} == good
    except Exception:  # noqa: BLE001
        return False


def gen_zip_bytes(s: Setup, rng: random.Random):
    kinds = ["truncated", "bytes flipped", "random bytes", "random bytes after a zip signature",
             "no xl/workbook.xml", "member declared huge", "too many members",
             "member marked encrypted", "member with an unknown compression", "empty file",
             "member inflating past the limit"]
    once = {"empty file", "member inflating past the limit"}  # one of each is enough
    for n in range(FAMILY_SIZES["broken zip bytes"]):
        kind = kinds[n % len(kinds)]
        if kind in once and n > len(kinds):
            kind = "bytes flipped"
        book = s.varied(rng)
        good = book.to_bytes()
        entries = _entries(good)
        # The parts every reader must open: damage elsewhere (docProps, theme) may go unnoticed.
        needed = [e for e in entries if e[2] in (
            "xl/workbook.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels",
            *book.paths.values())]
        if kind == "empty file":
            raw = b""
        elif kind == "truncated":
            raw = good[:rng.randrange(1, len(good) - 1)]
        elif kind == "bytes flipped":
            starts = sorted(local for _c, local, _n in entries) + [entries[0][0]]
            while True:
                flipped = bytearray(good)
                _entry, local, _name = rng.choice(needed)
                end = starts[starts.index(local) + 1]
                for _ in range(rng.randint(1, 12)):
                    flipped[rng.randrange(local, end)] ^= rng.randrange(1, 256)
                if not _harmless(bytes(flipped), book.parts):
                    break
            raw = bytes(flipped)
        elif kind == "random bytes":
            raw = rng.randbytes(rng.randint(1, 6000))
        elif kind == "random bytes after a zip signature":
            raw = b"PK\x03\x04" + rng.randbytes(rng.randint(0, 6000))
        elif kind == "no xl/workbook.xml":
            workbook = book.parts.pop("xl/workbook.xml")
            if n % 2:
                book.parts["xl/Workbook.xml"] = workbook
            raw = book.to_bytes()
        elif kind == "member declared huge":
            entry, _local, _name = rng.choice(entries)
            patched = bytearray(good)
            struct.pack_into("<I", patched, entry + 24, rng.randint(101 * 2**20, 2**32 - 1))
            raw = bytes(patched)
        elif kind == "member inflating past the limit":  # declared truly: 120 MB of zeros
            book.parts["xl/media/filler.bin"] = bytes(120 * 2**20)
            raw = book.to_bytes()
        elif kind == "too many members":
            for i in range(2001 + rng.randint(0, 50)):
                book.parts[f"customXml/item{i}.xml"] = b"<a/>"
            raw = book.to_bytes()
        elif kind == "member marked encrypted":
            entry, local, _name = rng.choice(needed)
            patched = bytearray(good)
            patched[entry + 8] |= 1
            patched[local + 6] |= 1
            raw = bytes(patched)
        else:  # unknown compression method
            entry, local, _name = rng.choice(needed)
            patched = bytearray(good)
            method = rng.choice([1, 6, 9, 97, 98, 99])
            struct.pack_into("<H", patched, entry + 10, method)
            struct.pack_into("<H", patched, local + 8, method)
            raw = bytes(patched)
        yield kind, raw


ENTITY_BOMB = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 '
               '"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 '
               '"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


def gen_broken_parts(s: Setup, rng: random.Random):
    """Well-formed zips whose XML parts are not: cut short, garbled, not UTF-8, hostile."""
    sheets = [s.base.paths[ACTIONS], s.base.paths[INDICATORS], s.base.paths[STAMP]]
    targets = sheets + ["xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml",
                        "xl/_rels/workbook.xml.rels"]
    kinds = ["XML cut short", "markup garbage inserted", "not UTF-8", "entity expansion",
             "undefined entity in a cell", "number cell holding letters",
             "shared string that does not exist", "empty part"]
    for n in range(FAMILY_SIZES["broken parts inside the zip"]):
        kind = kinds[n % len(kinds)]
        book = s.varied(rng)
        part = rng.choice(targets if n % 3 else sheets)
        data = book.parts[part]
        if kind == "XML cut short":
            data = data[:rng.randrange(1, len(data) - 1)]
        elif kind == "markup garbage inserted":
            at = rng.randrange(len(data))
            data = data[:at] + rng.choice([b"<<", b"</c>", b"<x", b"&", b"]]>"]) + data[at:]
        elif kind == "not UTF-8":  # a byte sequence that is not UTF-8, in a text node
            part = rng.choice(sheets)
            data = book.parts[part].replace(
                b"<t>", rng.choice([b"<t>\xc3\x28", b"<t>\xff", b"<t>\xe2\x82"]), 1)
        elif kind == "entity expansion":
            part = rng.choice(sheets[:2])
            text = book.parts[part].decode()
            text = text.replace("Cục Thống kê", "&lol3;").replace(">Đã triển khai", ">&lol3;")
            data = (ENTITY_BOMB + text).encode()
        elif kind == "undefined entity in a cell":
            part = rng.choice(sheets)
            data = book.parts[part].replace(b"<t>", b"<t>&nbsp;", 1)
        elif kind == "number cell holding letters":
            part = s.base.paths[INDICATORS]
            data = re.sub(rb'(<c r="D(?:[6-9]|[1-9]\d)"[^>]*?)(?: t="[a-zA-Z]+")?(?:/>|>.*?</c>)',
                          lambda m: m.group(1) + b' t="n"><v>' + random_word(rng, LETTERS).encode()
                          + b"</v></c>", book.parts[part], count=1, flags=re.S)
        elif kind == "shared string that does not exist":  # the template has no string table
            part = rng.choice(sheets[:2])
            data = re.sub(rb'<c r="E([6-9]|[1-9]\d)"([^>]*?) t="inlineStr"><is>.*?</is></c>',
                          lambda m: b'<c r="E' + m.group(1) + b'"' + m.group(2) + b' t="s"><v>'
                          + str(rng.randint(0, 999)).encode() + b"</v></c>",
                          book.parts[part], count=1, flags=re.S)
        else:
            data = b""
        assert data != s.base.parts[part], f"{kind} changed {part}"
        book.parts[part] = data
        yield f"{kind} in {part}", book.to_bytes()


def valid_edit(book: Book, rng: random.Random, codes: dict) -> None:
    """A change a unit may make: another status, a number in bounds, a narrative."""
    choice = rng.randrange(3)
    if choice == 0:
        r = FIRST_ROW + rng.randrange(len(codes[ACTIONS]))
        book.set_cell(ACTIONS, f"D{r}", text_cell(rng.choice(STATUS_LABELS[:3])))
    elif choice == 1:
        r = FIRST_ROW + rng.randrange(len(codes[ACTIONS]))
        book.set_cell(ACTIONS, f"F{r}", text_cell("Kết quả " + random_word(rng, LETTERS)))
    else:
        r = FIRST_ROW + rng.randrange(len(codes[INDICATORS]))
        book.set_cell(INDICATORS, f"D{r}", text_cell(str(rng.randint(0, 100))))


# --- The bad families ------------------------------------------------------------------------

GENERATORS = {
    "wrong types in number cells": gen_number_cells,
    "formulas in cells": gen_formulas,
    "unknown statuses": gen_statuses,
    "edited locked cells": gen_locked_cells,
    "extra, duplicated and deleted rows": gen_rows,
    "renamed and deleted sheets": gen_sheets,
    "edited hidden stamp": gen_stamps,
    "very large sheets": gen_large,
    "broken zip bytes": gen_zip_bytes,
    "broken parts inside the zip": gen_broken_parts,
}


def test_the_fuzz_makes_at_least_a_thousand_bad_uploads_in_roughly_equal_families():
    total = sum(FAMILY_SIZES.values())
    print(f"\n{total} bad uploads in {len(FAMILY_SIZES)} families: {FAMILY_SIZES}")
    assert total >= 1000
    assert set(GENERATORS) | {"template older than the report",
                              "template of another unit or round"} == set(FAMILY_SIZES)
    assert all(n >= 50 for name, n in FAMILY_SIZES.items() if name != "very large sheets")


@pytest.mark.parametrize("family", list(GENERATORS))
def test_every_bad_upload_is_refused_with_a_place_and_changes_nothing(setup, family):
    rng = random.Random(f"{SEED}:{family}")
    variants = list(GENERATORS[family](setup, rng))

    failures = check_all_refused(setup, variants)

    print(f"\n{family}: {len(variants)} bad uploads, {len(failures)} not refused properly")
    assert len(variants) == FAMILY_SIZES[family]
    assert len({hashlib.sha256(raw).digest() for _kind, raw in variants}) >= 0.95 * len(variants)
    assert not failures, summary(failures, len(variants))


def test_a_template_older_than_the_report_is_refused_and_changes_nothing(setup):
    rng = random.Random(f"{SEED}:old")
    s = setup
    untouched = build_template(s.report)
    variants = [("filled, as downloaded", s.base_raw), ("untouched", untouched)]
    while len(variants) < FAMILY_SIZES["template older than the report"]:
        book = Book(s.base_raw if len(variants) % 2 else untouched)
        for _ in range(rng.randint(1, 4)):
            valid_edit(book, rng, s.codes)
        variants.append(("with good edits", book.to_bytes()))
    # The report changes on the web after those templates were downloaded.
    save_items(s.report, by=None, actions={s.codes[ACTIONS][0]: {"done": "Sửa trên trang web"}})

    fresh = UnitReport.objects.get(pk=s.report.pk)  # as the upload page loads it
    failures = check_all_refused(s, variants[::2], report=fresh)
    # A caller still holding the report as it was may meet the change only when saving.
    failures += check_all_refused(s, variants[1::2], report=s.report, conflict_ok=True)

    print(f"\nolder templates: {len(variants)} bad uploads, {len(failures)} not refused properly")
    assert len(variants) == FAMILY_SIZES["template older than the report"]
    assert not failures, summary(failures, len(variants))


def test_a_template_of_another_unit_or_round_is_refused_and_changes_nothing(setup):
    rng = random.Random(f"{SEED}:foreign")
    s = setup
    sgddt = s.extras["round"].reports.get(unit__code="VL25.SGDDT")
    next_year = open_round(s.plan, kind="annual", year=2026, deadline=date(2026, 12, 10),
                           opened_on=date(2026, 11, 1), by=None)
    stc_2026 = next_year.reports.get(unit__code="VL25.STC")
    sources = [("VL25.SGDDT, 2025", fill_valid(build_template(sgddt)), item_codes(sgddt)),
               ("VL25.STC, 2026", fill_valid(build_template(stc_2026)), item_codes(stc_2026))]
    variants = []
    while len(variants) < FAMILY_SIZES["template of another unit or round"]:
        name, raw, codes = sources[len(variants) % 2]
        book = Book(raw)
        for _ in range(rng.randint(0, 3)):
            valid_edit(book, rng, codes)
        variants.append((name, book.to_bytes()))

    failures = check_all_refused(s, variants)

    print(f"\nforeign templates: {len(variants)} bad uploads, {len(failures)} not refused properly")
    assert not failures, summary(failures, len(variants))


def test_bad_uploads_through_the_page_redirect_with_a_message_and_change_nothing(setup, client):
    s = setup
    client.force_login(s.reporter)
    variants = []
    for family, generate in GENERATORS.items():
        picked = itertools.islice(generate(s, random.Random(f"{SEED}:page:{family}")), 0, 10, 2)
        variants += [(f"{family}: {kind}", raw) for kind, raw in picked]
    before = fingerprint(s.report.pk)
    failures = []
    for kind, raw in variants:
        upload = io.BytesIO(raw)
        upload.name = "bao-cao.xlsx"
        savepoint = transaction.savepoint()
        try:
            response = client.post(f"/reporting/reports/{s.report.pk}/upload/", {"file": upload})
        except Exception as exc:  # noqa: BLE001 - the test client re-raises a view's exception
            failures.append(f"[{kind}] server error {type(exc).__name__}: {str(exc)[:100]!r}")
            response = None
        if response is not None:
            errors = [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
            if response.status_code != 302:
                failures.append(f"[{kind}] answered {response.status_code}")
            elif not errors:
                failures.append(f"[{kind}] redirected without an error message")
        if fingerprint(s.report.pk) != before:
            failures.append(f"[{kind}] the report changed")
        transaction.savepoint_rollback(savepoint)

    print(f"\nthrough the page: {len(variants)} bad uploads, {len(failures)} not handled")
    assert len(variants) >= 45
    assert not failures, "\n".join(failures[:20])


# --- Good uploads that look strange: legacy font encodings ------------------------------------

TCVN3 = dict(zip(
    "àáảãạăằắẳẵặâầấẩẫậđĐèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ",
    "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®§ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ", strict=True))
ACUTE, GRAVE, HOOK, TILDE, DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
VNI_TONE = {ACUTE: "ù", GRAVE: "ø", HOOK: "û", TILDE: "õ", DOT: "ï"}
VNI_TONE_I = {ACUTE: "í", GRAVE: "ì", HOOK: "æ", TILDE: "ó", DOT: "ò"}
VNI_CIRCUMFLEX = {None: "â", ACUTE: "á", GRAVE: "à", HOOK: "å", TILDE: "ã", DOT: "ä"}
VNI_BREVE = {None: "ê", ACUTE: "é", GRAVE: "è", HOOK: "ú", TILDE: "ü", DOT: "ë"}
PHRASES = ["Sở Tài chính đã triển khai", "Đã hoàn thành kế hoạch năm",
           "Khó khăn về kinh phí thực hiện", "Đề nghị bổ sung nguồn vốn",
           "Tổ chức hội thảo khoa học", "Số liệu của Cục Thống kê", "Đào tạo nguồn nhân lực",
           "Hỗ trợ doanh nghiệp đổi mới sáng tạo", "Chưa bố trí được kinh phí",
           "Đang xây dựng đề án", "Nghiên cứu khoa học và phát triển công nghệ",
           "Triển khai ứng dụng công nghệ số"]


def to_tcvn3(text: str) -> str:
    """Unicode → TCVN3 (ABC) as the font shows it in a Latin-1 cell (lowercase tones only)."""
    return "".join(TCVN3.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def to_vni(text: str) -> str:
    """Unicode → VNI: base letter, then one accent character."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in "đĐ":
            out.append("ñ" if ch == "đ" else "Ñ")
            continue
        base, *marks = unicodedata.normalize("NFD", ch)
        tone = next((m for m in marks if m in VNI_TONE), None)
        cased = str.upper if base.isupper() else str
        if "\u031b" in marks:  # horn: ơ, ư are letters of their own
            base = {"o": "ô", "u": "ö", "O": "Ô", "U": "Ö"}[base]
        if "\u0302" in marks:
            out.append(base + cased(VNI_CIRCUMFLEX[tone]))
        elif "\u0306" in marks:
            out.append(base + cased(VNI_BREVE[tone]))
        elif tone and base in "iI":
            out.append(cased(VNI_TONE_I[tone]))
        elif tone:
            out.append(base + cased(VNI_TONE[tone]))
        else:
            out.append(base)
    return "".join(out)


FIELDS = {ACTIONS: {"E": "done", "F": "results", "G": "difficulties", "H": "proposals"},
          INDICATORS: {"E": "source", "F": "note", "G": "explanation"}}


def test_text_in_legacy_encodings_is_accepted_and_converted(setup):
    """Not counted with the bad uploads: these are good files, converted to Unicode NFC."""
    rng = random.Random(f"{SEED}:legacy")
    s = setup
    encodings = {"tcvn3": to_tcvn3, "vni": to_vni,
                 "nfd": lambda t: unicodedata.normalize("NFD", t)}
    failures = []
    for n in range(15):
        report = UnitReport.objects.get(pk=s.report.pk)
        book = Book(build_template(report))
        encoding = list(encodings)[n % 3]
        phrase = rng.choice(PHRASES)
        sheet = rng.choice([ACTIONS, INDICATORS])
        column = rng.choice(list(FIELDS[sheet]))
        row = rng.choice(s.rows(sheet))
        book.set_cell(sheet, f"{column}{row}", text_cell(encodings[encoding](phrase)))
        try:
            apply_upload(report, book.to_bytes(), by=s.reporter)
        except Exception as exc:  # noqa: BLE001
            failures.append(f"{encoding} {phrase!r}: {type(exc).__name__}: {str(exc)[:100]}")
            continue
        code = s.codes[sheet][row - FIRST_ROW]
        item = (ActionItem.objects.get(report=report, action__code=code) if sheet == ACTIONS
                else IndicatorItem.objects.get(report=report, indicator__code=code))
        if getattr(item, FIELDS[sheet][column]) != phrase:
            failures.append(f"{encoding} {phrase!r} saved as {getattr(item, FIELDS[sheet][column])!r}")
    assert not failures, "\n".join(failures)


def test_utf8_read_as_latin1_is_never_a_server_error(setup):
    """Mojibake cannot be told from odd text: it may be saved, but never breaks the upload."""
    rng = random.Random(f"{SEED}:mojibake")
    s = setup
    for _ in range(8):
        report = UnitReport.objects.get(pk=s.report.pk)
        book = Book(build_template(report))
        garbled = rng.choice(PHRASES).encode("utf-8").decode("cp1252", errors="replace")
        row = rng.choice(s.rows(ACTIONS))
        book.set_cell(ACTIONS, f"E{row}", text_cell(garbled))
        try:
            apply_upload(report, book.to_bytes(), by=s.reporter)
        except InputError as exc:
            assert any(place in str(exc) for place in PLACES)
            continue
        saved = ActionItem.objects.get(report=report, action__code=s.codes[ACTIONS][row - FIRST_ROW])
        assert unicodedata.is_normalized("NFC", saved.done)
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", saved.done)
