"""Checks of an entered raw value: against the indicator's definition (unit, bounds, the
denominator it is divided by) and against last year's value (a change beyond a factor needs an
explanation)."""

from __future__ import annotations

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stiplan.analytics.index.framework import Framework

#: A value more than this many times larger (or smaller) than last year's needs an explanation.
CHANGE_FACTOR = 2.0
#: Bounds implied by a unit of measure when the framework gives none.
UNIT_BOUNDS = {"%": (0.0, 100.0), "Điểm": (0.0, 10.0), "Chỉ số 0–1": (0.0, 1.0)}


def definition_of(fw: Framework, code: str) -> dict:
    """Name, unit, bounds and denominator of an indicator (or of a denominator)."""
    if code in fw.denominators:
        return {"name": fw.denominators[code], "unit": "", "bounds": (0.0, None),
                "denominator": None}
    node = fw.by_code[code]
    bounds = node.bounds or UNIT_BOUNDS.get(node.unit.strip(), (0.0, None))
    return {"name": node.name, "unit": node.unit, "bounds": bounds, "denominator": node.denominator}


def errors(fw: Framework, code: str, value: float | None) -> list[str]:
    """Problems that refuse the value: outside the bounds of the definition."""
    if value is None:
        return []
    d = definition_of(fw, code)
    low, high = d["bounds"]
    where = f"{code} — {d['name']}"
    if low is not None and value < low:
        return [_("%(where)s: giá trị %(value)s nhỏ hơn giới hạn dưới %(low)s (%(unit)s).")
                % {"where": where, "value": value, "low": low, "unit": d["unit"] or "—"}]
    if high is not None and value > high:
        return [_("%(where)s: giá trị %(value)s lớn hơn giới hạn trên %(high)s (%(unit)s).")
                % {"where": where, "value": value, "high": high, "unit": d["unit"] or "—"}]
    return []


#: What a stored warning says, by its kind; its figures fill the placeholders.
WARNING_TEXT = {
    "change": gettext_lazy("Thay đổi %(ratio)s lần so với năm trước (%(last)s → %(value)s), vượt "
                           "ngưỡng %(factor)s lần: cần giải trình."),
    "denominator": gettext_lazy("Chỉ số tính trên «%(den)s» nhưng năm nay chưa có giá trị mẫu "
                                "số: nhập số tuyệt đối, hệ thống chia khi tính."),
}


def warnings(fw: Framework, code: str, value: float | None, last_year: float | None,
             denominator: float | None) -> list[dict]:
    """Problems that need an explanation before the value goes to review, each its kind and
    figures (stored with the value; `warning_text` says it in the reader's language)."""
    found = []
    if value is None:
        return found
    if last_year is not None and last_year > 0 and value >= 0:
        ratio = value / last_year
        if ratio > CHANGE_FACTOR or ratio < 1 / CHANGE_FACTOR:
            found.append({"kind": "change", "ratio": f"{ratio:.2f}", "last": last_year,
                          "value": value, "factor": CHANGE_FACTOR})
    den = definition_of(fw, code)["denominator"]
    if den and not denominator:
        found.append({"kind": "denominator", "den": fw.denominators.get(den, den)})
    return found


def warning_text(warning: dict | str) -> SafeString | str:
    """A stored warning in the page's language; the denominator's name (the framework's data)
    is marked as data. A warning stored as text (before warnings were kept by kind) is shown
    as it was stored."""
    if isinstance(warning, str):
        return warning
    figures = {key: conditional_escape(value) for key, value in warning.items() if key != "kind"}
    if "den" in figures:
        figures["den"] = format_html("<span data-content>{}</span>", warning["den"])
    return mark_safe(conditional_escape(str(WARNING_TEXT[warning["kind"]])) % figures)
