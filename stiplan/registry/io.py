"""Registry files: the classification of S&T fields and the mapping from Decision 12/2008 codes,
read from UTF-8 CSV with each row's line number (checked and written by `load_fields`)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from stiplan.registry.actions import FieldRow

DATA = Path(__file__).resolve().parent / "data"
SHIPPED_FIELDS = DATA / "fields-2025.csv"
SHIPPED_LEGACY = DATA / "fields-2008-map.csv"


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(_("Không đọc được tệp %(path)s: %(error)s")
                              % {"path": path, "error": exc}) from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(_("%(path)s: thiếu cột %(columns)s.")
                              % {"path": path, "columns": ", ".join(missing)})
    return list(enumerate(reader, 2))


def read_fields(path: Path = SHIPPED_FIELDS) -> list[FieldRow]:
    """Rows of `code,name,name_en,oecd`."""
    return [FieldRow(line, (r["code"] or "").strip(), r["name"] or "", r.get("name_en") or "",
                     r.get("oecd") or "") for line, r in _rows(path, ("code", "name"))]


def read_legacy(path: Path = SHIPPED_LEGACY) -> list[tuple[int, str, str, str]]:
    """Rows of `code_2008,name_2008,code_2025` as (line, old code, old name, new code)."""
    return [(line, (r["code_2008"] or "").strip(), (r.get("name_2008") or "").strip(),
             (r["code_2025"] or "").strip()) for line, r in _rows(path, ("code_2008", "code_2025"))]
