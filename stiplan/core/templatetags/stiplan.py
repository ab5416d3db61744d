"""Template helpers: ISO dates stored in JSON shown in the user's date format."""

from datetime import date

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
