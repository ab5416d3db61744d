"""Reading YAML input: line numbers are kept and every failure is an InputError with a place."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stiplan.core import yamlio as y


def test_lines_are_kept_for_keys_and_list_items():
    doc = y.load_yaml("a: 1\nitems:\n  - x: 1\n  - x: 2\n")
    assert y.line_of(doc, "items") == 2
    assert y.line_of(doc["items"], 1) == 4


def test_malformed_yaml_names_the_line_in_both_languages():
    with pytest.raises(y.InputError) as err:
        y.load_yaml("a: 1\nb: [1, 2\nc: 3\n")
    text = str(err.value)
    assert "Dòng" in text and "line" in text and "YAML" in text
    assert err.value.problems[0].line is not None


def test_non_utf8_and_oversized_files_are_refused():
    with pytest.raises(y.InputError, match="UTF-8"):
        y.load_yaml(b"a: \xff\xfe")
    with pytest.raises(y.InputError, match="5 MB"):
        y.load_yaml(b"a" * (y.MAX_BYTES + 1))


def test_checker_reports_missing_unknown_duplicated_and_mistyped_fields():
    doc = y.load_yaml("code: x\ncode: y\nyear: abc\ncolour: red\n")
    c = y.Checker()
    c.fields(doc, "plan", {"code": (y.TEXT, y.REQUIRED), "year": (y.INT, y.REQUIRED),
                           "title": (y.TEXT, y.REQUIRED)})
    found = {(p.path, p.line) for p in c.problems}
    assert ("plan.code", 2) in found  # duplicated key
    assert ("plan.year", 3) in found  # not an integer
    assert ("plan.colour", 4) in found  # unknown field
    assert any(p.path == "plan.title" for p in c.problems)  # missing


@given(st.text(max_size=300))
def test_any_text_either_parses_or_raises_input_error(text):
    try:
        y.load_yaml(text)
    except y.InputError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)


@given(st.binary(max_size=300))
def test_any_bytes_either_parse_or_raise_input_error(raw):
    try:
        y.load_yaml(raw)
    except y.InputError as exc:
        assert exc.problems


@pytest.mark.parametrize("text", ["a: 2023-13-45", "[" * 5000, "a: !!python/object:os.system x",
                                  "&a [*a]"])
def test_hostile_or_impossible_values_are_input_errors(text):
    with pytest.raises(y.InputError):
        y.load_yaml(text)


def test_an_impossible_date_is_reported_on_its_line():
    with pytest.raises(y.InputError) as err:
        y.load_yaml("a: 1\nb:\n  date: 2023-13-45\n")
    assert err.value.problems[0].line == 3


def test_nesting_up_to_the_size_limit_is_refused_plainly():
    """libyaml's parser stops at its nesting depth: a 5 MB tower of brackets is an InputError that
    names the problem, not a crash of the process."""
    depth = (y.MAX_BYTES - 10) // 2
    with pytest.raises(y.InputError, match="nesting depth") as err:
        y.load_yaml(("[" * depth + "]" * depth).encode())
    assert err.value.problems[0].line == 1


ALIAS_BOMB = "\n".join(["bomb0: &bomb0 [a, a, a, a, a, a, a, a, a, a]"] + [
    f"bomb{i}: &bomb{i} [" + ", ".join([f"*bomb{i - 1}"] * 10) + "]" for i in range(1, 30)])


def test_an_alias_bomb_is_read_without_expanding_it():
    """Thirty levels of ten aliases each name 10^30 leaves; each alias is one shared object, so
    the file reads as small as it is written."""
    doc = y.load_yaml(ALIAS_BOMB)
    assert doc["bomb29"][0] is doc["bomb28"] and len(doc["bomb29"]) == 10


@pytest.mark.django_db
def test_an_alias_bomb_in_a_plan_file_is_refused_naming_its_field():
    from pathlib import Path

    from stiplan.plans.io import parse_plan

    plan = (Path(__file__).resolve().parents[2] / "plans" / "vinh-long-1925-2023.yaml").read_text()
    hostile = ALIAS_BOMB + "\n" + plan.replace("targets:", "bombs: *bomb29\ntargets:", 1)
    with pytest.raises(y.InputError) as err:
        parse_plan(hostile.encode())
    assert any("bomb" in p.path for p in err.value.problems), err.value
