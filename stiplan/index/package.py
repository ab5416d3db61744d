"""The yearly submission package for the Academy's form: a ZIP with the values as CSV and as XLSX
(with units and sources), every evidence file, and a manifest naming each file's SHA-256."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

from django.utils import timezone
from openpyxl import Workbook

from stiplan.index.models import IndexEdition, IndexValue

COLUMNS = ["code", "name", "unit", "denominator", "value", "source", "state", "entered_by",
           "reviewed_by", "explanation", "evidence"]


def _text(value) -> str:
    """A cell as text that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def rows(edition: IndexEdition, values: list[IndexValue]) -> list[list]:
    fw = edition.framework.tree()
    by_code = {v.code: v for v in values}
    order = list(fw.denominators) + list(fw.indicators)
    out = []
    for code in order:
        v = by_code.get(code)
        node = fw.by_code.get(code)
        out.append([
            code, node.name if node else fw.denominators[code], node.unit if node else "",
            (node.denominator or "") if node else "", v.value if v else None,
            v.source if v else "", v.state if v else "missing",
            v.entered_by.get_username() if v and v.entered_by else "",
            v.reviewed_by.get_username() if v and v.reviewed_by else "",
            v.explanation if v else "", evidence_name(v) if v and v.evidence else "",
        ])
    return out


def evidence_name(v: IndexValue) -> str:
    return f"evidence/{v.code}-{v.evidence_name}"


def build(edition: IndexEdition, values: list[IndexValue], by_label: str) -> bytes:
    """The ZIP, in memory."""
    table = rows(edition, values)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    writer.writerows([_text(c) if not isinstance(c, float) else c for c in r] for r in table)
    book = Workbook()
    sheet = book.active
    sheet.title = "values"
    sheet.append(COLUMNS)
    for r in table:
        sheet.append([c if isinstance(c, float) or c is None else _text(c) for c in r])
    xlsx = io.BytesIO()
    book.save(xlsx)
    files = {"values.csv": text.getvalue().encode("utf-8-sig"), "values.xlsx": xlsx.getvalue()}
    for v in values:
        if v.evidence:
            with v.evidence.open("rb") as fh:
                files[evidence_name(v)] = fh.read()
    manifest = {
        "index": edition.framework.code, "year": edition.year, "province": edition.home,
        "province_name": edition.unit_names()[edition.home], "made_at": timezone.now().isoformat(),
        "made_by": by_label, "values": sum(1 for v in values if v.value is not None),
        "states": {s: sum(1 for v in values if v.state == s) for s in {v.state for v in values}},
        "files": {name: hashlib.sha256(raw).hexdigest() for name, raw in files.items()},
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, raw in files.items():
            archive.writestr(name, raw)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return out.getvalue()
