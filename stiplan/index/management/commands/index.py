"""`stiplan index compute|sensitivity`: the COINr-style index pipeline and its uncertainty
analysis on CSV files."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from stiplan.analytics.index import Coin, Spec, load, read_data_csv
from stiplan.analytics.index import sensitivity as sa
from stiplan.analytics.index.steps import AGGREGATIONS, NORMALISATIONS
from stiplan.analytics.index.table import format_number
from stiplan.core.cli import verbs


def _pair(text: str) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in text.split(","))
    except ValueError:
        raise CommandError(
            f"Cần hai số cách nhau bởi dấu phẩy, ví dụ 0,100 / two numbers: «{text}»"
        ) from None
    return a, b


def _pipeline_arguments(p) -> None:
    p.add_argument("--framework", required=True, help="YAML (stiplan.index/1) or COINr iMeta CSV")
    p.add_argument("--data", required=True, help="CSV in COINr's iData layout")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--impute", choices=["none", "group-mean"], default="none")
    p.add_argument("--group-column", default=None)
    p.add_argument("--dat-thresh", type=float, default=None, help="keep units with this share of data")
    p.add_argument("--treat", choices=["none", "winsorise"], default="winsorise")
    p.add_argument("--winmax", type=int, default=5)
    p.add_argument("--skew", type=float, default=2.0)
    p.add_argument("--kurt", type=float, default=3.5)
    p.add_argument("--normalise", choices=NORMALISATIONS, default="minmax")
    p.add_argument("--range", default="0,100", help="minmax l,u; zscore mean,sd; goalposts _,scale")
    p.add_argument("--aggregate", choices=AGGREGATIONS, default="arithmetic")
    p.add_argument(
        "--propagate-missing", action="store_true", help="a missing child makes its parent missing"
    )


def _spec(o: dict) -> Spec:
    if o["impute"] == "group-mean" and not o["group_column"]:
        raise CommandError("--impute group-mean cần --group-column")
    return Spec(
        impute=o["impute"],
        group=o["group_column"],
        dat_thresh=o["dat_thresh"],
        treat=o["treat"],
        winmax=o["winmax"],
        skew=o["skew"],
        kurt=o["kurt"],
        normalise=o["normalise"],
        params=_pair(o["range"]),
        aggregate=o["aggregate"],
        skip_missing=not o["propagate_missing"],
    )


def _uncertainty(o: dict) -> sa.Uncertainty:
    vary = {v.strip() for v in o["vary"].split(",") if v.strip()}
    unknown = vary - {"winmax", "normalisation", "weights", "aggregation"}
    if unknown:
        raise CommandError(f"--vary: không biết {', '.join(sorted(unknown))}")
    lo, hi = (int(v) for v in _pair(o["winmax_range"]))
    norms = []
    for item in o["normalisations"].split(";"):
        method, _, params = item.partition(":")
        if method not in NORMALISATIONS:
            raise CommandError(f"--normalisations: «{method}» không hợp lệ")
        norms.append((method, _pair(params)))
    noise = {int(lev): float(a) for lev, a in (x.split(":") for x in o["weight_noise"].split(","))}
    aggs = [a.strip() for a in o["aggregations"].split(",")]
    if any(a not in AGGREGATIONS for a in aggs):
        raise CommandError(f"--aggregations: chỉ nhận {', '.join(AGGREGATIONS)}")
    return sa.Uncertainty(
        winmax=tuple(range(lo, hi + 1)) if "winmax" in vary else None,
        normalisations=tuple(norms) if "normalisation" in vary else None,
        weight_noise=noise if "weights" in vary else None,
        aggregations=tuple(aggs) if "aggregation" in vary else None,
    )


def _write_runs(path: Path, units: list[str], nominal: np.ndarray, runs: np.ndarray) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["uCode", "Nominal", *(f"r_{k + 1}" for k in range(len(runs)))])
        for i, u in enumerate(units):
            w.writerow([u, format_number(nominal[i]), *(format_number(v) for v in runs[:, i])])


class Command(BaseCommand):
    help = "Chỉ số đổi mới sáng tạo: tính theo từng bước, phân tích độ bất định và độ nhạy"

    def add_arguments(self, parser):
        sub = verbs(parser)
        _pipeline_arguments(sub.add_parser("compute", help="every step's table and results.csv"))
        s = sub.add_parser("sensitivity", help="rank statistics and Sobol indices")
        _pipeline_arguments(s)
        s.add_argument("--kind", choices=["ua", "sa"], default="sa", help="ua: N runs; sa: N(d+2) runs")
        s.add_argument("--replications", type=int, default=100)
        s.add_argument("--seed", type=int, default=None)
        s.add_argument("--vary", default="winmax,normalisation,weights,aggregation")
        s.add_argument("--winmax-range", default="1,5")
        s.add_argument("--normalisations", default="minmax:1,100;zscore:10,2")
        s.add_argument("--weight-noise", default="2:0.25,3:0.25", help="level:±fraction,…")
        s.add_argument("--aggregations", default="arithmetic,geometric")

    def handle(self, *args, verb, **o):
        try:
            fw = load(o["framework"])
            data = read_data_csv(o["data"], fw.indicators, list(fw.denominators))
            spec = _spec(o)
            out = Path(o["out"])
            if verb == "compute":
                written = Coin(fw, data).run(spec).write(out)
                self.stdout.write("\n".join(str(p) for p in written))
                return
            self._sensitivity(fw, data, spec, o, out)
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None

    def _sensitivity(self, fw, data, spec, o, out: Path) -> None:
        def progress(done: int, total: int) -> None:
            sys.stderr.write(f"\r{done}/{total}")

        a = sa.analyse(fw, data, spec, _uncertainty(o), o["replications"], o["kind"], o["seed"], progress)
        sys.stderr.write("\n")
        out.mkdir(parents=True, exist_ok=True)
        _write_runs(out / "scores.csv", a.units, a.nominal_scores, a.scores)
        _write_runs(out / "ranks.csv", a.units, a.nominal_ranks, a.ranks)
        with (out / "rankstats.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["uCode", "Nominal", "Mean", "Median", "Q5", "Q95"])
            for i, u in enumerate(a.units):
                w.writerow(
                    [
                        u,
                        format_number(a.nominal_ranks[i]),
                        *(format_number(a.stats[k][i]) for k in ("Mean", "Median", "Q5", "Q95")),
                    ]
                )
        if a.sobol is not None:
            with (out / "sensitivity.csv").open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(["Variable", "Si", "STi"])
                for j, name in enumerate(a.inputs):
                    w.writerow([name, format_number(a.sobol[0][j]), format_number(a.sobol[1][j])])
        self.stdout.write(f"{len(a.scores)} runs → {out}")
