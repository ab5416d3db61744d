"""Hard-wrapped document text back into paragraphs, each knowing where its pieces came from.

A line continues the paragraph above unless it starts a new one: a list or section marker
(I. 1. a) - +), a clause word (Căn cứ, Điều 1, Số:), a change between capitals and ordinary text,
or a numbered heading followed by a capitalised line. Table remnants ("|", "-----") and page
numbers are dropped. Offsets into the original text are kept, so any match can be traced back.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

ROMAN = re.compile(r"^([IVX]{1,5})\.\s*(.*)$")
NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.\s+(.*)$")
LETTER = re.compile(r"^([a-zđ])\)\s*(.*)$")
BULLET = re.compile(r"^([-–•+*])\s*(.*)$")
NOISE = re.compile(r"^[\s|_=\-–—.*]*$|^\s*(?:trang\s+)?\d{1,3}\s*$", re.IGNORECASE)
STARTERS = re.compile(
    r"^(?:Căn cứ|Theo đề nghị|Xét đề nghị|Điều \d|Nơi nhận|Số\s*:|Số\s+\d|No\.?\s*:?\s*\d|"
    r"Pursuant to|At the request|Article \d|Recipients|Trên đây là|CỘNG HÒA|CỘNG HOÀ|"
    r"ĐẢNG CỘNG SẢN|SOCIALIST REPUBLIC|Độc lập|Independence|TM\.|KT\.|ON BEHALF)",
)
DOC_TYPES = re.compile(
    r"^(QUYẾT ĐỊNH|KẾ HOẠCH|CHƯƠNG TRÌNH|NGHỊ QUYẾT|CHỈ THỊ|ĐỀ ÁN|DECISION|PLAN|PROGRAMME|"
    r"PROGRAM)\s*:?$"
)
AUTHORITY = re.compile(r"^(ỦY BAN|UỶ BAN|UBND|HỘI ĐỒNG|CHỦ TỊCH|PEOPLE'S COMMITTEE)")
CONNECTORS = ("và", "của", "về", "các", "với", "cho", "-", "–", ",", "trong", "tại", "and", "of")
UPPER_CHUNK = re.compile(r"[^\W\d_]")


@dataclass
class Paragraph:
    """Text of one paragraph; `pieces` map its offsets to the source: (own, source, length, line)."""

    text: str = ""
    pieces: list[tuple[int, int, int, int]] = field(default_factory=list)
    marker: str = ""  # roman | number | letter | bullet | ""
    label: str = ""  # "III", "2", "a", "-"
    body: str = ""  # text after the marker

    def add(self, piece: str, start: int, line: int) -> None:
        if self.text:
            self.text += " "
        self.pieces.append((len(self.text), start, len(piece), line))
        self.text += piece

    def source(self, start: int, end: int) -> tuple[int, int]:
        """Offsets [start, end) of this paragraph's text, as offsets in the source text."""
        return self._at(start), self._at(max(start, end - 1)) + 1

    def lines(self, start: int = 0, end: int | None = None) -> tuple[int, int]:
        end = len(self.text) if end is None else end
        return self._piece(start)[3], self._piece(max(start, end - 1))[3]

    def _piece(self, offset: int):
        keys = [p[0] for p in self.pieces]
        return self.pieces[max(0, bisect_right(keys, offset) - 1)]

    def _at(self, offset: int) -> int:
        own, src, length, _line = self._piece(offset)
        return src + min(max(offset - own, 0), max(length - 1, 0))

    def span(self, start: int = 0, end: int | None = None) -> dict:
        end = len(self.text) if end is None else end
        first, last = self.lines(start, end)
        s, e = self.source(start, end)
        return {"lines": [first, last], "chars": [s, e]}


def is_upper(text: str) -> bool:
    letters = UPPER_CHUNK.findall(text)
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _classify(p: Paragraph) -> None:
    text = p.text
    for kind, rx in (("roman", ROMAN), ("number", NUMBERED), ("letter", LETTER), ("bullet", BULLET)):
        m = rx.match(text)
        if m:
            p.marker, p.label, p.body = kind, m.group(1), m.group(2)
            return
    p.body = text


def _source_lines(text: str):
    """(line number, start offset, stripped text) of each line, table cells split apart."""
    offset = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        pos = 0
        for cell in raw.split("|"):
            stripped = cell.strip()
            lead = len(cell) - len(cell.lstrip())
            yield number, offset + pos + lead, stripped.replace("\f", "").strip()
            pos += len(cell) + 1
        offset += len(raw) + 1


def _starts_new(line: str, current: Paragraph, previous_line: str) -> bool:
    if ROMAN.match(line) or NUMBERED.match(line) or LETTER.match(line) or STARTERS.match(line):
        return True
    bullet = BULLET.match(line)
    if bullet:
        rest = bullet.group(2)
        # "- xã hội" after a wrap inside "kinh tế - xã hội" is not a new item
        return bool(rest) and not rest[0].islower()
    if DOC_TYPES.match(line) or DOC_TYPES.match(previous_line):
        return True
    if is_upper(line) != is_upper(previous_line):
        return True
    if is_upper(line) and AUTHORITY.match(line):
        return True
    first = line[0]
    if current.marker in ("roman", "number", "letter") and first.isupper() and not is_upper(line):
        head = current.text.split(None, 1)[-1]
        short = len(head) < 300 and not re.search(r"[.;:!?]\s", head + " ")
        return short and not head.rstrip().endswith(CONNECTORS)
    return False


def paragraphs(text: str) -> list[Paragraph]:
    """The paragraphs of `text` (already Unicode), in order."""
    out: list[Paragraph] = []
    current: Paragraph | None = None
    previous = ""
    broken = True
    for number, start, line in _source_lines(text):
        if not line or NOISE.match(line):
            broken = True
            continue
        lower_start = line[0].islower()
        if current is None or (broken and not lower_start) or _starts_new(line, current, previous):
            current = Paragraph()
            out.append(current)
            current.add(line, start, number)
            _classify(current)
        else:
            current.add(line, start, number)
        previous = line
        broken = False
    for p in out:
        _classify(p)
    return out
