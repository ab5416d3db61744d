"""Benchmark of the index engine (issue 13): pipeline time, a 10,000-replication uncertainty analysis,
a per-replication pandas loop and COINr 1.1.14 itself (when R and COINr are installed), side by side.

Run: `python bench/index.py` (BENCH_ROUNDS, BENCH_UA, BENCH_PANDAS, BENCH_COINR set the sizes;
COINR_LIB the R library holding COINr, default /tmp/Rlib). Appends to bench/results.md.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import publish, timed  # noqa: E402
from index_pandas import pipeline, run_loop  # noqa: E402

from stiplan.analytics.index import Coin, Spec, Table, UnitData, load_imeta, load_yaml, read_data_csv  # noqa: E402
from stiplan.analytics.index import sensitivity as sa  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
UA_RUNS = int(os.environ.get("BENCH_UA", "10000"))
PANDAS_RUNS = int(os.environ.get("BENCH_PANDAS", "300"))
COINR_RUNS = int(os.environ.get("BENCH_COINR", "200"))
COINR_LIB = os.environ.get("COINR_LIB", "/tmp/Rlib")
ASEM = ROOT / "tests/analytics/data/coinr-asem"
ASEM_SPEC = Spec(impute="group-mean", group="EurAsia_group", dat_thresh=0.9, winmax=5)
REGIONS = [
    "Trung du miền núi phía Bắc",
    "Đồng bằng sông Hồng",
    "Bắc Trung Bộ",
    "Tây Nguyên",
    "Đông Nam Bộ",
    "Đồng bằng sông Cửu Long",
]


def stats(ts: list[float]) -> tuple[float, float]:
    return statistics.median(ts), float(np.percentile(ts, 95))


def synthetic_pii(units: int = 63, seed: int = 11) -> tuple:
    """Synthetic (marked) data for the PII framework at PII magnitudes: scores, shares, rates per 10,000."""
    fw = load_yaml(ROOT / "data/index/pii-2024.yaml")
    rng = np.random.default_rng(seed)
    codes = [f"SYN{i:02d}" for i in range(units)]
    dens = {"pop10k": rng.lognormal(np.log(150), 0.5, units), "firms1k": rng.lognormal(np.log(8), 0.9, units)}
    dens["grdp"] = dens["pop10k"] * rng.lognormal(np.log(0.8), 0.4, units)
    cols = []
    for code in fw.indicators:
        node = fw.by_code[code]
        if node.unit == "Điểm" or node.placeholder:
            col = np.clip(rng.normal(60, 9, units), 1, 100)
        elif node.unit.startswith("%"):
            col = np.clip(rng.normal(30, 12, units), 0.1, 100)
        else:
            col = rng.lognormal(np.log(2), 1.0, units)  # heavy right tail: outliers to treat
        if node.denominator:
            col = col * dens[node.denominator]
        col[rng.random(units) < 0.03] = np.nan
        cols.append(col)
    raw = Table(codes, list(fw.indicators), np.column_stack(cols))
    groups = {"region": [REGIONS[i % len(REGIONS)] for i in range(units)]}
    return fw, UnitData(raw, {}, dens, groups)


def bench_pipeline() -> list[tuple[str, float, float, str]]:
    fw, data = synthetic_pii()
    spec = Spec(impute="group-mean", group="region", winmax=5)
    ours = timed(lambda: Coin(fw, data).run(spec), ROUNDS)
    meta, raw, dens, groups = pandas_inputs(fw, data)
    choice = {
        "winmax": 5,
        "normalise": ("minmax", (0, 100)),
        "aggregate": "arithmetic",
        "weights": meta.Weight,
    }
    base = timed(lambda: pipeline(raw, meta, dens, groups, choice), max(ROUNDS // 10, 5))
    diff = np.max(
        np.abs(
            pipeline(raw, meta, dens, groups, choice).values
            - Coin(fw, data).run(spec).results.scores.column("PII")
        )
    )
    (bm, bp), (om, op) = stats(base), stats(ours)
    print(
        f"pipeline 63×52: stiplan {om * 1e3:.2f} ms median, pandas {bm * 1e3:.1f} ms; max |Δscore| {diff:.1e}"
    )
    return [
        ("pandas, one pipeline (baseline)", bm * 1e3, bp * 1e3, "1.0"),
        ("stiplan Coin.run: every step + results", om * 1e3, op * 1e3, f"{om / bm:.3f}"),
    ]


def pandas_inputs(fw, data: UnitData):
    nodes = [fw.by_code[c] for lev in range(1, fw.depth + 1) for c in fw.level(lev)]
    meta = pd.DataFrame(
        {
            "Level": [n.level for n in nodes],
            "Parent": [n.parent for n in nodes],
            "Weight": [n.weight for n in nodes],
            "Direction": [n.direction for n in nodes],
            "Denominator": [n.denominator for n in nodes],
        },
        index=[n.code for n in nodes],
    )
    raw = pd.DataFrame(data.raw.values, index=data.raw.units, columns=data.raw.columns)
    dens = pd.DataFrame(data.denominators, index=data.raw.units)
    group = "EurAsia_group" if "EurAsia_group" in data.groups else "region"
    return meta, raw, dens, pd.Series(data.groups[group], index=data.raw.units)


def asem():
    fw = load_imeta(ASEM / "asem_v1_input_imeta.csv")
    return fw, read_data_csv(ASEM / "asem_v1_input_idata.csv", fw.indicators, list(fw.denominators))


def bench_ua() -> tuple[float, float, float, int]:
    fw, data = asem()
    ts = timed(lambda: sa.analyse(fw, data, ASEM_SPEC, sa.VIGNETTE, UA_RUNS, "ua", seed=1), 3)
    tracemalloc.start()
    sa.analyse(fw, data, ASEM_SPEC, sa.VIGNETTE, UA_RUNS, "ua", seed=2)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    m, p = stats(ts)
    print(
        f"UA {UA_RUNS} replications: {m:.2f} s median ({m / UA_RUNS * 1e6:.0f} µs per replication), "
        f"peak {peak / 2**20:.0f} MiB"
    )
    return m, p, peak / 2**20, UA_RUNS


def bench_pandas_loop() -> float:
    fw, data = asem()
    meta, raw, dens, groups = pandas_inputs(fw, data)
    rng = np.random.default_rng(5)
    lev23 = meta.Level.isin([2, 3])
    choices = []
    for _ in range(PANDAS_RUNS):
        w = meta.Weight.copy()
        w[lev23] = w[lev23] * (1 + rng.uniform(-0.25, 0.25, lev23.sum()))
        norm = [("minmax", (1, 100)), ("zscore", (10, 2))][rng.integers(2)]
        choices.append(
            {
                "winmax": int(rng.integers(1, 6)),
                "normalise": norm,
                "weights": w,
                "aggregate": ["arithmetic", "geometric"][rng.integers(2)],
            }
        )
    t = time.perf_counter()
    run_loop(raw, meta, dens, groups, choices)
    per = (time.perf_counter() - t) / PANDAS_RUNS
    nominal = {
        "winmax": 5,
        "normalise": ("minmax", (0, 100)),
        "weights": meta.Weight,
        "aggregate": "arithmetic",
    }
    ref = Coin(fw, data).run(ASEM_SPEC).results.scores.column("Index")
    diff = np.max(np.abs(pipeline(raw, meta, dens, groups, nominal).values - ref))
    print(f"pandas loop: {per * 1e3:.1f} ms per replication; nominal max |Δ| vs stiplan {diff:.1e}")
    return per


def bench_coinr() -> float | None:
    if not shutil.which("Rscript"):
        print("COINr: R is missing (no Rscript on PATH) — see /work/shared/peers/README.md")
        return None
    script = Path(tempfile.mkdtemp()) / "ua.R"
    script.write_text(COINR_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        ["Rscript", str(script), str(COINR_RUNS), COINR_LIB], capture_output=True, text=True, timeout=3600
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("ELAPSED")), None)
    if line is None:
        print(f"COINr: not installed in {COINR_LIB} or failed: {done.stderr.strip()[-300:]}")
        return None
    per = float(line.split()[1]) / COINR_RUNS
    print(f"COINr 1.1.14 get_sensitivity UA, {COINR_RUNS} replications: {per * 1e3:.1f} ms per replication")
    return per


COINR_SCRIPT = """
args <- commandArgs(trailingOnly = TRUE)
N <- as.integer(args[1])
suppressMessages(library(COINr, lib.loc = args[2]))
coin <- build_example_coin(quietly = TRUE)
l_winmax <- list(Address = "$Log$Treat$global_specs$f1_para$winmax", Distribution = 1:5, Type = "discrete")
norm_alts <- list(list(f_n = "n_minmax", f_n_para = list(c(1,100))),
                  list(f_n = "n_zscore", f_n_para = list(c(10,2))))
l_norm <- list(Address = "$Log$Normalise$global_specs", Distribution = norm_alts, Type = "discrete")
noisy <- get_noisy_weights(w = coin$Meta$Weights$Original,
                           noise_specs = data.frame(Level = c(2,3), NoiseFactor = c(0.25, 0.25)), Nrep = N)
l_weights <- list(Address = "$Log$Aggregate$w", Distribution = noisy, Type = "discrete")
l_agg <- list(Address = "$Log$Aggregate$f_ag", Distribution = c("a_amean", "a_gmean"), Type = "discrete")
specs <- list(Winmax = l_winmax, Normalisation = l_norm, Weights = l_weights, Aggregation = l_agg)
t <- system.time(res <- suppressMessages(get_sensitivity(
  coin, SA_specs = specs, N = N, SA_type = "UA", dset = "Aggregated", iCode = "Index", quietly = TRUE)))
cat(sprintf("ELAPSED %.4f\\n", t[["elapsed"]]))
"""


def main() -> int:
    rows = bench_pipeline()
    ua_m, ua_p, peak, n = bench_ua()
    pandas_per = bench_pandas_loop()
    coinr_per = bench_coinr()
    ours_per = ua_m / n
    lines = [
        f"\n## {datetime.now():%Y-%m-%d %H:%M} — index engine (issue 13): pipeline on 63 units × 52 "
        "indicators (synthetic PII), uncertainty analysis of COINr's example (51 × 49, the vignette's "
        "4 uncertain inputs)\n",
        "| case | median ms | p95 ms | × baseline |",
        "|---|---|---|---|",
        *(f"| {c} | {m:.2f} | {p:.2f} | {r} |" for c, m, p, r in rows),
        "",
        "| uncertainty analysis | replications | total s (median of 3) | p95 s | per replication ms "
        "| stiplan faster × |",
        "|---|---|---|---|---|---|",
        f"| stiplan sensitivity.analyse (batched), peak {peak:.0f} MiB | {n} | {ua_m:.2f} | {ua_p:.2f} "
        f"| {ours_per * 1e3:.3f} | 1 |",
        f"| pandas loop, one pipeline per replication (baseline) | {PANDAS_RUNS} "
        f"| {pandas_per * PANDAS_RUNS:.2f} | – | {pandas_per * 1e3:.1f} | {pandas_per / ours_per:.0f} |",
    ]
    if coinr_per is None:
        lines.append("| COINr 1.1.14 get_sensitivity | – | R is missing | – | – | – |")
    else:
        lines.append(
            f"| COINr 1.1.14 get_sensitivity (Rscript) | {COINR_RUNS} | {coinr_per * COINR_RUNS:.2f} | – "
            f"| {coinr_per * 1e3:.1f} | {coinr_per / ours_per:.0f} |"
        )
    publish("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
