"""What the `stiplan` commands share about rounds: the round a plan, a year and perhaps an id name."""

from __future__ import annotations

from django.core.management.base import CommandError

from stiplan.reporting.models import Round, RoundKind


def round_of(plan: str, year: int, pk: int | None = None) -> Round:
    """The annual round of plan `plan` in `year` (the round `pk` of that plan and year, if given),
    or a clean exit naming them."""
    rounds = Round.objects.filter(plan__code=plan, year=year)
    found = (rounds.filter(pk=pk) if pk else rounds.filter(kind=RoundKind.ANNUAL)).first()
    if found is None:
        raise CommandError(f"Không có kỳ báo cáo năm {year} của kế hoạch «{plan}» / "
                           f"no {year} round of plan '{plan}'")
    return found
