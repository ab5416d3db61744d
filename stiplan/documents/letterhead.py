"""The Decree 30 blocks of a document (thể thức văn bản): issuing body, number, place and date,
recipients and signature, worked out for the day the document is dated."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from stiplan.orgs.lineage import load_lineage
from stiplan.orgs.models import OrgUnit


def issuer_on(day: date) -> dict:
    """The Department (cơ quan ban hành) valid on `day` and the body it reports to, in capitals."""
    code = settings.STIPLAN_DEPARTMENT_UNIT
    heirs = load_lineage().successors(code, day)
    unit = OrgUnit.objects.select_related("parent").get(code=heirs[0] if heirs else code)
    parent = unit.parent
    return {
        "code": unit.code,
        "name": (unit.short_name or unit.name).upper(),
        "parent": (parent.short_name or parent.name).upper() if parent else "",
        "parent_code": parent.code if parent else "",
    }


def date_line(place: str, day: date) -> str:
    """"Vĩnh Long, ngày 05 tháng 12 năm 2025": days 1–9 and months 1–2 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(number: str) -> str:
    """"Số: 125/BC-SKHCN"; without a number the clerk (văn thư) fills the blank on issue."""
    suffix = settings.STIPLAN_DOCUMENT_SUFFIX
    return f"Số: {number}/{suffix}" if number else f"Số:        /{suffix}"


def default_recipients(kind: str) -> list[str]:
    first = ["Bộ Khoa học và Công nghệ;", "UBND tỉnh (b/c);"] if kind == "annual" else [
        "UBND tỉnh (b/c);"]
    return [*first, "Các sở, ban, ngành, địa phương;", "Ban Giám đốc Sở;", "Lưu: VT, KHTC."]


DEFAULT_SIGNATURE = {"authority": "KT. GIÁM ĐỐC", "title": "PHÓ GIÁM ĐỐC", "name": ""}
