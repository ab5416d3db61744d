"""The budget an uploaded workbook must fit before openpyxl parses it: parts, unpacked size (whole
and per part), shared strings and cells, counted from the zip directory and a bounded stream, and
a time limit for the whole reading.

Why these caps. A filled template of the largest report (about 60 rows, every narrative at its
8,000-character cap, Vietnamese at up to 3 bytes a character) unpacks to under 5 MB, holds under
2,000 cells and under 1,000 distinct strings. openpyxl keeps every shared string as a Python
object (about 70 bytes each plus the text): the issue's 6 million strings took 430 MB and 42 s.
200,000 strings in at most 25 MB cost a worker some 40 MB; 1,000,000 cells are counted but never
kept (sheets are read row by row and stop after the template's rows). 50 MB unpacked is ten times
the largest real upload, and the streaming count reads at most that much.
"""

from __future__ import annotations

import time
import zipfile

MAX_PARTS = 2_000
MAX_UNPACKED = 50 * 1024 * 1024
MAX_PART = 25 * 1024 * 1024
MAX_SHARED_STRINGS = 200_000
MAX_CELLS = 1_000_000
SECONDS = 10.0  # a real upload is read in well under a second; a worker's timeout is 30 s

_CHUNK = 1024 * 1024
# The start of a <si> (a shared string) or a <c> (a cell) element, with or without a namespace
# prefix, as openpyxl would read them. Counted with bytes.count (no object per match); a prefixed
# closing tag (</x:si>) counts too, which only errs towards refusing.
_SHARED_STRING = tuple(a + b"si" + b for a in (b"<", b":") for b in (b">", b" ", b"/", b"\n", b"\r", b"\t"))
_CELL = tuple(a + b"c" + b for a in (b"<", b":") for b in (b">", b" ", b"/", b"\n", b"\r", b"\t"))
_TAIL = 4  # a marker split between two chunks is found in the 4 bytes kept from the first


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

    def __init__(self, seconds: float | None = None):
        self.seconds = SECONDS if seconds is None else seconds
        self.deadline = time.monotonic() + self.seconds

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
        if total > MAX_UNPACKED:
            problems.append((f"giải nén ra {_mb(total)} (tối đa {_mb(MAX_UNPACKED)})",
                             f"unpacks to {_mb(total)} ({_mb(MAX_UNPACKED)} at most)"))
        for m in [m for m in members if m.file_size > MAX_PART][:3]:
            problems.append((f"phần «{m.filename[:80]}» giải nén ra {_mb(m.file_size)} "
                             f"(tối đa {_mb(MAX_PART)} mỗi phần)",
                             f"part '{m.filename[:80]}' unpacks to {_mb(m.file_size)} "
                             f"({_mb(MAX_PART)} at most per part)"))
        strings, cells = self._count(archive, members)
        if strings > MAX_SHARED_STRINGS:
            problems.append((f"quá nhiều chuỗi dùng chung (trên {MAX_SHARED_STRINGS:,})",
                             f"too many shared strings (over {MAX_SHARED_STRINGS:,})"))
        if cells > MAX_CELLS:
            problems.append((f"quá nhiều ô (trên {MAX_CELLS:,})",
                             f"too many cells (over {MAX_CELLS:,})"))
        if problems:
            raise OverBudget(problems)

    def _count(self, archive: zipfile.ZipFile, members) -> tuple[int, int]:
        """Shared strings and cells in every XML part, streamed; stops as soon as either is over
        its cap (the upload is refused then) or MAX_UNPACKED bytes were read."""
        strings = cells = read = 0
        for member in members:
            if not member.filename.endswith(".xml") or member.is_dir():
                continue
            with archive.open(member) as stream:
                tail = b""
                while chunk := stream.read(_CHUNK):
                    self.check_time()
                    read += len(chunk)
                    # Markers wholly inside the kept tail were counted with the previous chunk.
                    text = tail + chunk
                    strings += _occurrences(text, _SHARED_STRING) - _occurrences(tail, _SHARED_STRING)
                    cells += _occurrences(text, _CELL) - _occurrences(tail, _CELL)
                    tail = text[-_TAIL:]
                    if strings > MAX_SHARED_STRINGS or cells > MAX_CELLS or read > MAX_UNPACKED:
                        return strings, cells
        return strings, cells
