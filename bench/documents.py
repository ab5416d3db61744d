"""Benchmark: the 2025 yearly report of the demo, in all three formats (target ≤ 10 s).

Times, on the demo data (74 unit reports, 425 indicator values in the annex), the whole job as the
user runs it — assemble the content, write DOCX, PDF and XLSX, archive — and each part alone. The
baseline of the ratio is assembling the content (reading the data) without writing any file.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import datetime

from common import fresh_django, publish

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))


def timed(fn, rounds: int = ROUNDS) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> int:
    fresh_django()
    os.environ["STIPLAN_JOBS_SYNC"] = "1"
    from django.db import connection

    from stiplan.demo.rounds import create_demo_rounds
    from stiplan.demo.series import create_demo_series
    from stiplan.documents import actions as act
    from stiplan.documents import content as assembly
    from stiplan.documents.layouts import template_for
    from stiplan.documents.models import JobState
    from stiplan.documents.pdf import render_pdf
    from stiplan.documents.word import render_docx
    from stiplan.documents.workbook import render_xlsx
    from stiplan.reporting.models import Round

    create_demo_rounds()
    create_demo_series()
    round_ = Round.objects.get(year=2025, kind="annual")
    content = assembly.annual(round_)
    template = template_for("annual", "default")
    render_pdf(content)  # warm up: fonts, matplotlib, templates

    def whole_job():
        document = act.request_document(round_, by=None, run_now=True)
        assert document.state == JobState.DONE, document.error

    cases = [
        ("assemble the content only (baseline)", timed(lambda: assembly.annual(round_))),
        ("DOCX from the content", timed(lambda: render_docx(content, template))),
        ("PDF from the content", timed(lambda: render_pdf(content))),
        ("XLSX from the content", timed(lambda: render_xlsx(content))),
        ("whole job: assemble + DOCX + PDF + XLSX + archive", timed(whole_job)),
    ]
    base = statistics.median(cases[0][1])
    lines = [f"\n## {datetime.now():%Y-%m-%d %H:%M} — yearly report 2025 of the demo, all three "
             f"formats, {ROUNDS} rounds, {connection.vendor}\n",
             "| case | median s | p95 s | × baseline |", "|---|---|---|---|"]
    for name, xs in cases:
        p95 = statistics.quantiles(xs, n=20)[-1] if len(xs) > 1 else xs[0]
        lines.append(f"| {name} | {statistics.median(xs):.2f} | {p95:.2f} | "
                     f"{statistics.median(xs) / base:.1f} |")
    text = "\n".join(lines) + "\n"
    publish(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
