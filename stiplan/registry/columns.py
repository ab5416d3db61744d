"""The column layout of the registry's bulk files (docs/data-formats.md, "Registry bulk files"),
one entity a layout, and the row parser: each cell's text becomes a value of its column's kind
or a problem naming the row and the column, in Vietnamese and English. The parser never raises
on what a file holds; references (codes, ids, names) are checked later against the database
(stiplan.registry.transfer)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator, validate_slug
from django.db import models
from django.utils import translation

from stiplan.registry.models import (
    AcademicTitle,
    Degree,
    InnovationSubkind,
    IPKind,
    Level,
    Mechanism,
    OrganisationKind,
    OutputKind,
    Regime,
    Selection,
    TaskKind,
)

TEXT, CHOICE, DATE, DECIMAL, YEAR, ID, REF, EMAIL, URL, SLUG = (
    "text", "choice", "date", "decimal", "year", "id", "ref", "email", "url", "slug")
#: The largest amount a budget cell takes (DecimalField(max_digits=14, decimal_places=3)).
MAX_AMOUNT = Decimal("99999999999.999")


@dataclass(frozen=True)
class Column:
    name: str  # the header as exported (also accepted: `vi`)
    vi: str  # the Vietnamese header
    kind: str = TEXT
    required: bool = False
    max_length: int = 0
    choices: type[models.Choices] | None = None
    private: bool = False  # personal data: imported by staff only, never in a public export


@dataclass(frozen=True)
class Entity:
    name: str
    vi: str
    en: str
    columns: tuple[Column, ...]
    key: str  # "code" (a unique code) or "id" (blank: a new row)

    def column(self, name: str) -> Column:
        return self.by_name[name]

    @cached_property
    def by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}


TASKS = Entity("tasks", "nhiệm vụ", "tasks", (
    Column("code", "mã", TEXT, True, 60),
    Column("title", "tên nhiệm vụ", TEXT, True, 4000),
    Column("level", "cấp", CHOICE, True, choices=Level),
    Column("kind", "loại", CHOICE, True, choices=TaskKind),
    Column("innovation_subkind", "loại nhiệm vụ ĐMST", CHOICE, choices=InnovationSubkind),
    Column("mechanism", "phương thức cấp kinh phí", CHOICE, True, choices=Mechanism),
    Column("selection", "phương thức giao", CHOICE, True, choices=Selection),
    Column("regime", "chế độ pháp lý", CHOICE, choices=Regime),
    Column("regime_reason", "lý do chọn chế độ", TEXT, max_length=2000),
    Column("state", "trạng thái", TEXT, max_length=30),
    Column("start_date", "ngày bắt đầu", DATE, True),
    Column("end_date", "ngày kết thúc", DATE),
    Column("field", "mã lĩnh vực", REF, max_length=7),
    Column("host", "mã tổ chức chủ trì", REF, max_length=60),
    Column("programme", "mã chương trình", REF, max_length=60),
    Column("budget_total", "tổng kinh phí (triệu đồng)", DECIMAL),
    Column("principal_investigator", "chủ nhiệm", REF, max_length=200),
    Column("summary", "tóm tắt", TEXT, max_length=20000),
), key="code")

ORGANISATIONS = Entity("organisations", "tổ chức", "organisations", (
    Column("code", "mã", SLUG, True, 60),
    Column("name", "tên", TEXT, True, 300),
    Column("short_name", "tên viết tắt", TEXT, max_length=60),
    Column("kind", "loại", CHOICE, True, choices=OrganisationKind),
    Column("certificate_number", "số giấy chứng nhận", TEXT, max_length=60),
    Column("certified_on", "ngày cấp chứng nhận", DATE),
    Column("website", "trang web", URL, max_length=200),
), key="code")

PEOPLE = Entity("people", "nhà khoa học", "people", (
    Column("id", "số hiệu", ID),
    Column("full_name", "họ và tên", TEXT, True, 200),
    Column("degree", "học vị", CHOICE, choices=Degree),
    Column("title", "học hàm", CHOICE, choices=AcademicTitle),
    Column("email", "thư điện tử", EMAIL, max_length=254, private=True),
    Column("phone", "điện thoại", TEXT, max_length=30, private=True),
    Column("id_number", "số định danh", TEXT, max_length=20, private=True),
    Column("birth_date", "ngày sinh", DATE, private=True),
    Column("address", "địa chỉ", TEXT, max_length=300, private=True),
), key="id")

IP_ASSETS = Entity("ip-assets", "tài sản trí tuệ", "IP assets", (
    Column("id", "số hiệu", ID),
    Column("kind", "loại", CHOICE, True, choices=IPKind),
    Column("title", "tên đối tượng", TEXT, True, 400),
    Column("application_number", "số đơn", TEXT, max_length=60),
    Column("filed_on", "ngày nộp đơn", DATE),
    Column("number", "số văn bằng", TEXT, max_length=60),
    Column("granted_on", "ngày cấp", DATE),
    Column("owner", "mã tổ chức chủ sở hữu", REF, max_length=60),
    Column("owner_name", "chủ sở hữu theo văn bằng", TEXT, max_length=300),
    Column("source", "nguồn thông tin", TEXT, max_length=300),
), key="id")

OUTPUTS = Entity("outputs", "kết quả", "outputs", (
    Column("id", "số hiệu", ID),
    Column("task", "mã nhiệm vụ", REF, True, 60),
    Column("kind", "loại", CHOICE, True, choices=OutputKind),
    Column("title", "tên kết quả", TEXT, True, 400),
    Column("year", "năm", YEAR),
    Column("ip_asset", "số hiệu tài sản trí tuệ", REF, max_length=20),
    Column("person", "người được đào tạo", REF, max_length=200),
), key="id")

ENTITIES = {e.name: e for e in (TASKS, ORGANISATIONS, PEOPLE, IP_ASSETS, OUTPUTS)}


class Bad(Exception):
    """A cell that is not a value of its column: (Vietnamese, English)."""

    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi, self.en = vi, en


def _choice_map(choices: type[models.Choices]) -> dict[str, str]:
    """Every accepted spelling of a choice, folded: its value, and its label in either language."""
    found = {}
    for value, label in choices.choices:
        found[str(value).casefold()] = value
        for language in ("vi", "en"):
            with translation.override(language):
                found.setdefault(str(label).strip().casefold(), value)
    return found


_CHOICES: dict[type, dict[str, str]] = {}
_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def read_date(text: str) -> dt.date:
    """YYYY-MM-DD (also with a time after it, as a workbook date is read) or DD/MM/YYYY."""
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text[:10])
        found = _DAY.match(text)
        if found:
            day, month, year = map(int, found.groups())
            return dt.date(year, month, day)
    except ValueError:
        pass
    raise Bad(f"«{text[:40]}» không phải ngày (YYYY-MM-DD hoặc DD/MM/YYYY)",
              f"'{text[:40]}' is not a date (YYYY-MM-DD or DD/MM/YYYY)")


def read_decimal(text: str) -> Decimal:
    """A non-negative amount: 1234.5 or 1234,5 (no thousands separators), three decimals at most."""
    plain = text.replace(" ", "").replace("\u00a0", "")
    if "," in plain and "." not in plain:
        plain = plain.replace(",", ".")
    try:
        amount = Decimal(plain)
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or len(plain) > 40:
        raise Bad(f"«{text[:40]}» không phải số", f"'{text[:40]}' is not a number")
    if amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.001")):
        raise Bad("số phải từ 0 đến 99.999.999.999,999, tối đa 3 chữ số thập phân",
                  "the number must lie from 0 to 99,999,999,999.999 with 3 decimals at most")
    return amount


def read_int(text: str, low: int, high: int) -> int:
    if not re.fullmatch(r"\d{1,10}", text) or not low <= int(text) <= high:
        raise Bad(f"«{text[:40]}» không phải số nguyên từ {low} đến {high}",
                  f"'{text[:40]}' is not a whole number from {low} to {high}")
    return int(text)


def read_cell(column: Column, text: str):
    """The value of one cell (text already stripped); Bad when it is not one; None when empty."""
    if not text:
        if column.required:
            raise Bad("ô bắt buộc, đang trống", "required, but empty")
        return "" if column.kind in (TEXT, CHOICE, EMAIL, URL, SLUG) else None
    if column.max_length and len(text) > column.max_length:
        raise Bad(f"dài quá {column.max_length} ký tự", f"longer than {column.max_length} characters")
    if column.kind == CHOICE:
        known = _CHOICES.get(column.choices)
        if known is None:
            known = _CHOICES[column.choices] = _choice_map(column.choices)
        value = known.get(text.casefold())
        if value is None:
            allowed = ", ".join(str(v) for v in column.choices.values if v)
            raise Bad(f"«{text[:40]}» không có trong danh mục ({allowed})",
                      f"'{text[:40]}' is not one of the choices ({allowed})")
        return value
    if column.kind == DATE:
        return read_date(text)
    if column.kind == DECIMAL:
        return read_decimal(text)
    if column.kind == YEAR:
        return read_int(text, 1900, 2100)
    if column.kind == ID:
        return read_int(text, 1, 2**31 - 1)
    try:
        if column.kind == EMAIL:
            EmailValidator()(text)
        elif column.kind == URL:
            URLValidator()(text)
        elif column.kind == SLUG:
            validate_slug(text)
    except ValidationError:
        raise Bad(f"«{text[:40]}» không hợp lệ ({column.kind})",
                  f"'{text[:40]}' is not a valid {column.kind}") from None
    if "\x00" in text:
        raise Bad("có ký tự NUL", "holds a NUL character")
    return text


@dataclass
class RowProblem:
    """A problem of one cell (column given) or of the whole row."""

    row: int
    column: str | None
    vi: str
    en: str


def header_map(entity: Entity, header: list[str]) -> tuple[dict[str, int], list[RowProblem]]:
    """Each known column's position in the header (by its name or its Vietnamese name, any
    case); problems for unknown, repeated and missing required columns (on row 0: the header)."""
    names = {}
    for column in entity.columns:
        names[column.name.casefold()] = column.name
        names[column.vi.casefold()] = column.name
    found: dict[str, int] = {}
    problems = []
    for index, text in enumerate(header):
        name = names.get(text.strip().casefold())
        if name is None:
            problems.append(RowProblem(0, text[:40], "cột không có trong bố cục",
                                       "not a column of this layout"))
        elif name in found:
            problems.append(RowProblem(0, text[:40], "cột lặp lại", "repeated column"))
        else:
            found[name] = index
    for column in entity.columns:
        if column.required and column.name not in found:
            problems.append(RowProblem(0, column.name, "thiếu cột bắt buộc", "required column missing"))
    return found, problems


def parse_row(entity: Entity, positions: dict[str, int], number: int,
              cells: list[str]) -> tuple[dict | None, list[RowProblem]]:
    """One row's values by column name (only the columns in the file), or its problems."""
    values, problems = {}, []
    width = len(cells)
    for name, index in positions.items():
        column = entity.by_name[name]
        text = str(cells[index]).strip() if index < width else ""
        try:
            values[name] = read_cell(column, text)
        except Bad as bad:
            problems.append(RowProblem(number, name, bad.vi, bad.en))
    return (None if problems else values), problems
