"""The budget an uploaded workbook must fit before openpyxl parses it: parts, unpacked size (whole
and per part), shared strings, cells and style/name records, counted from the zip directory and a
bounded stream, and a time limit for the whole reading.

Why these caps. A filled template of the largest report (some 40 actions, every narrative at its
8,000-character cap) unpacks to about 2 MB, with under 2,000 cells, 1,000 distinct strings and 150
style records. openpyxl makes a Python object of every shared string, style record and cell of a
row it reads (a row is parsed whole, whatever columns are asked for). Measured here: the issue's 6
million strings (104 MB unpacked) took 430 MB and 42 s; 199,000 strings in 13 MB took 7 s and
44 MB; 400,000 cell formats in 75 KB took 650 MB; one row of 1,000,000 cells took 18 s and 590 MB,
of 200,000 cells 3.4 s and 118 MB. The caps below keep each of these under about a second and
30 MB while leaving ten to twenty-five times the largest real upload. The streaming count itself
reads at most MAX_UNPACKED bytes (about 60 ms a megabyte here).
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass

MAX_PARTS = 2_000
MAX_UNPACKED = 25 * 1024 * 1024
MAX_PART = 15 * 1024 * 1024
MAX_SHARED_STRINGS = 20_000
MAX_CELLS = 50_000
MAX_RECORDS = 10_000  # styles, defined names, sheets: openpyxl builds an object for each
SECONDS = 10.0  # a real upload is read in well under a second; a worker's timeout is 30 s

_CHUNK = 1024 * 1024
_GLANCE = 8 * 1024 * 1024  # read of a file refused for its size, to name what else is over


def _starts(*names: str, exact: bool = True) -> tuple[bytes, ...]:
    """The start of an element named one of `names`, bare or with a namespace prefix, as openpyxl
    would read it (whitespace is made a space before counting). Counted with bytes.count, no
    object per match. Not `exact`: any name beginning so (<font also counts <fonts). Both only
    err towards refusing, as does a prefixed closing tag (</x:si>)."""
    endings = (b">", b" ", b"/") if exact else (b"",)
    return tuple(opening + name.encode() + end for name in names for opening in (b"<", b":")
                 for end in endings)


@dataclass(frozen=True)
class Counted:
    """Elements counted in every part (a part's name does not say what openpyxl reads it as)."""

    cap: int
    markers: tuple[bytes, ...]
    vi: str
    en: str


COUNTED = (
    Counted(MAX_SHARED_STRINGS, _starts("si"), "chuỗi dùng chung", "shared strings"),
    Counted(MAX_CELLS, _starts("c"), "ô", "cells"),
    Counted(MAX_RECORDS, _starts("xf", "dxf", "font", "fill", "border", "numFmt", "cellStyle",
                                 "definedName", "sheet", exact=False),
            "kiểu định dạng, tên và trang", "styles, names and sheets"),
)
# A marker split between two chunks is found in the bytes kept from the first.
_TAIL = max(len(m) for kind in COUNTED for m in kind.markers) - 1


_SPACES = bytes.maketrans(b"\n\r\t", b"   ")


def _occurrences(text: bytes, markers: tuple[bytes, ...]) -> int:
    return sum(text.count(m) for m in markers)


class OverBudget(Exception):
    """The workbook is over one or more limits; `problems` are (Vietnamese, English) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(en for _vi, en in problems))
        self.problems = problems


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


class Budget:
    """One upload's reading budget: the clock starts when it is made."""

    def __init__(self, seconds: float | None = None, *, cells: int = MAX_CELLS,
                 strings: int = MAX_SHARED_STRINGS, unpacked: int = MAX_UNPACKED,
                 part: int = MAX_PART):
        """`cells`, `strings`, `unpacked` and `part` raise the caps for a bulk import of many
        rows (the registry's), where a larger reading is expected and paid for knowingly."""
        self.unpacked, self.part = unpacked, part
        self.seconds = SECONDS if seconds is None else seconds
        self.deadline = time.monotonic() + self.seconds
        self.caps = {COUNTED[0]: strings, COUNTED[1]: cells, COUNTED[2]: MAX_RECORDS}

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise OverBudget([(f"đọc tệp quá {self.seconds:.0f} giây",
                               f"reading took over {self.seconds:.0f} s")])

    def check_archive(self, archive: zipfile.ZipFile) -> None:
        """Refuse, naming every limit passed, before any part is parsed as XML."""
        members = archive.infolist()
        problems = []
        if len(members) > MAX_PARTS:
            problems.append((f"quá nhiều phần trong tệp nén ({len(members)}, tối đa {MAX_PARTS})",
                             f"too many parts in the archive ({len(members)}, {MAX_PARTS} at most)"))
        total = sum(m.file_size for m in members)
        if total > self.unpacked:
            problems.append((f"giải nén ra {_mb(total)} (tối đa {_mb(self.unpacked)})",
                             f"unpacks to {_mb(total)} ({_mb(self.unpacked)} at most)"))
        for m in [m for m in members if m.file_size > self.part][:3]:
            problems.append((f"phần «{m.filename[:80]}» giải nén ra {_mb(m.file_size)} "
                             f"(tối đa {_mb(self.part)} mỗi phần)",
                             f"part '{m.filename[:80]}' unpacks to {_mb(m.file_size)} "
                             f"({_mb(self.part)} at most per part)"))
        counts = self.count(archive, members, self.unpacked if not problems else _GLANCE)
        for kind in COUNTED:
            if counts[kind] > self.caps[kind]:
                problems.append((f"quá nhiều {kind.vi} (trên {self.caps[kind]:,})",
                                 f"too many {kind.en} (over {self.caps[kind]:,})"))
        if problems:
            raise OverBudget(problems)

    def count(self, archive: zipfile.ZipFile, members,
              read_at_most: int | None = None) -> dict[Counted, int]:
        """The COUNTED elements in every part, streamed; stops as soon as one is over its cap
        (the upload is refused then) or `read_at_most` bytes were read."""
        counts = dict.fromkeys(COUNTED, 0)
        read_at_most = self.unpacked if read_at_most is None else read_at_most
        read = 0
        for member in members:
            if member.is_dir():
                continue
            with archive.open(member) as stream:
                tail = b""
                while chunk := stream.read(_CHUNK):
                    self.check_time()
                    read += len(chunk)
                    text = tail + chunk.translate(_SPACES)
                    for kind in COUNTED:  # those wholly in the tail were counted already
                        counts[kind] += (_occurrences(text, kind.markers)
                                         - _occurrences(tail, kind.markers))
                    tail = text[-_TAIL:]
                    if read > read_at_most or any(counts[k] > self.caps[k] for k in COUNTED):
                        return counts
        return counts
