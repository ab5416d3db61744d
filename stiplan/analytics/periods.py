"""Period codes in the DHIS2 style: "2025" (year), "2025Q2" (quarter), "2026S1" (half-year),
"202606" (month), "20260601" (day, e.g. an ad hoc round's date). Values carry one."""

from __future__ import annotations

import re
from datetime import date

YEARLY, SIX_MONTHLY, QUARTERLY, MONTHLY, DAILY = "yearly", "six_monthly", "quarterly", "monthly", "daily"
PATTERNS = (
    (YEARLY, re.compile(r"(\d{4})")),
    (SIX_MONTHLY, re.compile(r"(\d{4})S([12])")),
    (QUARTERLY, re.compile(r"(\d{4})Q([1-4])")),
    (MONTHLY, re.compile(r"(\d{4})(0[1-9]|1[0-2])")),
    (DAILY, re.compile(r"(\d{4})(\d{2})(\d{2})")),
)
TYPES = tuple(name for name, _pattern in PATTERNS)


def period_type(code: str) -> str:
    """The type of a period code; ValueError for anything else."""
    for name, pattern in PATTERNS:
        match = pattern.fullmatch(code or "")
        if match:
            if name == DAILY:
                date(*(int(g) for g in match.groups()))  # ValueError for 20261340
            return name
    raise ValueError(f"not a period code: {code!r}")


def year_of(code: str) -> int:
    """The calendar year a period falls in."""
    period_type(code)
    return int(code[:4])


def yearly(year: int) -> str:
    return f"{year:04d}"


def day(on: date) -> str:
    return f"{on:%Y%m%d}"


def fields(code: str) -> dict:
    """The DataValue fields that locate a value in time: period, its type and its year."""
    return {"period": code, "period_type": period_type(code), "year": year_of(code)}
