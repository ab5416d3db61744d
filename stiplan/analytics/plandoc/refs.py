"""Dates and document references as Vietnamese (and English) administrative texts cite them.

"ngày 16 tháng 8 năm 2023", "16/8/2023", "August 16, 2023"; "569/QĐ-TTg", "57-NQ/TW",
"93/2025/QH15", "1925/QD-UBND" (without diacritics, in translations).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS_EN = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(),
    start=1)}

DATE_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})(?!\d)")
DATE_WORDS = re.compile(
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})", re.IGNORECASE)
DATE_EN = re.compile(
    r"\b(?:(\d{1,2})\s+([A-Z][a-z]+),?\s+((?:19|20)\d{2})|([A-Z][a-z]+)\s+(\d{1,2}),?\s+((?:19|20)\d{2}))")

# number, optional year, then a symbol of capitalised parts: 569/QĐ-TTg, 57-NQ/TW, 93/2025/QH15
SYMBOL_PART = r"[A-ZĐ][A-Za-zĐđ0-9]*"
DOC_REF = re.compile(
    rf"(?<![\w/.,-])(\d{{1,5}})(?:/((?:19|20)\d{{2}}))?[/-]({SYMBOL_PART}(?:[-/]{SYMBOL_PART})*)")

DOC_KINDS = (
    ("quyết định", "QĐ"), ("kế hoạch", "KH"), ("chương trình", "CTr"), ("nghị quyết", "NQ"),
    ("chỉ thị", "CT"), ("đề án", "ĐA"), ("tờ trình", "TTr"), ("công văn", "CV"), ("luật", "Luật"),
    ("nghị định", "NĐ"), ("thông tư", "TT"), ("decision", "QĐ"), ("plan", "KH"),
    ("programme", "CTr"), ("program", "CTr"), ("resolution", "NQ"), ("directive", "CT"),
)


@dataclass
class DocRef:
    number: str
    start: int
    end: int
    date: dt.date | None = None
    date_end: int | None = None


def _date(day, month, year) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, int, dt.date]]:
    """(start, end, date) of every date written in `text`, in order."""
    found = []
    for m in DATE_WORDS.finditer(text):
        d = _date(*m.groups())
        if d:
            found.append((m.start(), m.end(), d))
    for m in DATE_NUMERIC.finditer(text):
        d = _date(*m.groups())
        if d and not any(s <= m.start() < e for s, e, _ in found):
            found.append((m.start(), m.end(), d))
    for m in DATE_EN.finditer(text):
        day, month, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (
            m.group(5), m.group(4), m.group(6))
        number = MONTHS_EN.get(month.lower())
        d = _date(day, number, year) if number else None
        if d:
            found.append((m.start(), m.end(), d))
    return sorted(found)


def find_refs(text: str) -> list[DocRef]:
    """Document numbers in `text`, each with the date written right after it, if any."""
    dates = find_dates(text)
    refs = []
    for m in DOC_REF.finditer(text):
        number = m.group(0)
        ref = DocRef(number=number, start=m.start(), end=m.end())
        for start, end, day in dates:
            between = text[m.end():start]
            if start >= m.end() and len(between) <= 12 and re.fullmatch(
                    r"[\s,]*(?:ngày|dated|of)?\s*", between, re.IGNORECASE):
                ref.date, ref.date_end = day, end
                break
        refs.append(ref)
    return refs


def kind_named_before(text: str, start: int) -> str:
    """The kind of document named just before a reference: "Quyết định số 569/…" → QĐ."""
    before = text[max(0, start - 30):start].lower()
    best, at = "", -1
    for word, code in DOC_KINDS:
        pos = before.rfind(word)
        if pos > at:
            best, at = code, pos
    return best
