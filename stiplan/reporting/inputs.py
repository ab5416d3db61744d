"""What a unit may write into its report, defined once: whole numbers, bounds, text lengths and
statuses. `save_items` reads every value it is given through these functions, so the web form,
the Excel upload and the API accept and refuse the same values; the Excel reader calls them first
only to name the cell of each problem, and hands the cells on as typed (each is read once)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language

from stiplan.analytics.vntext import NumberError, fold, format_vi, parse_number
from stiplan.plans.models import ValueType
from stiplan.reporting.models import ActionStatus, IndicatorItem
from stiplan.reporting.text import MAX_LENGTH, clean_rich, clean_text

SOURCE_MAX = IndicatorItem._meta.get_field("source").max_length  # 300
NARRATIVE_MAX = MAX_LENGTH  # 8,000 characters for every narrative, note and answer
MAX_DECIMALS, MAX_WHOLE_DIGITS = 4, 16  # IndicatorItem.value: 20 digits, 4 after the point

ACTION_TEXTS = ("done", "results", "difficulties", "proposals")
INDICATOR_TEXTS = ("note", "explanation")
# field → (longest, kept as sanitised rich text)
TEXTS = {**{f: (NARRATIVE_MAX, True) for f in (*ACTION_TEXTS, *INDICATOR_TEXTS, "answer")},
         "source": (SOURCE_MAX, False)}
_STATUS = {fold(str(label)): value for value, label in ActionStatus.choices} | {
    fold(value): value for value in ActionStatus.values}


@dataclass(frozen=True)
class Problem:
    """Why one field was refused. `item` ("indicator:rd_total_spending") is set by the reader of
    a whole report; a path may name the place its own way (a form field, a cell, a JSON key)."""

    field: str
    vi: str
    en: str
    item: str = ""

    def localized(self) -> str:
        """The problem in the page's language only (the pages show one language)."""
        where = f"{self.item} · {self.field}: " if self.item else ""
        return f"{where}{self.en if get_language() == 'en' else self.vi}"

    def __str__(self) -> str:
        where = f"{self.item} · {self.field}: " if self.item else ""
        return f"{where}{self.vi} — {self.en}"


@dataclass(frozen=True)
class ValueRules:
    """What one indicator item accepts."""

    whole: bool = False
    low: Decimal | None = None
    high: Decimal | None = None

    @classmethod
    def of(cls, item: IndicatorItem) -> ValueRules:
        return cls(item.indicator.value_type == ValueType.COUNT, item.min_value, item.max_value)


def storable_problem(number: Decimal | None) -> tuple[str, str] | None:
    """Why `number` cannot be stored exactly, or None."""
    if number is None:
        return None
    _sign, digits, exponent = number.normalize().as_tuple()
    decimals = max(-exponent, 0)
    whole = len(digits) + min(exponent, 0) if exponent < 0 else len(digits) + exponent
    if decimals > MAX_DECIMALS:
        return (f"tối đa {MAX_DECIMALS} chữ số sau dấu phẩy", f"at most {MAX_DECIMALS} decimals")
    if whole > MAX_WHOLE_DIGITS:
        return ("số quá lớn", "number too large")
    return None


def read_value(raw, rules: ValueRules) -> tuple[Decimal | None, Problem | None]:
    """An indicator value from a form string, a cell or JSON; None means "no value"."""
    try:
        number = parse_number(raw)
    except NumberError:
        shown = clean_text(raw)[:40]
        return None, Problem("value", f"«{shown}» không phải là số", f"'{shown}' is not a number")
    if number is None:
        return None, None
    if problem := storable_problem(number):
        return None, Problem("value", *problem)
    if rules.whole and number != number.to_integral_value():
        return None, Problem("value", f"cần một số nguyên, không phải {format_vi(number)}",
                             f"a whole number is required, not {number}")
    if (rules.low is not None and number < rules.low) or (
            rules.high is not None and number > rules.high):
        span_vi = f"[{format_vi(rules.low)}; {format_vi(rules.high)}]"
        return None, Problem("value", f"giá trị {format_vi(number)} ngoài khoảng cho phép {span_vi}",
                             f"value {number} outside the allowed range [{rules.low}; {rules.high}]")
    return number, None


def read_text(field: str, raw) -> tuple[str, Problem | None]:
    """A narrative (sanitised rich text) or a plain text field, refused when what was typed is
    too long."""
    limit, rich = TEXTS[field]
    text = clean_text(raw)
    if len(text) > limit:
        return "", Problem(field, f"nội dung quá dài ({len(text)} ký tự, tối đa {limit})",
                           f"text too long ({len(text)} characters, {limit} at most)")
    return (clean_rich(text) if rich else text), None


def read_status(raw) -> tuple[str, Problem | None]:
    """An action's status, by its code or its label (blank: not chosen yet)."""
    text = clean_text(raw)
    if not text:
        return "", None
    status = _STATUS.get(fold(text))
    if status is None:
        return "", Problem("status", f"tình trạng «{text[:40]}» không có trong danh sách",
                           f"status '{text[:40]}' is not in the list")
    return status, None


def read_fields(raw: dict, allowed: tuple[str, ...], *,
                rules: ValueRules | None = None) -> tuple[dict, list[Problem]]:
    """Every field of one item's input, read and checked; fields not in `allowed` are refused."""
    values, problems = {}, []
    if not isinstance(raw, dict):
        return {}, [Problem("", "cần một bảng trường → giá trị", "an object of field → value "
                                                                 "is expected")]
    for field, given in raw.items():
        if field not in allowed:
            name = str(field)[:40]
            value, problem = None, Problem(name, f"trường «{name}» không nhập được",
                                           f"field '{name}' cannot be written")
        elif field == "value":
            value, problem = read_value(given, rules or ValueRules())
        elif field == "status":
            value, problem = read_status(given)
        else:
            value, problem = read_text(field, given)
        if problem is None:
            values[field] = value
        else:
            problems.append(problem)
    return values, problems
