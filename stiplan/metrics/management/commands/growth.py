"""`stiplan growth tfp`: growth accounting of the province (or of a CSV file), per year and period.

    stiplan growth tfp [--plan CODE] [--unit VL25.UBND] [--alpha 0.4] [--from 2016 --to 2025]
    stiplan growth tfp --csv data.csv [--depreciation 0.05 --initial-stock K0]
        CSV columns: year, output, labour, and capital or investment (constant prices).
"""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stiplan.analytics.growth import DEFAULT_ALPHA, DEFAULT_DEPRECIATION, account
from stiplan.core.cli import add_format, add_plan, clean_errors, print_json, verbs
from stiplan.metrics.engine import TFP_INPUTS, Engine
from stiplan.plans.cli import plan_named


def _row(c) -> dict:
    return {"from": c.start, "to": c.end, "output_growth": round(c.output, 4),
            "capital_growth": round(c.capital, 4), "labour_growth": round(c.labour, 4),
            "capital_contribution": round(c.capital_part, 4),
            "labour_contribution": round(c.labour_part, 4), "tfp_growth": round(c.tfp, 4),
            "tfp_share_pct": None if c.tfp_share is None else round(c.tfp_share, 2)}


class Command(BaseCommand):
    help = "Hạch toán tăng trưởng, đóng góp của TFP / growth accounting, TFP contribution"

    def add_arguments(self, parser):
        sub = verbs(parser)
        tfp = sub.add_parser("tfp")
        add_plan(tfp)
        tfp.add_argument("--unit", default="")
        tfp.add_argument("--csv", default="")
        tfp.add_argument("--alpha", type=float, default=DEFAULT_ALPHA)
        tfp.add_argument("--depreciation", type=float, default=DEFAULT_DEPRECIATION)
        tfp.add_argument("--initial-stock", type=float, default=None)
        tfp.add_argument("--from", dest="start", type=int, default=None)
        tfp.add_argument("--to", dest="end", type=int, default=None)
        add_format(tfp)

    @clean_errors
    def handle(self, *args, verb, **o):
        if o["csv"]:
            output, labour, capital, investment = _read_csv(Path(o["csv"]))
            source = o["csv"]
        else:
            engine = Engine(plan_named(o["plan"]), codes=set(TFP_INPUTS))
            unit = o["unit"] or engine.province().code
            years = range(o["start"] or 2015, (o["end"] or 2025) + 1)
            pick = {c: {y: p.value for y, p in engine.series(c, unit, years).items()
                        if p.value is not None} for c in TFP_INPUTS}
            output, labour, capital, investment = (pick["grdp_constant"], pick["employment"],
                                                   pick["capital_stock"] or None, None)
            source = unit
        try:
            result = account(output, labour, capital=capital, investment=investment,
                             alpha=o["alpha"], depreciation=o["depreciation"],
                             initial_stock=o["initial_stock"])
        except ValueError as exc:
            raise CommandError(f"Số liệu không dùng được / unusable data: {exc}") from None
        if len(result.years) < 2:
            raise CommandError("Cần ít nhất hai năm có đủ số liệu / at least two complete years")
        start = o["start"] if o["start"] in result.years else result.years[0]
        end = o["end"] if o["end"] in result.years else result.years[-1]
        data = {"source": source, "alpha": o["alpha"], "years": result.years,
                "yearly": [_row(c) for c in result.yearly],
                "period": _row(result.period(start, end))}
        if o["format"] == "json":
            print_json(data, self.stdout)
            return
        self.stdout.write(f"{source}, α = {o['alpha']}: tăng trưởng bình quân {start}–{end} "
                          f"{data['period']['output_growth']:.2f}%/năm, TFP "
                          f"{data['period']['tfp_growth']:.2f} điểm %, chiếm "
                          f"{data['period']['tfp_share_pct']}% tăng trưởng")
        for r in data["yearly"]:
            self.stdout.write(f"  {r['to']}: Y {r['output_growth']:6.2f}  K {r['capital_contribution']:5.2f}"
                              f"  L {r['labour_contribution']:5.2f}  TFP {r['tfp_growth']:5.2f}"
                              f"  ({r['tfp_share_pct']}%)")


def _read_csv(path: Path):
    output, labour, capital, investment = {}, {}, {}, {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            try:
                year = int(row["year"])
                output[year], labour[year] = float(row["output"]), float(row["labour"])
                if row.get("capital"):
                    capital[year] = float(row["capital"])
                if row.get("investment"):
                    investment[year] = float(row["investment"])
            except (KeyError, TypeError, ValueError):
                raise CommandError(f"Dòng {n}: cần year, output, labour và capital hoặc "
                                   f"investment là số / line {n}: year, output, labour and capital "
                                   f"or investment must be numbers") from None
    return output, labour, capital or None, investment or None
