"""The shipped index frameworks and the framework loaders' checks."""

from pathlib import Path

import pytest

from stiplan.analytics.index import FrameworkError, load_imeta, load_yaml

ROOT = Path(__file__).resolve().parents[2]
PII_PILLARS = [
    "Thể chế",
    "Vốn con người và nghiên cứu",
    "Cơ sở hạ tầng",
    "Trình độ phát triển thị trường",
    "Trình độ phát triển kinh doanh",
    "Sản phẩm tri thức, sáng tạo và công nghệ",
    "Tác động",
]


def test_pii_2024_has_7_pillars_18_groups_52_indicators():
    fw = load_yaml(ROOT / "data/index/pii-2024.yaml")
    assert [len(fw.level(lev)) for lev in range(1, 6)] == [52, 18, 7, 2, 1]
    assert [fw.by_code[p].name for p in fw.level(3)] == PII_PILLARS
    assert [fw.by_code[p].parent for p in fw.level(3)] == ["IN"] * 5 + ["OUT"] * 2
    assert fw.efficiency == ("OUT", "IN")
    known = [fw.by_code[c] for c in fw.indicators if not fw.by_code[c].placeholder]
    assert len(known) == 24
    assert {n.denominator for n in known} <= {None, *fw.denominators}
    gi = next(n for n in known if "chỉ dẫn địa lý" in n.name)
    assert fw.ancestor(gi.code, 3) == "P6" and gi.denominator == "pop10k"


def test_gii_style_framework():
    fw = load_yaml(ROOT / "data/index/gii-style.yaml")
    assert [len(fw.level(lev)) for lev in range(1, 6)] == [42, 21, 7, 2, 1]
    assert fw.by_code["I4.3.1"].direction == -1


def write(tmp_path, text):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_with_uneven_depth_is_refused(tmp_path):
    text = "schema: stiplan.index/1\ntree:\n  code: X\n  children:\n  - code: A\n"
    path = write(tmp_path, text + "  - code: B\n    children:\n    - code: C\n")
    with pytest.raises(FrameworkError, match="cùng độ sâu"):
        load_yaml(path)


def test_yaml_bad_direction_names_the_node(tmp_path):
    text = "schema: stiplan.index/1\ntree:\n  code: X\n  children:\n  - code: A\n    direction: 2\n"
    path = write(tmp_path, text)
    with pytest.raises(FrameworkError, match="«A»"):
        load_yaml(path)


def test_imeta_unknown_parent_is_refused(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        "Level,iCode,iName,Direction,Weight,Parent,Type\n1,A,A,1,1,P,Indicator\n2,Q,Q,,1,,Aggregate\n"
    )
    with pytest.raises(FrameworkError, match="«P»"):
        load_imeta(path)
