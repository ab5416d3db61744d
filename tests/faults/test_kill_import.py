"""kill -9 of a process in the middle of an Excel import (reporting.excel.apply_upload, the path
the upload page and the API take): the report is exactly as before or exactly as after, never in
between (items, version, audit log), and the same upload then goes through."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import pytest

from tests.faults.conftest import PRELUDE, ROOT

pytestmark = pytest.mark.slow

# The child fills the Sở Tài chính template of 2025 the way an official would, then uploads it.
# FAULTS_PAUSE makes it wait after each write it sends to the database, so the parent can kill
# it while the import's transaction is open; the product code is not touched.
UPLOAD = """
import io, time
import openpyxl
from django.contrib.auth import get_user_model
from django.db import connection
from stiplan.reporting.excel import FIRST_ROW, apply_upload, build_template
from stiplan.reporting.models import UnitReport

report = UnitReport.objects.get(round__year=2025, round__kind="annual", unit__code="VL25.STC")
book = openpyxl.load_workbook(io.BytesIO(build_template(report)))
sheet = book["Nhiệm vụ"]
for row in range(FIRST_ROW, sheet.max_row + 1):
    if sheet.cell(row, 1).value:
        sheet.cell(row, 4).value = "Đang triển khai"
        sheet.cell(row, 6).value = f"Kết quả của dòng {row}"
raw = io.BytesIO()
book.save(raw)
pause = float(os.environ.get("FAULTS_PAUSE", "0"))
writes = 0

def slowly(execute, sql, params, many, context):
    global writes
    result = execute(sql, params, many, context)
    if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
        writes += 1
        print("WRITE", writes, flush=True)
        time.sleep(pause)
    return result

print("START", flush=True)
user = get_user_model().objects.get(username="baocao.stc")
with connection.execute_wrapper(slowly):
    print("CHANGED", apply_upload(report, raw.getvalue(), by=user), flush=True)
"""


def report_id(stack) -> int:
    return stack.query(
        "SELECT r.id FROM reporting_unitreport r JOIN reporting_round d ON r.round_id = d.id "
        "JOIN orgs_orgunit u ON r.unit_id = u.id WHERE d.year = 2025 AND d.kind = 'annual' "
        "AND u.code = 'VL25.STC'")[0][0]


def state(stack, pk: int) -> dict:
    return {
        "version": stack.query("SELECT version FROM reporting_unitreport WHERE id = %s", (pk,)),
        "items": stack.query("SELECT id, status, done, results, changed_version FROM "
                             "reporting_actionitem WHERE report_id = %s ORDER BY id", (pk,)),
        "audit": stack.query("SELECT count(*) FROM core_auditentry"),
    }


def upload(stack, *, pause: float = 0.0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", PRELUDE + UPLOAD], cwd=ROOT, text=True,
                            env={**stack.env, "FAULTS_PAUSE": str(pause)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill_at(child: subprocess.Popen, line: str) -> None:
    for seen in child.stdout:
        if seen.strip() == line:
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, f"the import ended before {line!r}"


def test_kill_9_mid_import_leaves_before_or_after_and_the_upload_goes_through(stack):
    pk = report_id(stack)
    before = state(stack, pk)
    seen = []
    for write in (1, 2, 3):  # inside the import's transaction: items, audit, version
        kill_at(upload(stack, pause=1.5), f"WRITE {write}")
        seen.append(state(stack, pk))
        assert seen[-1] == before, f"killed after write {write}: the report changed"
    rng = random.Random(9)
    for _run in range(3):  # and at moments nobody chose
        child = upload(stack, pause=0.05)
        assert child.stdout.readline().strip() == "START"
        time.sleep(rng.uniform(0, 1.5))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        seen.append(state(stack, pk))

    child = upload(stack)
    out, err = child.communicate(timeout=180)
    assert child.returncode == 0, err[-3000:]
    after = state(stack, pk)
    # After: every action item saved from the sheet, one new version, one audit entry per item.
    items = after["items"]
    assert len(items) == 18 and {status for _id, status, *_rest in items} == {"in_progress"}
    assert all(results.startswith("Kết quả của dòng") for _i, _s, _d, results, _v in items)
    assert after["version"][0][0] == before["version"][0][0] + 1
    assert after["audit"][0][0] == before["audit"][0][0] + 18
    assert all(s in (before, after) for s in seen), "a killed import left the report in between"
