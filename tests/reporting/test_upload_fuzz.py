"""At least 1,000 generated bad uploads: every one is refused with a message naming its place;
no other exception, and nothing changes (version, items, audit log)."""

import hashlib
import io
import random
import zipfile

import openpyxl
import pytest

from stiplan.core.models import AuditEntry
from stiplan.core.yamlio import InputError
from stiplan.reporting.actions import Conflict, save_items
from stiplan.reporting.excel import STAMP_SHEET, apply_upload, build_template

pytestmark = pytest.mark.django_db
PLACES = ("Trang «", "sheet '", "(tệp)", "Trang «stiplan»")


def fingerprint(report) -> str:
    report.refresh_from_db()
    parts = [str(report.version)]
    parts += [f"{i.pk}:{i.status}:{i.done}:{i.results}" for i in report.action_items.order_by("pk")]
    parts += [f"{i.pk}:{i.value}:{i.source}:{i.note}" for i in report.indicator_items.order_by("pk")]
    parts.append(str(AuditEntry.objects.count()))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def to_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def byte_variants(good: bytes, rng: random.Random):
    yield b""
    yield b"not an excel file at all"
    yield b"PK\x03\x04" + b"\x00" * 100
    for _ in range(150):
        yield good[: rng.randrange(1, len(good) - 1)]
    for _ in range(200):
        raw = bytearray(good)
        for _ in range(rng.randint(1, 20)):
            raw[rng.randrange(30, len(raw))] = rng.randrange(256)
        yield bytes(raw)  # a flip may land where it changes nothing: see "harmless" below
    for _ in range(100):
        yield bytes(rng.randrange(256) for _ in range(rng.randint(1, 4000)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "no workbook here")
    yield out.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/bomb.bin", b"\x00" * (120 * 1024 * 1024))
    yield out.getvalue()


def cell_variants(good: bytes, rng: random.Random, n: int):
    bad_numbers = ["mười hai", "12a", "1,2,3", "=1+1", "1e400x", "--5", "∞", "NaN", "12/12/2025",
                   "-99999999999", "9" * 30, "TRUE", "1.2.3,4"]
    kinds = ["number", "formula", "status", "locked", "unknown-code", "duplicate", "delete",
             "rename-sheet", "drop-stamp", "header", "edit-stamp", "count-fraction"]
    for i in range(n):
        wb = openpyxl.load_workbook(io.BytesIO(good))
        actions, indicators = wb["Nhiệm vụ"], wb["Chỉ tiêu"]
        last_a = max(r for r in range(6, actions.max_row + 1) if actions.cell(r, 1).value)
        last_i = max(r for r in range(6, indicators.max_row + 1) if indicators.cell(r, 1).value)
        kind = kinds[i % len(kinds)]
        row_a, row_i = rng.randint(6, last_a), rng.randint(6, last_i)
        if kind == "number":
            indicators.cell(row_i, 4).value = rng.choice(bad_numbers)
        elif kind == "formula":
            sheet, row = rng.choice([(actions, row_a), (indicators, row_i)])
            sheet.cell(row, rng.choice([4, 5, 6])).value = "=SUM(A1:A2)"
        elif kind == "status":
            actions.cell(row_a, 4).value = rng.choice(["Xong rồi", "done!", "Hoàn thành 100%", "?"])
        elif kind == "locked":
            sheet, row = rng.choice([(actions, row_a), (indicators, row_i)])
            sheet.cell(row, 2).value = f"Sửa ô khóa {i}"
        elif kind == "unknown-code":
            actions.cell(row_a, 1).value = f"X.{i}"
        elif kind == "duplicate":
            for col in range(1, 10):
                actions.cell(last_a + 1, col).value = actions.cell(row_a, col).value
        elif kind == "delete":
            sheet, row = rng.choice([(actions, row_a), (indicators, row_i)])
            sheet.delete_rows(row)
        elif kind == "rename-sheet":
            rng.choice([actions, indicators]).title = f"Trang {i}"
        elif kind == "drop-stamp":
            del wb[STAMP_SHEET]
        elif kind == "header":
            actions.cell(5, rng.randint(1, 9)).value = "Cột khác"
        elif kind == "edit-stamp":
            stamp = wb[STAMP_SHEET]
            stamp["B1"] = str(stamp["B1"].value).replace('"version": ', '"version": 9')
        else:
            code_rows = [r for r in range(6, last_i + 1)
                         if indicators.cell(r, 1).value == "tasks_proposed"]
            indicators.cell(code_rows[0], 4).value = "2,5"
        yield kind, to_bytes(wb)


def test_a_thousand_bad_uploads(users, stc, sgddt, django_user_model, client):
    rng = random.Random(20251210)
    good = build_template(stc)
    before = fingerprint(stc)
    variants = [("bytes", raw) for raw in byte_variants(good, rng)]
    variants += list(cell_variants(good, rng, 600))
    variants.append(("other-unit", build_template(sgddt)))
    wb = openpyxl.load_workbook(io.BytesIO(good))
    ws = wb["Chỉ tiêu"]
    for r in range(ws.max_row + 1, ws.max_row + 60_001):
        ws.cell(r, 1).value = f"x{r}"
    variants.append(("huge-sheet", to_bytes(wb)))
    refused, harmless = 0, 0
    for n, (kind, raw) in enumerate(variants):
        try:
            changed = apply_upload(stc, raw, by=users["reporter"])
        except InputError as exc:
            text = str(exc)
            assert text and any(p in text for p in PLACES), (kind, text[:200])
            refused += 1
        else:
            # Only a byte flip in a part of the zip that carries no data may pass, as a no-op.
            assert kind == "bytes" and changed == 0, f"variant {n} ({kind}) was accepted"
            harmless += 1
    print(f"bad uploads refused: {refused}; harmless byte flips accepted as no-ops: {harmless}")
    assert refused >= 1000, (refused, harmless)
    assert fingerprint(stc) == before
    # An older template: the report changed after it was downloaded.
    save_items(stc, by=users["reporter"], questions={}, actions={
        stc.action_items.select_related("action").first().action.code: {"done": "mới"}})
    changed = fingerprint(stc)
    with pytest.raises(InputError, match="đã thay đổi sau khi tải mẫu"):
        apply_upload(stc, good, by=users["reporter"])
    assert fingerprint(stc) == changed
    # Through the page: redirects with messages, never a server error, nothing saved.
    client.force_login(users["reporter"])
    for kind, raw in variants[::20]:
        upload = io.BytesIO(raw)
        upload.name = "bao-cao.xlsx"
        response = client.post(f"/reporting/reports/{stc.pk}/upload/", {"file": upload})
        assert response.status_code == 302, kind
    assert fingerprint(stc) == changed
    with pytest.raises((InputError, Conflict)):
        apply_upload(stc, good, by=users["reporter"])
