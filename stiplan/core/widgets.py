"""Form pieces shared by every app: a day typed as dd/mm/yyyy whatever the browser's locale
(ngày theo kiểu Việt Nam), and selects that open on a real prompt instead of "---------"."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

#: What a select shows before anything is chosen.
PROMPT = _("— Chọn —")
#: The formats a typed day is read in: the page's own (dd/mm/yyyy in Vietnamese), then ISO.
DAY_INPUTS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


class DayInput(forms.TextInput):
    """A text box for a day: shown as dd/mm/yyyy on Vietnamese pages (the English pages keep
    ISO yyyy-mm-dd), with a pattern the browser checks and a placeholder naming the format."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", "size": 10, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"].setdefault("placeholder", str(day_format_hint()))
        widget["attrs"].setdefault("pattern", r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}")
        return context

    def format_value(self, value):
        if isinstance(value, date):
            return formats.date_format(value, "SHORT_DATE_FORMAT")
        return super().format_value(value)


class DayField(forms.DateField):
    """A day typed as dd/mm/yyyy (or yyyy-mm-dd); a wrong day says which format it expects."""

    widget = DayInput
    input_formats = DAY_INPUTS

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "invalid", _("Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 31/12/2025."))
        super().__init__(**kwargs)


def day_format_hint() -> str:
    """The format a day is typed in on this page: dd/mm/yyyy (vi) or yyyy-mm-dd (en)."""
    return "yyyy-mm-dd" if formats.get_format("SHORT_DATE_FORMAT") == "Y-m-d" else "dd/mm/yyyy"


def prompt_first(field: forms.ChoiceField, prompt=PROMPT) -> None:
    """Give a select a real prompt as its empty choice (in place of Django's "---------")."""
    if isinstance(field, forms.ModelChoiceField):
        field.empty_label = prompt
    else:
        field.choices = [("", prompt), *[c for c in field.choices if c[0] != ""]]
