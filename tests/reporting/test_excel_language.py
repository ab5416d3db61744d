"""An upload's problems speak the page's language only: no English twin on a Vietnamese page."""

from django.utils import translation

from stiplan.reporting.excel import CellProblem

PROBLEM = CellProblem("Chỉ tiêu", 7, "D", "không phải là số", "not a number")


def test_a_vietnamese_page_shows_the_vietnamese_message_only():
    with translation.override("vi"):
        assert PROBLEM.localized() == "Trang «Chỉ tiêu», dòng 7, cột D: không phải là số"


def test_an_english_page_shows_the_english_message_only():
    with translation.override("en"):
        assert PROBLEM.localized() == "Sheet 'Chỉ tiêu', row 7, column D: not a number"


def test_the_command_line_keeps_both():
    assert "— sheet 'Chỉ tiêu', row 7" in str(PROBLEM)
