"""Numbers and dates shown the Vietnamese way (1.234,5; 16/08/2023), English on request."""

import html
from datetime import date
from decimal import Decimal

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from stiplan.core.templatetags.stiplan import QUOTED, isodate, num, quoted_as_data


def test_vietnamese_number_and_date_formats():
    with translation.override("vi"):
        assert num(Decimal("1.200000")) == "1,2"
        assert num(Decimal("50.000000")) == "50"
        assert num(Decimal("41480.5")) == "41.480,5"
        assert isodate("2023-08-16") == "16/08/2023"
        assert isodate(date(2025, 12, 5)) == "05/12/2025"


def test_english_formats():
    with translation.override("en"):
        assert num(Decimal("1.5")) == "1.5"
        assert num(Decimal("41480.5")) == "41,480.5"
        assert isodate("2023-08-16") == "2023-08-16"


@given(st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False))
def test_vietnamese_number_reads_back_to_the_same_value(value):
    with translation.override("vi"):
        shown = num(value)
    assert Decimal(shown.replace(".", "").replace(",", ".")) == value


def test_unparseable_values_are_shown_as_they_are():
    assert num("n/a") == "n/a" and isodate("not a date") == "not a date" and num(None) == ""


@given(st.text())
def test_quoted_as_data_escapes_everything_and_marks_only_the_quoted_words(text):
    out = quoted_as_data(text)
    marked = out.replace("<span data-content>", "").replace("</span>", "")
    assert "<" not in marked and html.unescape(marked) == text
    assert out.count("<span data-content>") == len(QUOTED.findall(text))
