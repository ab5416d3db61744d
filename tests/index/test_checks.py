"""Checks against the definition: bounds from the framework's `bounds`, else from the unit."""

from django.utils import translation

from stiplan.analytics.index import parse_document
from stiplan.index import checks

DOC = {"schema": "stiplan.index/1", "denominators": [{"code": "pop10k", "name": "Dân số"}],
       "tree": {"code": "T", "children": [
           {"code": "B", "unit": "%", "bounds": [10, 50]},
           {"code": "C", "unit": "Đơn / vạn dân", "denominator": "pop10k"},
           {"code": "D", "unit": "%"}]}}


def test_bounds_come_from_the_framework_then_from_the_unit():
    fw = parse_document(DOC)
    assert fw.by_code["B"].bounds == (10.0, 50.0)
    assert checks.errors(fw, "B", 60) and checks.errors(fw, "B", 5) and not checks.errors(fw, "B", 30)
    assert checks.errors(fw, "D", 101) and not checks.errors(fw, "D", 100)  # a percentage
    assert not checks.errors(fw, "C", 1e7) and checks.errors(fw, "C", -1)  # a count: only ≥ 0
    assert checks.errors(fw, "pop10k", -5)


def test_a_divided_indicator_without_its_denominator_is_flagged():
    fw = parse_document(DOC)
    assert checks.warnings(fw, "C", 12, None, None)
    assert checks.warnings(fw, "C", 12, None, 400.0) == []


def test_a_stored_warning_reads_in_the_page_language_with_the_denominator_marked_as_data():
    fw = parse_document(DOC)
    [change] = checks.warnings(fw, "B", 40, 12.5, None)
    [divided] = checks.warnings(fw, "C", 12, None, None)
    with translation.override("vi"):
        assert checks.warning_text(change).startswith("Thay đổi 3.20 lần so với năm trước")
        assert "«<span data-content>Dân số</span>»" in checks.warning_text(divided)
    with translation.override("en"):
        assert checks.warning_text(change).startswith("A change of 3.20 times against last year")
        english = checks.warning_text(divided)
        assert english.startswith("The indicator is divided by «<span data-content>Dân số</span>»")


def test_a_warning_stored_as_text_is_shown_as_stored():
    assert checks.warning_text("Thay đổi 3 lần") == "Thay đổi 3 lần"
