"""Benchmark: the 2025 yearly report of the demo, in all three formats (target ≤ 10 s).

Times, on the demo data (74 unit reports, 425 indicator values in the annex), the whole job as the
user runs it — assemble the content, write DOCX, PDF and XLSX, archive — and each part alone. The
baseline of the ratio is assembling the content (reading the data) without writing any file.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime

from common import fresh_django, publish, table, timed

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))


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
        ("assemble the content only (baseline)", timed(lambda: assembly.annual(round_), ROUNDS)),
        ("DOCX from the content", timed(lambda: render_docx(content, template), ROUNDS)),
        ("PDF from the content", timed(lambda: render_pdf(content), ROUNDS)),
        ("XLSX from the content", timed(lambda: render_xlsx(content), ROUNDS)),
        ("whole job: assemble + DOCX + PDF + XLSX + archive", timed(whole_job, ROUNDS)),
    ]
    text = (f"\n## {datetime.now():%Y-%m-%d %H:%M} — yearly report 2025 of the demo, all three "
            f"formats, {ROUNDS} rounds, {connection.vendor}\n\n") + table(cases, "s", 2, 1)
    publish(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
