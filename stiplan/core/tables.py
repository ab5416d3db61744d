"""A table (a header and rows of plain values) as a downloadable CSV, JSON or XLSX file: the one
writer behind the indicator downloads and the open datasets."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import Http404, HttpResponse
from openpyxl import Workbook

from stiplan.core.constants import MIME_XLSX

FORMATS = ("csv", "json", "xlsx")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json",
               "xlsx": MIME_XLSX}


def plain(value):
    """A cell as JSON and spreadsheets take it: numbers stay numbers, days become ISO text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def table_bytes(header: Sequence[str], rows: Iterable[Sequence], fmt: str, *, sheet: str = "data",
                meta: dict | None = None) -> bytes:
    """The table in `fmt`. CSV starts with a UTF-8 byte order mark, so that Excel reads the
    Vietnamese letters; JSON is {"meta": …, "columns": header, "rows": [{column: value}]}."""
    rows = [[plain(v) for v in row] for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        return out.getvalue().encode("utf-8")
    if fmt == "json":
        body = {**({"meta": meta} if meta else {}), "columns": list(header),
                "rows": [dict(zip(header, row, strict=True)) for row in rows]}
        return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
    if fmt == "xlsx":
        workbook = Workbook()
        ws = workbook.active
        ws.title = sheet[:31]
        ws.append(list(header))
        for row in rows:
            ws.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    raise Http404(fmt)


def download(body: bytes, media_type: str, filename: str) -> HttpResponse:
    """`body` as an attachment named `filename`."""
    response = HttpResponse(body, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_response(header: Sequence[str], rows: Iterable[Sequence], fmt: str, filename: str,
                   **kwargs) -> HttpResponse:
    """The table as a download named `filename`.`fmt` (404 for another format)."""
    if fmt not in FORMATS:
        raise Http404(fmt)
    return download(table_bytes(header, rows, fmt, **kwargs), MEDIA_TYPES[fmt], f"{filename}.{fmt}")
