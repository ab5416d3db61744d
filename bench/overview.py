"""Benchmark: the leadership overview's server time with 10 years × 200 indicators × 150 units.

200 synthetic indicators, each with a 2030 target in the plan and a value for every one of 150
units (the new province's departments and communes) in 2016–2025: 300,000 values. Times
GET /indicators/ through Django's test client: with the cache (the product's default) and with
caching off (the overview recomputed every time) — the baseline of the ratio.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import datetime
from decimal import Decimal

from common import fresh_django, publish, table

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
INDICATORS, UNITS, YEARS = 200, 150, range(2016, 2026)


def setup():
    fresh_django()
    from stiplan.metrics.models import DataValue, Source
    from stiplan.orgs.models import OrgUnit
    from stiplan.plans.models import Indicator, Plan, PlanIndicator, Target
    from stiplan.reporting.models import IndicatorAssignment

    plan = Plan.objects.get()
    province = OrgUnit.objects.get(code="VL25.UBND")
    existing = OrgUnit.objects.filter(parent=province).count()
    OrgUnit.objects.bulk_create(  # more (synthetic) communes, up to UNITS units in the province
        OrgUnit(code=f"VL25.B{i:03d}", type="commune", name=f"Xã thử nghiệm {i}", parent=province,
                valid_from=province.valid_from, synthetic=True)
        for i in range(max(UNITS - existing, 0)))
    units = list(OrgUnit.objects.filter(parent=province).order_by("code")[:UNITS])
    assert len(units) == UNITS, len(units)
    made = Indicator.objects.bulk_create(
        Indicator(code=f"bench_{i:03d}", name=f"Chỉ tiêu thử nghiệm {i}", unit="đơn vị",
                  direction="higher_is_better", value_type="number") for i in range(INDICATORS))
    PlanIndicator.objects.bulk_create(PlanIndicator(plan=plan, indicator=ind, order=100 + i)
                                      for i, ind in enumerate(made))
    Target.objects.bulk_create(Target(plan=plan, order=100 + i, code=f"B{i:03d}", indicator=ind,
                                      year=2030, comparator="gte", value=Decimal(5000),
                                      wording="5.000") for i, ind in enumerate(made))
    IndicatorAssignment.objects.bulk_create(
        IndicatorAssignment(plan=plan, indicator=ind, unit_type=t)
        for ind in made for t in ("department", "commune"))
    rng = random.Random(7)
    rows = [DataValue(indicator=ind, unit=u, year=y, period=str(y), value=Decimal(rng.randint(1, 60)),
                      source=Source.REPORTED, final=True, synthetic=True)
            for ind in made for u in units for y in YEARS]
    DataValue.objects.bulk_create(rows, batch_size=5000)  # moves the Revision (metrics.signals)
    return plan, len(rows)


def measure(client, url: str, use_cache: bool, after_change: bool = False) -> list[float]:
    """Server time of GET `url`; `after_change`: a value changed and the warm-up job (what the
    cluster runs after each change) ran before the first visitor's request."""
    from django.core.cache import cache

    from stiplan.metrics.actions import bump_revision
    from stiplan.metrics.dashboard import warm

    samples = []
    for _ in range(ROUNDS):
        if not use_cache:
            cache.clear()
        if after_change:
            bump_revision()
            warm()
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return samples


def main() -> int:
    plan, count = setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    client.get("/indicators/")  # warm up (and fill the cache)
    cached = measure(client, "/indicators/", use_cache=True)
    uncached = measure(client, "/indicators/", use_cache=False)
    changed = measure(client, "/indicators/", use_cache=True, after_change=True)

    text = (f"\n## {datetime.now():%Y-%m-%d %H:%M} — leadership overview, {count:,} values "
            f"({len(YEARS)} years × {INDICATORS} indicators × {UNITS} units), {plan.targets.count()} "
            f"targets, {ROUNDS} rounds, {connection.vendor}\n\n")
    text += table([("caching off (baseline)", uncached), ("cached (default)", cached),
                   ("first request after a change, warm-up job run", changed)], "ms", 1, 3)
    publish(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
