"""Benchmark: an uploaded workbook of 10,000 values is validated and saved (target ≤ 3 s).

A synthetic report with 2,500 indicators × 4 input columns (value, source, note, explanation).
Each round builds a fresh template (not timed), fills every input cell with new values, then
times `apply_upload` (check + save + audit). Baseline in the same run: `parse_upload` alone.
"""

from __future__ import annotations

import io
import os
import sys
import time
from datetime import date, datetime

from common import fresh_django, publish, table

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
ROWS = 2500


def setup():
    fresh_django()
    from stiplan.orgs.models import OrgUnit
    from stiplan.plans.models import Indicator, Plan
    from stiplan.reporting.models import IndicatorItem, Round, UnitReport

    plan = Plan.objects.get()
    Indicator.objects.bulk_create(
        Indicator(code=f"bench-{i:05d}", name=f"Chỉ tiêu thử nghiệm {i}", unit="triệu đồng",
                  direction="higher_is_better", value_type="number") for i in range(ROWS))
    round_ = Round.objects.create(plan=plan, kind="ad_hoc", year=2025, title="Benchmark",
                                  opened_on=date(2025, 11, 1), deadline=date(2030, 12, 10))
    report = UnitReport.objects.create(round=round_, unit=OrgUnit.objects.get(code="VL25.STC"))
    IndicatorItem.objects.bulk_create(
        IndicatorItem(report=report, indicator=ind, min_value=0, max_value=10**9)
        for ind in Indicator.objects.filter(code__startswith="bench-"))
    return report


def filled(report, seed: int) -> bytes:
    import openpyxl

    from stiplan.reporting.excel import build_template

    wb = openpyxl.load_workbook(io.BytesIO(build_template(report)))
    ws = wb["Chỉ tiêu"]
    for row in range(6, 6 + ROWS):
        ws.cell(row, 4).value = f"{(row * 37 + seed) % 100000:,}".replace(",", ".") + ",5"
        ws.cell(row, 5).value = f"Nguồn {seed}"
        ws.cell(row, 6).value = f"Ghi chú {row} lần {seed}"
        ws.cell(row, 7).value = "Giải trình thử nghiệm"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> int:
    report = setup()
    from django.contrib.auth import get_user_model

    from stiplan.reporting.excel import apply_upload, parse_upload

    user = get_user_model().objects.get(username="baocao.stc")
    full, parse = [], []
    for seed in range(ROUNDS):
        report.refresh_from_db()
        raw = filled(report, seed)
        start = time.perf_counter()
        parse_upload(report, raw)
        parse.append(time.perf_counter() - start)
        start = time.perf_counter()
        changed = apply_upload(report, raw, by=user)
        full.append(time.perf_counter() - start)
        assert changed == ROWS, changed
    from django.db import connection

    text = (f"\n## {datetime.now():%Y-%m-%d %H:%M} — upload of {ROWS * 4:,} values, {ROUNDS} rounds, "
            f"{connection.vendor}\n\n")
    text += table([("check only: parse_upload (baseline)", parse),
                   ("check + save + audit: apply_upload", full)], "s", 2, 1)
    publish(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
