"""Quantitative targets in a paragraph: value or range, bound, unit, milestone year, indicator name.

Dates, document numbers, years and periods are masked first: they are never targets. A number is
a target only with a unit (a percentage or the noun it counts); a bare number is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from stiplan.analytics.vntext import NumberError, parse_number

from .reasons import COMPARATORS_VI, Reason
from .refs import DOC_REF, find_dates

NUM = r"\d+(?:[.,]\d+)*"
QUANTITY = re.compile(
    rf"(?<![\w.,/])(?P<a>{NUM})\s*(?P<pa>%?)(?:\s*(?:-|–|—|đến|tới|to)\s*(?P<b>{NUM})\s*(?P<pb>%?))?"
    r"(?![\w/])")
YEAR_PHRASE = re.compile(
    r"(?:(?:phấn đấu|by|in)\s+)?(?:(?:đến|tới|trong|vào|tính đến|từ)\s+(?:hết\s+)?)?"
    r"(?:năm|year)\s+((?:19|20)\d{2})(?!\d)|\bby\s+((?:19|20)\d{2})\b",
    re.IGNORECASE)
PERIOD = re.compile(r"(?:giai đoạn|thời kỳ|period)?\s*(?:19|20)\d{2}\s*(?:-|–|—|đến)\s*(?:19|20)\d{2}",
                    re.IGNORECASE)
BARE_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d{2}(?![\d.,%])")
NOT_A_COUNT = re.compile(
    r"^(?:và|của|trong|là|năm|đến|tới|ngày|tháng|lần|thứ|điều|khoản|mục|so|với|trên|dưới|"
    r"theo|tại|từ|để|khi|được|đã|các|những|and|of|in|the|to|by|per)\b|(?-i:^[A-Z]{2,}\b)",
    re.IGNORECASE)
BEFORE_NUMBER_NOT_TARGET = re.compile(r"(?:số|điều|khoản|mục|lần|thứ|no\.?|article|tại)\s*$",
                                      re.IGNORECASE)
BOUNDS = [  # (words just before the value, comparator, confidence)
    (r"không dưới|không thấp hơn|tối thiểu|ít nhất|at least|no less than|minimum of", "gte", 0.9),
    (r"không quá|không vượt quá|tối đa|at most|no more than|up to", "lte", 0.9),
    (r"trên|hơn|vượt|over|more than|above", "gt", 0.9),
    (r"dưới|below|less than|under", "lt", 0.85),
    (r"khoảng|xấp xỉ|gần|about|around|approximately", "eq", 0.6),
]
VERBS = r"(?:đạt|chiếm|ở mức|là|bằng|tăng|giảm|có|reach(?:es)?|be|is|at)"
LEADS = re.compile(r"^(?:(?:phấn đấu|đảm bảo|bảo đảm|trong đó|và|,|;|strive to|ensure|and)\s+)+",
                   re.IGNORECASE)
TARGET_WORDS = re.compile(r"đạt|phấn đấu|chỉ tiêu|mục tiêu|reach|target|strive", re.IGNORECASE)
RECURRING = re.compile(r"hằng năm|hàng năm|mỗi năm|every year|annually|each year", re.IGNORECASE)
ACRONYM = re.compile(r"^(GRDP|GDP|NSNN)\b")


@dataclass
class Found:
    comparator: str
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    at_least: bool
    unit: str
    wording: str
    start: int  # offsets of the wording in the paragraph
    end: int
    year: int | None
    year_explicit: bool
    recurring: bool
    name: str
    confidence: float
    reasons: list[Reason] = field(default_factory=list)


def masked(text: str) -> str:
    """`text` with dates, document numbers, periods and years blanked (same length)."""
    chars = list(text)

    def blank(s: int, e: int) -> None:
        chars[s:e] = " " * (e - s)

    for s, e, _ in find_dates(text):
        blank(s, e)
    for m in DOC_REF.finditer(text):
        blank(m.start(), m.end())
    for rx in (PERIOD, YEAR_PHRASE, BARE_YEAR):
        for m in rx.finditer("".join(chars)):
            blank(m.start(), m.end())
    for m in re.finditer(r"ngày\s+\d{1,2}(?:\s+tháng\s+\d{1,2})?|tháng\s+\d{1,2}", text,
                         re.IGNORECASE):
        blank(m.start(), m.end())
    return "".join(chars)


def _years(text: str) -> list[tuple[int, int]]:
    """(offset, year) of each milestone phrase: "Đến năm 2025", "by 2030"."""
    out = []
    for m in YEAR_PHRASE.finditer(text):
        out.append((m.start(), int(m.group(1) or m.group(2))))
    return out


def _number(text: str) -> Decimal | None:
    try:
        return parse_number(text)
    except NumberError:
        return None


def _count_unit(after: str) -> tuple[str, int]:
    """The noun a bare number counts and its length: "20 cán bộ làm việc" → ("cán bộ", 7)."""
    words = re.match(r"(\s*([^\W\d_]+))(?:(\s+([^\W\d_]+)))?", after)
    if not words or NOT_A_COUNT.match(words.group(2)):
        return "", 0
    first, second = words.group(2), words.group(4)
    if first[0].isupper() and not first.isupper():
        return "", 0  # a name, not a counted noun
    if second and (NOT_A_COUNT.match(second) or second[0].isupper()):
        return first, len(words.group(1))
    return (f"{first} {second}", words.end()) if second else (first, len(words.group(1)))


def _bound(before: str) -> tuple[str, float, str]:
    tail = before[-40:].lower()
    for words, comparator, confidence in BOUNDS:
        m = re.search(rf"(?:^|\s)({words})\s*(?:mức\s+)?$", tail)
        if m:
            return comparator, confidence, m.group(1)
    return "", 0.0, ""


def _name(text: str, start: int, floor: int) -> str:
    """The indicator's words before the value, back to the clause start."""
    head = text[floor:start]
    for sep in (";", ".", ":", "trong đó"):
        pos = head.rfind(sep)
        if pos >= 0:
            head = head[pos + len(sep):]
    head = YEAR_PHRASE.sub(" ", head)
    head = re.sub(r"\s+", " ", head).strip(" ,;-–")
    head = ACRONYM.sub("", head).strip()
    head = LEADS.sub("", head)
    for _ in range(3):
        head = re.sub(rf"\s*(?:{VERBS}|{'|'.join(w for w, _c, _n in BOUNDS)}|từ|mức)\s*$", "",
                      head, flags=re.IGNORECASE).strip(" ,")
    words = head.split()
    return " ".join(words[-20:])


def find_targets(text: str, *, horizon: int | None, start_year: int | None,
                 strict: bool = False) -> list[Found]:
    """Every quantitative target written in one paragraph `text`.

    `strict` (a task, not an objective): a counted quantity is a target only with a bound or a
    target word ("đạt", "phấn đấu"): "Tổ chức 2 đợt tuyên truyền" is an activity, not a target.
    """
    clean = masked(text)
    years = _years(text)
    out: list[Found] = []
    floor = 0
    last_name = ""
    for m in QUANTITY.finditer(clean):
        a, b = m.group("a"), m.group("b")
        percent = bool(m.group("pa") or m.group("pb"))
        if BEFORE_NUMBER_NOT_TARGET.search(clean[:m.start()]):
            continue
        end = m.end()
        unit = ""
        if percent:
            unit = "%"
            acr = ACRONYM.match(text[end:].lstrip())
            if acr:
                unit = f"% {acr.group(1)}"
                end = end + (len(text[end:]) - len(text[end:].lstrip())) + len(acr.group(1))
        else:
            unit, length = _count_unit(text[end:])
            if not unit:
                continue
            end += length
        low, high = _number(a), _number(b) if b else None
        if low is None or (b and high is None):
            continue
        reasons: list[Reason] = []
        confidence = 0.9
        before = text[:m.start()]
        comparator, bound_conf, bound_words = _bound(before)
        sentence = re.split(r"[.;]\s", before)[-1]
        if strict and not percent and not bound_words and not TARGET_WORDS.search(sentence):
            continue
        wording_start = m.start() - (len(bound_words) + 1 if bound_words else 0)
        at_least = False
        after = text[end:end + 12].lower()
        if re.match(r"\s*trở lên|\s*or more", after):
            at_least = True
            end += len(re.match(r"\s*(?:trở lên|or more)", after).group(0))
            if re.search(r"(?:^|\s)từ\s*$", before[-6:].lower()):
                wording_start = before.lower().rfind("từ")
        if b:
            if low > high:
                continue
            comparator, value = "range", None
            if bound_words and not at_least:
                reasons.append(Reason(f"bound «{bound_words}» before a range",
                                      f"từ chỉ giới hạn «{bound_words}» đứng trước một khoảng"))
                confidence = min(confidence, 0.6)
        else:
            value = low
            low = None
            if at_least:
                comparator = comparator or "gte"
            if not comparator:
                comparator = "gte" if not percent else "eq"
                reasons.append(Reason(f"no bound word: read as {comparator}",
                                      f"không có từ chỉ giới hạn: đọc là {COMPARATORS_VI[comparator]}"))
                confidence = 0.75
            elif comparator == "eq":
                reasons.append(Reason(f"approximate value («{bound_words}»)",
                                      f"giá trị xấp xỉ («{bound_words}»)"))
            confidence = min(confidence, bound_conf or confidence)
        year, explicit = None, False
        for pos, y in years:
            if pos < m.start():
                year, explicit = y, True
        recurring = bool(RECURRING.search(text[max(0, m.start() - 200):end + 80]))
        if recurring and not explicit:
            year = start_year
            reasons.append(Reason("recurring («hằng năm»): from the plan's first year",
                                  "lặp lại («hằng năm»): từ năm đầu kế hoạch"))
            confidence = min(confidence, 0.7)
        elif year is None:
            year = horizon
            reasons.append(Reason("milestone year implied by the plan's horizon",
                                  "năm mốc suy từ năm cuối kế hoạch"))
            confidence = min(confidence, 0.65)
        if year is None:
            reasons.append(Reason("no milestone year", "không có năm mốc"))
            confidence = 0.3
        name = _name(text, m.start(), floor)
        if not name:
            name = last_name
            if name:
                reasons.append(Reason("indicator named by the preceding item",
                                      "tên chỉ tiêu lấy từ mục liền trước"))
        if not name:
            reasons.append(Reason("no indicator name before the value",
                                  "không có tên chỉ tiêu trước giá trị"))
            confidence = min(confidence, 0.5)
        last_name = name
        out.append(Found(
            comparator=comparator, value=value, low=low if b else None, high=high, at_least=at_least,
            unit=unit, wording=text[wording_start:end].strip(), start=wording_start,
            end=end, year=year, year_explicit=explicit,
            recurring=recurring, name=name, confidence=round(confidence, 2), reasons=reasons))
        floor = end
    return out
