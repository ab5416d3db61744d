"""The text of an uploaded document: plain text, DOCX, PDF with a text layer, scans through OCR.

Each reader refuses a bad input with a Vietnamese + English message (`InputError`) and returns
nothing: an encrypted PDF, a file without text, a DOCX whose zip declares too much data (a zip
bomb), a PDF with too many pages or that takes too long. Long jobs report progress through
`progress(done, total, what)`.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from stiplan.analytics.vntext import to_unicode
from stiplan.core.yamlio import InputError, Problem

MAX_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_PAGES = 150
PAGE_SECONDS = 60
TOTAL_SECONDS = 600
MIN_TEXT_PER_PAGE = 40
OCR_DPI = 300  # Tesseract's Vietnamese model misreads 0 as 6 or 9 far more often at 200 dpi
#: The longest side, in pixels, a scanned page is rendered at: an A2 page at OCR_DPI. A larger page
#: (a PDF may declare 200 inches) is rendered at the resolution that fits, not into gigabytes of
#: memory and temporary disk.
OCR_MAX_SIDE = 7016
OCR_PROCESSES = 2  # the scan is read in about half the time on a two-core server
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}

Progress = Callable[[int, int, str], None]


@dataclass
class Limits:
    max_pages: int = MAX_PAGES
    page_seconds: float = PAGE_SECONDS
    total_seconds: float = TOTAL_SECONDS
    #: Scanned pages recognised at once, each by its own processes (one thread per Tesseract).
    ocr_processes: int = OCR_PROCESSES


@dataclass
class Extracted:
    text: str
    kind: str  # text | docx | pdf | ocr
    pages: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def refuse(vi: str, en: str, where: str = "(tệp)") -> InputError:
    return InputError([Problem(None, where, vi, en)])


def _quiet(done: int, total: int, what: str) -> None:
    return None


def read_document(path: str | Path, *, progress: Progress | None = None,
                  limits: Limits | None = None) -> Extracted:
    """The text of the document at `path`, by its content (not only its name)."""
    path = Path(path)
    progress = progress or _quiet
    limits = limits or Limits()
    started = time.monotonic()
    if not path.is_file():
        raise refuse(f"không tìm thấy tệp {path.name}", f"file {path.name} not found")
    if path.stat().st_size > MAX_BYTES:
        raise refuse("tệp quá lớn (tối đa 50 MB)", "file too large (50 MB at most)")
    with path.open("rb") as fh:
        magic = fh.read(8)
    kind = sniff_kind(magic, path.name)
    if kind == "pdf":
        out = _read_pdf(path, progress, limits, started)
    elif kind == "docx":
        out = Extracted(read_docx(path), "docx")
    elif kind == "image":
        progress(0, 1, "ocr")
        out = Extracted(_ocr_image(path, limits.page_seconds), "ocr", pages=1)
        progress(1, 1, "ocr")
    else:
        out = Extracted(read_text(path.read_bytes()), "text")
    out.seconds = time.monotonic() - started
    if len(out.text.split()) < 5:
        raise refuse("không đọc được chữ nào trong tài liệu (ảnh trống hay bản quét không rõ?)",
                     "no text could be read from the document (blank image or unreadable scan?)")
    return out


def sniff_kind(magic: bytes, name: str) -> str:
    """pdf | docx | image | text, from the file's first bytes (its name only where they say
    nothing)."""
    suffix = Path(name).suffix.lower()
    if magic.startswith(b"%PDF"):
        return "pdf"
    if magic.startswith(b"PK") or suffix == ".docx":
        return "docx"
    if suffix in IMAGE_SUFFIXES or magic[:4] in (b"\x89PNG", b"II*\x00", b"MM\x00*") or \
            magic[:3] == b"\xff\xd8\xff":
        return "image"
    return "text"


#: What may need OCR (seconds a page) is read by a background job, with its progress shown.
READ_IN_BACKGROUND = ("pdf", "image")


def read_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else a legacy 8-bit file (TCVN3 or VNI fonts) to Unicode."""
    if b"\x00" in raw[:4096]:
        raise refuse("tệp nhị phân, không phải văn bản", "binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return to_unicode(text)


def read_docx(path: Path) -> str:
    """Paragraphs and table cells of a DOCX, in document order, one per line."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > MAX_UNZIPPED or total / packed > MAX_RATIO:
                raise refuse(f"tệp DOCX giải nén ra {total // 1_000_000} MB (tỷ lệ nén "
                             f"{total // packed}:1): từ chối vì có thể là «bom zip»",
                             f"the DOCX unpacks to {total // 1_000_000} MB (ratio {total // packed}:1):"
                             " refused as a possible zip bomb")
            if "word/document.xml" not in zf.namelist():
                raise refuse("tệp không phải DOCX (thiếu word/document.xml)",
                             "not a DOCX file (no word/document.xml)")
    except zipfile.BadZipFile:
        raise refuse("tệp DOCX hỏng (không phải zip)", "broken DOCX file (not a zip)") from None
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                for cell in row.cells:
                    lines.extend(p.text for p in cell.paragraphs)
                    lines.append("")
    return to_unicode("\n".join(lines))


def _run(args: list[str], timeout: float,
         too_slow: Callable[[], InputError] | None = None) -> subprocess.CompletedProcess:
    """Run a tool; past `timeout` seconds refuse with `too_slow()` (how far the job got)."""
    # one thread per Tesseract: its OpenMP threads only fight each other on a busy server
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        return subprocess.run(args, capture_output=True, timeout=max(timeout, 1), check=False,
                              env=env)
    except subprocess.TimeoutExpired:
        if too_slow is not None:
            raise too_slow() from None
        raise refuse(f"quá thời gian cho phép ({timeout:.0f} giây) khi đọc tài liệu",
                     f"time limit ({timeout:.0f} s) exceeded while reading the document") from None
    except FileNotFoundError:
        raise refuse(f"thiếu công cụ {args[0]} trên máy chủ", f"tool {args[0]} is not installed") \
            from None


def pdf_pages(path: Path) -> int:
    return int(_pdfinfo(path).get("Pages", "0"))


def page_sides(path: Path, pages: int) -> dict[int, float]:
    """Each page's longest side in points (1/72 inch), as pdfinfo reads it."""
    sides = {}
    for key, value in _pdfinfo(path, "-f", "1", "-l", str(pages)).items():
        if found := re.fullmatch(r"Page\s+(\d+) size", key):
            width, _x, height, *_rest = value.split()
            sides[int(found.group(1))] = max(float(width), float(height))
    return sides


def ocr_dpi(side_points: float) -> int:
    """OCR_DPI, or less for a page whose longest side would pass OCR_MAX_SIDE pixels at it."""
    return max(1, min(OCR_DPI, int(OCR_MAX_SIDE * 72 / side_points)))


def _pdfinfo(path: Path, *pages: str) -> dict[str, str]:
    """pdfinfo's "Key: value" lines; an encrypted or broken PDF is refused."""
    info = _run(["pdfinfo", *pages, str(path)], 30)
    err = info.stderr.decode("utf-8", "replace")
    if info.returncode != 0:
        if "password" in err.lower() or "encrypt" in err.lower():
            raise refuse("tệp PDF được mã hóa bằng mật khẩu: hãy gửi bản không khóa",
                         "the PDF is encrypted with a password: send an unlocked copy")
        raise refuse("tệp PDF hỏng, không mở được", "broken PDF, cannot be opened")
    lines = info.stdout.decode("utf-8", "replace").splitlines()
    return {key.strip(): value.strip() for key, _colon, value in
            (line.partition(":") for line in lines) if _colon}


def _read_pdf(path: Path, progress: Progress, limits: Limits, started: float) -> Extracted:
    pages = pdf_pages(path)
    if pages > limits.max_pages:
        raise refuse(f"tài liệu có {pages} trang, vượt giới hạn {limits.max_pages} trang",
                     f"the document has {pages} pages, over the limit of {limits.max_pages}")
    chunks = []
    step = 10
    for first in range(1, pages + 1, step):
        last = min(pages, first + step - 1)
        left = limits.total_seconds - (time.monotonic() - started)
        if left <= 0:
            raise _too_slow(limits, first - 1, pages)
        done = _run(["pdftotext", "-enc", "UTF-8", "-f", str(first), "-l", str(last), str(path),
                     "-"], min(left, limits.page_seconds * (last - first + 1)),
                    lambda done=first - 1: _too_slow(limits, done, pages))
        chunks.append(done.stdout.decode("utf-8", "replace"))
        progress(last, pages, "text")
    text = "\n".join(chunks).replace("\f", "\n")
    if len(text.split()) >= MIN_TEXT_PER_PAGE // 8 * max(pages, 1):
        return Extracted(to_unicode(text), "pdf", pages=pages)
    return Extracted(_ocr_pdf(path, pages, progress, limits, started), "ocr", pages=pages)


def _too_slow(limits: Limits, done: int, pages: int) -> InputError:
    return refuse(f"quá thời gian cho phép ({limits.total_seconds:.0f} giây) sau {done}/{pages} "
                  "trang: không tạo bản nháp", f"time limit ({limits.total_seconds:.0f} s) "
                  f"exceeded after {done}/{pages} pages: no draft made")


def _ocr_pdf(path: Path, pages: int, progress: Progress, limits: Limits, started: float) -> str:
    """Each page rendered to an image and recognised by its own pdftoppm and Tesseract,
    `limits.ocr_processes` pages at a time; progress counts the pages done."""
    texts: dict[int, str] = {}
    sides = page_sides(path, pages)

    def too_slow() -> InputError:
        return _too_slow(limits, len(texts), pages)

    def unrendered(page: int) -> InputError:
        return refuse(f"không chuyển được trang {page} thành ảnh", f"page {page} could not be "
                      "rendered to an image")

    def recognise(page: int, tmp: Path) -> str:
        left = limits.total_seconds - (time.monotonic() - started)
        if left <= 0:
            raise too_slow()
        if not sides.get(page):
            raise unrendered(page)
        stem = tmp / f"p{page}"
        # an uncompressed PGM: writing (and Tesseract reading) a PNG took most of a page's time
        done = _run(["pdftoppm", "-r", str(ocr_dpi(sides[page])), "-gray", "-f", str(page),
                     "-l", str(page), "-singlefile", str(path), str(stem)],
                    min(left, limits.page_seconds), too_slow)
        image = stem.with_suffix(".pgm")
        if done.returncode != 0 or not image.exists():
            raise unrendered(page)
        try:
            return _ocr_image(image, min(left, limits.page_seconds), too_slow)
        finally:
            image.unlink()

    with tempfile.TemporaryDirectory(prefix="stiplan-ocr-") as tmp:
        pool = ThreadPoolExecutor(max_workers=max(1, limits.ocr_processes))
        try:
            futures = {pool.submit(recognise, page, Path(tmp)): page for page in range(1, pages + 1)}
            for future in as_completed(futures):
                texts[futures[future]] = future.result()
                progress(len(texts), pages, "ocr")
        finally:  # a refused page stops the pages not begun; those running end within their limit
            pool.shutdown(wait=True, cancel_futures=True)
    return "\n".join(texts[page] for page in sorted(texts))


def _ocr_image(path: Path, seconds: float,
               too_slow: Callable[[], InputError] | None = None) -> str:
    done = _run(["tesseract", str(path), "-", "-l", "vie", "--psm", "4"], seconds, too_slow)
    if done.returncode != 0:
        raise refuse("không nhận dạng được ảnh (OCR)", "the image could not be recognised (OCR)")
    return to_unicode(ocr_cleanup(done.stdout.decode("utf-8", "replace")))


def ocr_cleanup(text: str) -> str:
    """Undo Tesseract's usual slips on Vietnamese print: blank lines between the blocks it sees
    (often inside one paragraph), "5," for the heading "5.", a capital L inside a lowercase
    sentence ("Lĩnh vực" for "lĩnh vực")."""
    text = re.sub(r"\n\s*\n", "\n", text)
    text = re.sub(r"(?m)^(\d{1,2}),\s", r"\1. ", text)
    return re.sub(r"(\S+) L(?=[a-zà-ỹđ]+\b)",
                  lambda m: f"{m.group(1)} l" if m.group(1).islower() else m.group(0), text)
