"""What the dashboards show, computed once and cached until the data change."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from stiplan.metrics.models import Revision
from stiplan.metrics.status import TargetStatus, plan_status
from stiplan.plans.models import Plan


def cache_key(plan: Plan) -> str:
    """Fresh for each day and each change of values or overrides (Revision)."""
    return f"stiplan-overview-{plan.pk}-{timezone.localdate()}-{Revision.current()}"


def overview(plan: Plan, *, use_cache: bool = True) -> list[TargetStatus]:
    key = cache_key(plan)
    if use_cache and (found := cache.get(key)) is not None:
        return found
    statuses = plan_status(plan, today=timezone.localdate())
    cache.set(key, statuses, 3600)
    return statuses


def sparkline(points: list[float | None], width: int = 120, height: int = 32) -> str:
    """SVG polyline points for a small trend line (drawn server-side: no script, fast)."""
    values = [(i, v) for i, v in enumerate(points) if v is not None]
    if len(values) < 2:
        return ""
    low = min(v for _i, v in values)
    high = max(v for _i, v in values)
    span = (high - low) or 1.0
    step = width / max(len(points) - 1, 1)
    return " ".join(f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
                    for i, v in values)
