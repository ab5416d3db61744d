"""Benchmark: importing the seed decision (1925/QĐ-UBND) as text, DOCX, PDF and scanned PDF.

The DOCX and PDF are made from the seed text with LibreOffice, the scan by rasterising that PDF at
200 dpi into an image-only PDF (as tests/plans/test_docimport.py does). Each case is the whole
import: read the file, parse, name the units. The baseline of the ratio is parsing the text
already in memory. OCR runs BENCH_OCR_ROUNDS times (default 2): it takes a minute or more.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "plans"))

from common import publish  # noqa: E402
from plancompare import (  # noqa: E402
    SEED_TEXT,
    compare,
    make_docx_and_pdf,
    make_scan,
    registry_on,
)

from stiplan.analytics.plandoc import parse_plan_text  # noqa: E402
from stiplan.plans.docimport import import_document  # noqa: E402
from stiplan.plans.docreaders import Limits  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
OCR_ROUNDS = int(os.environ.get("BENCH_OCR_ROUNDS", "2"))


def timed(fn, rounds: int) -> tuple[list[float], float]:
    samples = []
    tracemalloc.start()
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return samples, peak


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    registry = registry_on(dt.date(2023, 8, 16))
    text = SEED_TEXT.read_text("utf-8")
    with tempfile.TemporaryDirectory(prefix="stiplan-bench-plandoc-") as tmp:
        docx, pdf = make_docx_and_pdf(Path(tmp))
        scan = make_scan(pdf, Path(tmp))
        pages, last = {}, {}

        def run(path, limits=None):
            result = import_document(path, registry=registry, limits=limits)
            pages[path.suffix] = result["source"]["pages"]
            last[path.name] = result

        cases = [
            ("parse the text in memory (baseline)", timed(lambda: parse_plan_text(text), ROUNDS)),
            ("text file (UTF-8)", timed(lambda: run(SEED_TEXT), ROUNDS)),
            ("DOCX (LibreOffice)", timed(lambda: run(docx), ROUNDS)),
            ("PDF with a text layer (pdftotext)", timed(lambda: run(pdf), ROUNDS)),
            (f"scanned PDF, OCR at 300 dpi, one page at a time ({OCR_ROUNDS} runs)",
             timed(lambda: run(scan, Limits(ocr_processes=1)), OCR_ROUNDS)),
            (f"scanned PDF, OCR at 300 dpi, {Limits().ocr_processes} pages at a time "
             f"({OCR_ROUNDS} runs)", timed(lambda: run(scan), OCR_ROUNDS)),
        ]
    recovery = {name: (compare(r["plan"], r["flags"], text_ratio=0.9), len(r["flags"]))
                for name, r in last.items()}  # outside the timings: the comparison is slow
    n_pages = pages.get(".pdf", 0)
    base = statistics.median(cases[0][1][0])
    lines = [f"\n## {datetime.now():%Y-%m-%d %H:%M} — plan import of the seed decision 1925/QĐ-UBND "
             f"({len(text):,} characters, {n_pages} PDF pages), {os.cpu_count()} cores, loaded "
             "machine\n", "| case | median s | p95 s | × baseline | peak MB (Python) |",
             "|---|---|---|---|---|"]
    for label, (samples, peak) in cases:
        med = statistics.median(samples)
        lines.append(f"| {label} | {med:.3f} | {p95(samples):.3f} | {med / base:.1f} | {peak:.1f} |")
    lines.append("\nRecovery against plans/vinh-long-1925-2023.yaml (targets, actions, named "
                 "responsibilities; acceptance: ≥ 95 % text/DOCX/PDF, ≥ 85 % scan):\n")
    for name, (score, n_flags) in recovery.items():
        kinds = ", ".join(f"{k} {score.found[k]}/{score.total[k]}" for k in score.total)
        lines.append(f"- {name}: {kinds} — {score.rate():.1%}; {len(score.invented)} invented, "
                     f"{n_flags} flags" + "".join(f"; miss {m}" for m in score.misses))
    publish("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
