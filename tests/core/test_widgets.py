"""Shared form pieces: days typed dd/mm/yyyy whatever the browser's locale, real prompts."""

from datetime import date

from django import forms
from django.utils import translation

from stiplan.core.widgets import DayField, DayInput, prompt_first


class DayForm(forms.Form):
    day = DayField(label="Ngày")


def test_a_day_typed_the_vietnamese_way_is_read():
    form = DayForm({"day": "31/12/2025"})
    assert form.is_valid() and form.cleaned_data["day"] == date(2025, 12, 31)


def test_an_iso_day_is_read_too():
    form = DayForm({"day": "2025-12-31"})
    assert form.is_valid() and form.cleaned_data["day"] == date(2025, 12, 31)


def test_a_month_first_day_is_refused_with_the_expected_format():
    form = DayForm({"day": "12/31/2025"})
    assert not form.is_valid()
    assert "31/12/2025" in form.errors["day"][0]


def test_the_box_shows_dd_mm_yyyy_on_vietnamese_pages_and_iso_on_english_ones():
    with translation.override("vi"):
        html = DayInput().render("day", date(2025, 12, 31))
        assert 'value="31/12/2025"' in html and 'placeholder="dd/mm/yyyy"' in html
        assert 'type="text"' in html and "pattern=" in html
    with translation.override("en"):
        assert 'value="2025-12-31"' in DayInput().render("day", date(2025, 12, 31))


def test_a_select_opens_on_a_prompt_not_dashes():
    field = forms.ChoiceField(choices=[("a", "A")])
    prompt_first(field, "— Chọn —")
    assert field.choices[0] == ("", "— Chọn —")
    assert "---------" not in str(forms.Select(choices=field.choices).render("x", ""))
