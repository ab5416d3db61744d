"""Template helpers: ISO dates stored in JSON shown in the user's date format."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def isodate(value) -> str:
    """'2023-08-16' (or a date) → '16/08/2023' in Vietnamese, '2023-08-16' in English."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def num(value) -> str:
    """A number with no trailing zeros, in the user's format: 1,2 (vi) or 1.2 (en); 1.234,5."""
    if value is None or value == "":
        return ""
    try:
        plain = Decimal(format(Decimal(str(value)).normalize(), "f"))
    except (InvalidOperation, ValueError):
        return str(value)
    return formats.number_format(plain, force_grouping=abs(plain) >= 10000)
