"""The 124 real communes and wards of the new province (Nghị quyết 1687/NQ-UBTVQH15) and the
lineage of the 354 former units and 26 districts, as loaded with the reference data."""

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from stiplan.orgs.communes import CommuneDataError, build
from stiplan.orgs.lineage import load_lineage
from stiplan.orgs.models import OrgUnit, ReorgEvent

DATA = Path(__file__).resolve().parents[2] / "data" / "orgs" / "communes-2025"
AFTER = date(2026, 1, 1)


def table(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def units_2026(db, capsys):
    call_command("units", "at", "2026-01-01", "--type", "commune", "--format", "json")
    return json.loads(capsys.readouterr().out)["units"]


def test_the_new_province_has_105_communes_and_19_wards_with_their_official_codes(units_2026):
    assert len(units_2026) == 124 and not any(u["synthetic"] for u in units_2026)
    assert sum(" xã " in u["name"] for u in units_2026) == 105
    assert sum(" phường " in u["name"] for u in units_2026) == 19
    official = {row["code"]: row["name"] for row in table("communes.csv")}
    assert {u["code"].removeprefix("VL25.X") for u in units_2026} == set(official)
    for unit in units_2026:
        place = official[unit["code"].removeprefix("VL25.X")].split(" ", 1)[1]
        assert unit["name"].endswith(" " + place)


@pytest.mark.parametrize(("former", "heirs"), [
    ("Thị trấn Trà Ôn", {"Xã Trà Ôn", "Xã Ngãi Tứ"}),
    ("Thị trấn Tam Bình", {"Xã Trà Côn", "Xã Tam Bình"}),
    ("Xã Ngãi Tứ", {"Xã Ngãi Tứ", "Phường Cái Vồn"}),
    ("Phường Cái Vồn", {"Phường Bình Minh", "Phường Cái Vồn"}),
    ("Phường Thành Phước", {"Phường Bình Minh", "Phường Cái Vồn"}),
])
def test_a_divided_former_unit_names_both_heirs(db, capsys, former, heirs):
    """The five partial divisions that the resolution states (README of the data set)."""
    unit = OrgUnit.objects.get(name=f"Ủy ban nhân dân {former[0].lower()}{former[1:]}",
                               code__startswith="VL.X")
    call_command("units", "successors", unit.code, "--on", "2026-01-01", "--format", "json")
    codes = json.loads(capsys.readouterr().out)["successors"]
    names = {OrgUnit.objects.get(code=c).short_name for c in codes}
    assert names == {f"UBND {h[0].lower()}{h[1:]}" for h in heirs}
    assert ReorgEvent.objects.filter(kind="split", links__source=unit).exists()


def test_every_other_former_unit_passes_whole_to_the_new_unit_the_table_names(db):
    lineage = load_lineage()
    pairs = table("communes_old_to_new.csv")
    prefix = {"86": "VL", "83": "BT", "84": "TV"}
    expected: dict[str, set[str]] = {}
    for row in pairs:
        expected.setdefault(f"{prefix[row['old_province_code']]}.X{row['old_code']}", set()).add(
            f"VL25.X{row['new_code']}")
    assert len(expected) == 354
    for code, heirs in expected.items():
        assert set(lineage.successors(code, AFTER)) == heirs, code
    assert sum(len(h) == 2 for h in expected.values()) == 5


def test_each_abolished_district_hands_its_duties_to_the_communes_on_its_territory(db):
    lineage = load_lineage()
    districts = {u.code: u for u in OrgUnit.objects.filter(type="district")}
    assert len(districts) == 26
    long_ho = {f"VL25.X{r['new_code']}" for r in table("communes_old_to_new.csv")
               if r["old_district"] == "Huyện Long Hồ"}
    assert set(lineage.successors("VL.H-LONGHO", AFTER)) == long_ho
    for code in districts:
        assert lineage.successors(code, AFTER), code
        assert all(c.startswith("VL25.X") for c in lineage.successors(code, AFTER))


def test_former_communes_sit_under_their_district_until_30_june_2025(db):
    unit = OrgUnit.objects.get(code="BT.X28924")  # Xã Hòa Lộc, huyện Mỏ Cày Bắc (Bến Tre)
    assert unit.parent.code == "BT.H-MOCAYBAC" and unit.valid_to == date(2025, 6, 30)
    assert load_lineage().successors("BT.X28924", AFTER) == ["VL25.X28921"]  # Xã Tân Thành Bình


def _bad(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(("target", "old", "new", "named"), [
    ("pairs", "29641,Xã Cái Nhum,xa,1,29629", "99999,Xã Cái Nhum,xa,1,29629", "cột new_code"),
    ("pairs", "Tỉnh Vĩnh Long,full", "Tỉnh Vĩnh Long,most", "cột share"),
    ("pairs", "858,Huyện Mang Thít", "858,Huyện Mang Thít Mới", "cột old_district"),
    ("pairs", "Thị trấn Trà Ôn,862,Huyện Trà Ôn,86,Tỉnh Vĩnh Long,partial",
     "Thị trấn Trà Ôn,862,Huyện Trà Ôn,86,Tỉnh Vĩnh Long,full", "partial"),
    ("communes", ",xa,", ",thon,", "cột type"),
])
def test_a_wrong_row_is_refused_naming_its_place_and_nothing_is_loaded(db, tmp_path, target, old, new, named):
    communes, pairs = (DATA / "communes.csv").read_text(), (DATA / "communes_old_to_new.csv").read_text()
    if target == "pairs":
        pairs = _bad(pairs, old, new)
    else:
        communes = _bad(communes, old, new)
    districts = dict(OrgUnit.objects.filter(type="district").values_list("code", "name"))
    with pytest.raises(CommuneDataError, match=named):
        build(communes, pairs, districts)
    (tmp_path / "communes.csv").write_text(communes)
    (tmp_path / "communes_old_to_new.csv").write_text(pairs)
    count = OrgUnit.objects.count()
    with pytest.raises(CommandError, match=named):
        call_command("units", "communes", str(tmp_path))
    assert OrgUnit.objects.count() == count


def test_loading_the_tables_again_changes_nothing(db, capsys):
    call_command("units", "communes", str(DATA))
    assert capsys.readouterr().out.strip() == "units_created=0 units_updated=0 events=0"
