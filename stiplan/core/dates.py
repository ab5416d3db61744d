"""Reading the `?on=` date of dated pages: ISO or Vietnamese dd/mm/yyyy, today by default."""

from datetime import date, datetime

from django.utils import timezone


def parse_day(text: str | None, default: date | None = None) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime((text or "").strip(), fmt).date()
        except ValueError:
            continue
    return default or timezone.localdate()
