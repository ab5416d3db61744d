"""What the `stiplan` commands share about plans: the plan a `--plan CODE` or a code names."""

from __future__ import annotations

from django.core.management.base import CommandError

from stiplan.plans.models import Plan


def plan_named(code: str) -> Plan:
    """The plan with `code`, or a clean exit naming the code."""
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise CommandError(f"Không có kế hoạch «{code}» / no plan '{code}'")
    return plan
