"""What the dashboards show, computed once and cached until the data change."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from stiplan.core.jobs import background, run_later
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
    cache.set(key, statuses, CACHE_SECONDS)
    return statuses


CACHE_SECONDS = 24 * 3600
WARM_PENDING = "stiplan-overview-warm-pending"


def schedule_warm() -> None:
    """After values change, have the cluster compute the overviews before anyone asks: the
    first visitor then gets the cached page. A burst of changes queues one job."""
    if background() and cache.add(WARM_PENDING, 1, 600):
        run_later("stiplan.metrics.dashboard.warm", name="warm-overview")


def warm() -> int:
    """Compute and cache the overview of every plan whose current one is not cached yet."""
    cache.delete(WARM_PENDING)
    done = 0
    for plan in Plan.objects.all():
        if cache.get(cache_key(plan)) is None:
            overview(plan)
            done += 1
    return done


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
