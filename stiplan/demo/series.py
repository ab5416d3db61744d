"""Demo series 2015–2025 for the three former provinces and the new Vĩnh Long (SYNTHETIC).

Magnitudes follow CONTEXT §8 (former Vĩnh Long GRDP 2023 ≈ 41.480 billion VND at 2010 prices,
≈ 70.000 at current prices); Bến Tre and Trà Vinh are given similar sizes. Every value is marked
`synthetic`; the 2025 values of the new province come partly from the units' demo reports.
"""

from __future__ import annotations

import random
from decimal import Decimal

from stiplan.analytics import periods
from stiplan.metrics.actions import load_values
from stiplan.metrics.models import DataValue, Source
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import Indicator

# element: {province: (2015 value, yearly growth)}
START = {
    "grdp_current": {"VL": (40_000, 0.075), "BT": (42_000, 0.078), "TV": (38_000, 0.082)},
    "grdp_constant": {"VL": (32_000, 0.033), "BT": (30_000, 0.05), "TV": (28_000, 0.06)},
    "capital_stock": {"VL": (80_000, 0.05), "BT": (78_000, 0.055), "TV": (70_000, 0.065)},
    "employment": {"VL": (600, 0.003), "BT": (750, 0.004), "TV": (600, 0.006)},
    "total_budget_spending": {"VL": (8_000_000, 0.06), "BT": (9_000_000, 0.06),
                              "TV": (8_500_000, 0.065)},
    "sti_budget_spending": {"VL": (80_000, 0.08), "BT": (95_000, 0.07), "TV": (70_000, 0.09)},
    "rd_state_spending": {"VL": (25_000, 0.07), "BT": (27_000, 0.06), "TV": (21_000, 0.08)},
    "rd_social_spending": {"VL": (20_000, 0.10), "BT": (18_000, 0.12), "TV": (15_000, 0.11)},
    "postgrad_trained": {"VL": (3, 0.05), "BT": (3, 0.05), "TV": (2, 0.05)},
    "phd_supported": {"VL": (1, 0.1), "BT": (1, 0.1), "TV": (1, 0.1)},
    "msc_supported": {"VL": (2, 0.1), "BT": (2, 0.1), "TV": (1, 0.1)},
}
YEARS = range(2015, 2025)


def _series(rng: random.Random) -> dict[tuple[str, str, int], float]:
    out = {}
    for element, provinces in START.items():
        for prov, (base, growth) in provinces.items():
            for year in YEARS:
                value = base * (1 + growth) ** (year - 2015) * rng.uniform(0.985, 1.015)
                out[(element, prov, year)] = value
    for prov in ("VL", "BT", "TV"):
        for year in YEARS:
            state, social = out[("rd_state_spending", prov, year)], out[("rd_social_spending", prov, year)]
            out[("rd_total_spending", prov, year)] = state + social + 1_500
            out[("st_investment", prov, year)] = (state + social) * 1.6
    return out


def create_demo_series() -> int:
    """Load the synthetic series once; returns how many values were created."""
    if DataValue.objects.filter(synthetic=True).exists():
        return 0
    rng = random.Random(2030)
    indicators = Indicator.objects.in_bulk(field_name="code")
    units = OrgUnit.objects.in_bulk([f"{p}.UBND" for p in ("VL", "BT", "TV")] + ["VL25.UBND"],
                                    field_name="code")
    rows = []
    whole = {"postgrad_trained", "phd_supported", "msc_supported"}
    for (element, prov, year), value in _series(rng).items():
        amount = Decimal(round(value)) if element in whole or value > 100 else Decimal(
            str(round(value, 2)))
        rows.append(DataValue(indicator=indicators[element], unit=units[f"{prov}.UBND"],
                              **periods.fields(periods.yearly(year)), value=amount,
                              source=Source.STATISTICS, final=True, synthetic=True,
                              provenance={"import": "demo series (synthetic)"}))
    merged = units["VL25.UBND"]
    for element in ("grdp_constant", "capital_stock", "employment"):
        total = sum(v for (e, _p, y), v in _series(random.Random(2030)).items()
                    if e == element and y == 2024)
        growth = {"grdp_constant": 1.058, "capital_stock": 1.055, "employment": 1.004}[element]
        rows.append(DataValue(indicator=indicators[element], unit=merged,
                              **periods.fields("2025"), value=Decimal(round(total * growth)),
                              source=Source.STATISTICS,
                              final=True, synthetic=True,
                              provenance={"import": "demo series (synthetic)"}))
    rows.append(DataValue(indicator=indicators["local_innovation_index"], unit=merged,
                          **periods.fields("2025"), value=Decimal(1), source=Source.DEPARTMENT,
                          final=True, synthetic=True,
                          provenance={"note": "Bộ chỉ số ĐMST địa phương đã xây dựng (minh họa)"}))
    return load_values(rows, by=None, action="metrics.load_demo_series")
