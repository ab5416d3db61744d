"""The classification of S&T fields (Circular 24/2025): the shipped 6 fields and the mapping from
Decision 12/2008, and the loader for the full list, which checks a file whole before writing."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stiplan.registry.models import LegacyFieldCode, ScienceField

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("registry", *args, stdout=out)
    return out.getvalue()


def test_the_shipped_classification_holds_the_six_fields_of_circular_24_2025():
    summary = json.loads(run("fields", "--format", "json"))
    assert summary == {"fields": 6, "legacy_codes": 6}
    assert list(ScienceField.objects.values_list("code", "name", "level")) == [
        ("1", "Khoa học tự nhiên", 1), ("2", "Khoa học kỹ thuật và công nghệ", 1),
        ("3", "Khoa học y, dược", 1), ("4", "Khoa học nông nghiệp", 1), ("5", "Khoa học xã hội", 1),
        ("6", "Khoa học nhân văn", 1)]
    assert LegacyFieldCode.objects.get(code="4").field.name == "Khoa học nông nghiệp"


def test_a_full_list_loads_with_levels_and_parents_from_the_codes(tmp_path):
    run("fields")
    sheet = tmp_path / "full.csv"
    sheet.write_text("code,name,name_en,oecd\n"
                     "40101,Chuyên ngành thử A,,\n"  # its parent comes later in the same file
                     "401,Ngành thử,,4.1\n"
                     "4010101,Chuyên ngành hẹp thử,,\n", encoding="utf-8")
    mapping = tmp_path / "map.csv"
    mapping.write_text("code_2008,name_2008,code_2025\n40101,Tên cũ,40101\n", encoding="utf-8")
    run("fields", str(sheet), "--legacy", str(mapping))
    leaf = ScienceField.objects.get(code="4010101")
    assert (leaf.level, leaf.parent.code, leaf.parent.parent.code, leaf.parent.parent.parent.code) == (
        7, "40101", "401", "4")
    assert LegacyFieldCode.objects.get(code="40101").field == leaf.parent


def test_a_file_with_bad_rows_loads_nothing_and_names_each_line(tmp_path):
    run("fields")
    sheet = tmp_path / "bad.csv"
    sheet.write_text("code,name\n701,Không có lĩnh vực 7\n12,Hai chữ số\n401,\n401,Lặp\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        run("fields", str(sheet))
    message = str(refused.value)
    for expected in ("Dòng 2: mã «701» không có cấp trên «7»", "Dòng 3: mã «12» phải gồm 1, 3, 5 hoặc 7",
                     "Dòng 4: thiếu tên", "Dòng 5: mã «401» lặp lại"):
        assert expected in message
    assert ScienceField.objects.count() == 6


def test_a_file_without_the_code_column_is_refused(tmp_path):
    sheet = tmp_path / "nocode.csv"
    sheet.write_text("ma,ten\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="code"):
        run("fields", str(sheet))
