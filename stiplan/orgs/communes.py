"""The 2025 commune-level reorganisation (Nghị quyết 1687/NQ-UBTVQH15) as units and events.

Reads the official list of the new province's communes and wards and the table of former units
(`data/orgs/communes-2025/`), checks it whole, and returns an orgs file (units and events) that
`apply_orgs` loads: each former commune ends on 30/6/2025 and passes to its new unit (the partly
divided ones as splits), and each former district passes its duties to the communes that took its
territory. Former units are joined to their district by code and name, never by code alone.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from stiplan.analytics.vntext import fold

REORGANISED_ON = date(2025, 7, 1)
ENDED_ON = date(2025, 6, 30)
SERIES_START = date(2015, 1, 1)
LEGAL_BASIS = "Nghị quyết 1687/NQ-UBTVQH15 ngày 16/6/2025"
DISTRICTS_ABOLISHED_BY = "Nghị quyết 203/2025/QH15"
NEW_PROVINCE = "VL25"
# Former provinces by their statistics code (Quyết định 124/2004/QĐ-TTg numbering).
FORMER_PROVINCES = {"86": "VL", "83": "BT", "84": "TV"}
NEW_TYPES = {"xa": ("xã", "commune"), "phuong": ("phường", "ward")}
SHARES = {"full", "partial", "unchanged"}
OLD_KINDS = {"xa": ("xã", "commune"), "phuong": ("phường", "ward"), "thi tran": ("thị trấn", "township")}


class CommuneDataError(ValueError):
    """The commune tables are inconsistent; the message names file, row and column."""


def _refused(place: str, vi: str, en: str) -> CommuneDataError:
    return CommuneDataError(f"{place}: {vi} / {en}")


@dataclass(frozen=True)
class FormerUnit:
    code: str
    name: str
    province: str  # VL, BT, TV
    district: str  # the district unit's code in stiplan


def unit_code(province: str, gso_code: str) -> str:
    return f"{province}.X{gso_code}"


def _rows(text: str, name: str, columns: set[str]) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = columns - set(reader.fieldnames or [])
    if missing:
        raise _refused(name, f"thiếu cột {', '.join(sorted(missing))}", "missing columns")
    return list(reader)


def _split_name(full: str) -> tuple[str, str, str]:
    """'Xã Cái Nhum' → ('xã', 'commune', 'Cái Nhum'); the kind is read from the first words."""
    folded = fold(full)
    for key, (vi, en) in OLD_KINDS.items():
        if folded.startswith(key + " "):
            return vi, en, full.split(" ", len(key.split()))[-1].strip()
    raise _refused(f"tên «{full}»", "không bắt đầu bằng Xã/Phường/Thị trấn", "unknown kind of unit")


def _committee(full: str) -> dict:
    vi, en, place = _split_name(full)
    return {"name": f"Ủy ban nhân dân {vi} {place}", "short_name": f"UBND {vi} {place}",
            "name_en": f"People's Committee of {place} {en}"}


def district_index(districts: dict[str, str]) -> dict[tuple[str, str], str]:
    """{(province prefix, folded name without 'Ủy ban nhân dân'): unit code} from stiplan's
    district units ({code: name})."""
    index = {}
    for code, name in districts.items():
        prefix = code.split(".", 1)[0]
        index[(prefix, fold(name).removeprefix("uy ban nhan dan "))] = code
    return index


def build(communes_csv: str, pairs_csv: str, districts: dict[str, str]) -> dict:
    """The orgs file (normal form of `parse_orgs`) for the reorganisation; raises CommuneDataError."""
    new_rows = _rows(communes_csv, "communes.csv", {"code", "name", "type"})
    pair_rows = _rows(pairs_csv, "communes_old_to_new.csv", {
        "new_code", "new_name", "nq1687_clause", "old_code", "old_name", "old_district",
        "old_province_code", "share"})
    index = district_index(districts)
    new_units: dict[str, dict] = {}
    for n, row in enumerate(new_rows, start=2):
        if row["type"] not in NEW_TYPES:
            raise _refused(f"communes.csv dòng {n}, cột type", f"«{row['type']}» không phải xa/phuong",
                           "not xa/phuong")
        if row["code"] in new_units or not row["code"].isdigit():
            raise _refused(f"communes.csv dòng {n}, cột code", f"mã «{row['code']}» trùng hoặc sai",
                           "duplicated or malformed code")
        new_units[row["code"]] = row
    former: dict[str, FormerUnit] = {}
    heirs: dict[str, list[tuple[str, str]]] = defaultdict(list)  # former code → [(new code, share)]
    clauses: dict[str, str] = {}
    for n, row in enumerate(pair_rows, start=2):
        where = f"communes_old_to_new.csv dòng {n}"
        if row["new_code"] not in new_units:
            raise _refused(f"{where}, cột new_code", f"«{row['new_code']}» không có trong communes.csv",
                           "not in communes.csv")
        if fold(row["new_name"]) != fold(new_units[row["new_code"]]["name"]):
            raise _refused(f"{where}, cột new_name", f"«{row['new_name']}» khác tên trong communes.csv",
                           "differs from communes.csv")
        if row["share"] not in SHARES:
            raise _refused(f"{where}, cột share", f"«{row['share']}» không phải full/partial/unchanged",
                           "not full/partial/unchanged")
        province = FORMER_PROVINCES.get(row["old_province_code"])
        if province is None:
            raise _refused(f"{where}, cột old_province_code", f"tỉnh «{row['old_province_code']}» lạ",
                           "unknown province")
        district = index.get((province, fold(row["old_district"])))
        if district is None:
            raise _refused(f"{where}, cột old_district",
                           f"không tìm thấy «{row['old_district']}» của tỉnh {province}",
                           "district not found")
        unit = FormerUnit(row["old_code"], row["old_name"], province, district)
        known = former.setdefault(unit.code, unit)
        if (known.district, fold(known.name)) != (district, fold(unit.name)):
            raise _refused(f"{where}, cột old_code", f"mã cũ {unit.code} ghi hai đơn vị khác nhau",
                           "one former code names two units")
        heirs[unit.code].append((row["new_code"], row["share"]))
        clauses[row["new_code"]] = row["nq1687_clause"]
    for code, pairs in heirs.items():
        divided = len(pairs) > 1
        if divided != all(share == "partial" for _, share in pairs):
            raise _refused(f"communes_old_to_new.csv, đơn vị cũ {code} ({former[code].name}), cột share",
                           "đơn vị chia cho nhiều đơn vị mới thì mọi dòng phải là partial, và ngược lại",
                           "a divided unit must be partial in every row, and only then")
    orphans = sorted(set(new_units) - {code for pairs in heirs.values() for code, _ in pairs})
    if orphans:
        raise _refused("communes.csv, cột code", f"đơn vị mới không có đơn vị cũ nào: {orphans}",
                       "new units without a former unit")
    return {"schema": "stiplan.orgs/1",
            "units": _new_units(new_units) + _former_units(former),
            "events": _events(new_units, former, heirs, clauses, districts)}


def _new_units(new_units: dict[str, dict]) -> list[dict]:
    return [{"code": f"{NEW_PROVINCE}.X{code}", "type": "commune", **_committee(row["name"]),
             "parent": f"{NEW_PROVINCE}.UBND", "valid_from": REORGANISED_ON, "valid_to": None,
             "synthetic": False, "note": f"Mã thống kê {code}; {LEGAL_BASIS}"}
            for code, row in new_units.items()]


def _former_units(former: dict[str, FormerUnit]) -> list[dict]:
    return [{"code": unit_code(u.province, u.code), "type": "commune", **_committee(u.name),
             "parent": u.district, "valid_from": SERIES_START, "valid_to": ENDED_ON,
             "synthetic": False, "note": f"Mã thống kê {u.code} (trước 1/7/2025)"}
            for u in sorted(former.values(), key=lambda u: (u.province, u.code))]


def _event(code: str, kind: str, title: str, links: list[tuple[str, str]], basis: str) -> dict:
    return {"code": code, "date": REORGANISED_ON, "kind": kind, "title": title, "legal_basis": basis,
            "confirmed": True, "links": [{"source": s, "target": t, "function": ""} for s, t in links]}


def _events(new_units: dict, former: dict[str, FormerUnit], heirs: dict, clauses: dict,
            districts: dict[str, str]) -> list[dict]:
    events = []
    for code, row in new_units.items():
        sources = [f for f, pairs in heirs.items() if (code, "full") in pairs or (code, "unchanged") in pairs]
        if not sources:
            continue  # formed only from parts of divided units: the split events name it
        unchanged = all((code, "unchanged") in heirs[f] for f in sources)
        kind, verb = ("rename", "chuyển sang tỉnh mới") if unchanged else ("merge", "thành lập từ")
        names = "; ".join(former[f].name for f in sorted(sources))
        events.append(_event(
            f"2025-07-01-NQ1687-{code}", kind, f"{row['name']}: {verb} {names}",
            [(unit_code(former[f].province, f), f"{NEW_PROVINCE}.X{code}") for f in sorted(sources)],
            f"{LEGAL_BASIS}, khoản {clauses[code]}"))
    for f, pairs in sorted(heirs.items()):
        if len(pairs) > 1:
            targets = sorted(code for code, _ in pairs)
            events.append(_event(
                f"2025-07-01-NQ1687-chia-{f}", "split",
                f"{former[f].name} chia về " + "; ".join(new_units[t]["name"] for t in targets),
                [(unit_code(former[f].province, f), f"{NEW_PROVINCE}.X{t}") for t in targets], LEGAL_BASIS))
    by_district: dict[str, set[str]] = defaultdict(set)
    for f, pairs in heirs.items():
        by_district[former[f].district].update(code for code, _ in pairs)
    for district, codes in sorted(by_district.items()):
        events.append(_event(
            f"2025-07-01-{district}", "abolish",
            f"Kết thúc hoạt động cấp huyện: {districts[district]}; nhiệm vụ chuyển về các xã, phường"
            " đã nhận địa bàn",
            [(district, f"{NEW_PROVINCE}.X{c}") for c in sorted(codes)], DISTRICTS_ABOLISHED_BY))
    return events
