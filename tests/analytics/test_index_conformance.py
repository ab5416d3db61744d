"""The index engine against COINr's own worked example.

Expected values: tests/analytics/data/coinr-asem, computed by COINr itself."""

import csv
from pathlib import Path

import numpy as np
import pytest

from stiplan.analytics.index import Coin, Framework, Node, Spec, load_imeta, read_data_csv, steps
from stiplan.analytics.index import sensitivity as sa

DATA = Path(__file__).parent / "data" / "coinr-asem"
TOL = 1e-9


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def num(text: str) -> float:
    return float(text) if text != "" else np.nan


def expected(name: str, key: str, columns: list[str]) -> dict[str, np.ndarray]:
    return {r[key]: np.array([num(r[c]) for c in columns]) for r in rows(name)}


def assert_table(table, exp: dict[str, np.ndarray], tol: float = TOL) -> None:
    assert sorted(table.units) == sorted(exp)
    got = np.array([table.values[table.units.index(u)] for u in exp])
    want = np.array(list(exp.values()))
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.nanmax(np.abs(got - want)) <= tol


# --- A. COINr v0.6 worked example, step by step -------------------------------------------


def v06_framework() -> Framework:
    nodes = [
        Node(
            r["IndCode"],
            r["IndName"],
            1,
            r["Agg1"],
            float(r["IndWeight"]),
            int(r["Direction"]),
            r["Denominator"] or None,
            r["IndUnit"],
        )
        for r in rows("asem_v06_input_indmeta.csv")
    ]
    parents = {r["Agg1"]: r["Agg2"] for r in rows("asem_v06_input_indmeta.csv")}
    parents.update({r["Agg2"]: r["Agg3"] for r in rows("asem_v06_input_indmeta.csv")})
    for r in rows("asem_v06_input_aggmeta.csv"):
        nodes.append(
            Node(r["Code"], r["Name"], int(r["AgLevel"]), parents.get(r["Code"]), float(r["Weight"]))
        )
    return Framework("Index", "ASEM", nodes)


@pytest.fixture(scope="module")
def v06():
    fw = v06_framework()
    data = read_data_csv(
        DATA / "asem_v06_input_data.csv", fw.indicators, ["Den_Area", "Den_Energy", "Den_GDP", "Den_Pop"]
    )
    coin = Coin(fw, data)
    coin.denominate().impute("group-mean", "Group_EurAsia").treat("winsorise", winmax=6).normalise(
        "minmax", (0, 100)
    )
    coin.aggregate("arithmetic")
    return coin


@pytest.mark.parametrize(
    ("step", "file"),
    [
        ("raw", "asem_v06_expected_0_raw.csv"),
        ("denominated", "asem_v06_expected_1_denominated.csv"),
        ("imputed", "asem_v06_expected_2_imputed.csv"),
        ("treated", "asem_v06_expected_3_treated.csv"),
        ("normalised", "asem_v06_expected_4_normalised.csv"),
    ],
)
def test_v06_every_step(v06, step, file):
    assert_table(v06.tables[step], expected(file, "UnitCode", v06.framework.indicators))


def test_v06_aggregated(v06):
    table = v06.tables["aggregated"]
    assert_table(table, expected("asem_v06_expected_5_aggregated.csv", "UnitCode", table.columns))
    assert len(table.columns) == 49 + 8 + 2 + 1


def test_v06_treatment_summary(v06):
    summary = {
        r["IndCode"]: (int(r["Low"]), int(r["High"])) for r in rows("asem_v06_expected_treatment_summary.csv")
    }
    got = {
        c: (int(v06.treatment["low"][j]), int(v06.treatment["high"][j]))
        for j, c in enumerate(v06.framework.indicators)
    }
    assert got == summary
    assert sum(1 for lo, hi in got.values() if lo or hi) == 15
    assert not v06.treatment["log"].any()


def test_v06_results_ranks(v06):
    """COINr v0.6 ranked the scores rounded to 2 decimals (JPN 6.6189 and RUS 6.6160 tie in ConEcFin)."""
    r = v06.compute_results()
    codes = [
        "Index",
        "Conn",
        "Sust",
        "Physical",
        "ConEcFin",
        "Political",
        "Instit",
        "P2P",
        "Environ",
        "Social",
        "SusEcFin",
    ]
    want = {
        row["UnitCode"]: [int(row[c]) for c in codes] for row in rows("asem_v06_expected_results_ranks.csv")
    }
    rounded_ranks = steps.rank_desc(np.round(r.scores.select(codes).values, 2), axis=0)
    assert {u: [int(v) for v in rounded_ranks[i]] for i, u in enumerate(r.scores.units)} == want
    exact = {u: [int(r.ranks.column(c)[i]) for c in codes] for i, u in enumerate(r.ranks.units)}
    assert sum(exact[u] != want[u] for u in want) == 2  # RUS and PRT only, from those rounding ties
    rounded = {row["UnitCode"]: float(row["Index"]) for row in rows("asem_v06_expected_results_scores.csv")}
    assert all(
        abs(r.scores.column("Index")[i] - rounded[u]) <= 0.005 + 1e-12 for i, u in enumerate(r.scores.units)
    )


# --- B. COINr v1: nominal pipeline, uncertainty and sensitivity results ---------------------

V1_SPEC = Spec(
    impute="group-mean", group="EurAsia_group", dat_thresh=0.9, winmax=5, normalise="minmax", params=(0, 100)
)


def v1_coin(units: list[str] | None = None) -> Coin:
    fw = load_imeta(DATA / "asem_v1_input_imeta.csv")
    data = read_data_csv(DATA / "asem_v1_input_idata.csv", fw.indicators, list(fw.denominators))
    return Coin(fw, data).run(V1_SPEC)


def test_v1_nominal_scores_and_ranks():
    r = v1_coin().results
    want = {row["uCode"]: (float(row["Score"]), int(row["Rank"])) for row in rows("asem_v1_ua_nominal.csv")}
    assert sorted(r.scores.units) == sorted(want)
    for i, u in enumerate(r.scores.units):
        assert abs(r.scores.column("Index")[i] - want[u][0]) <= TOL
        assert r.ranks.column("Index")[i] == want[u][1]


def replication_matrix(name: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(units, nominal column, replications × units) of a stored UA/SA table."""
    data = rows(name)
    cols = [c for c in data[0] if c.startswith("r_")]
    units = [r["uCode"] for r in data]
    nominal = np.array([num(r["Nominal"]) for r in data])
    reps = np.array([[num(r[c]) for r in data] for c in cols])
    return units, nominal, reps


def test_ranks_follow_from_ua_scores():
    _, nom_s, scores = replication_matrix("asem_v1_ua_scores.csv")
    _, nom_r, ranks = replication_matrix("asem_v1_ua_ranks.csv")
    assert np.array_equal(steps.rank_desc(scores, axis=-1), ranks)
    assert np.array_equal(steps.rank_desc(nom_s), nom_r)


@pytest.mark.parametrize(
    ("ranks_file", "stats_file", "count"),
    [
        ("asem_v1_ua_ranks.csv", "asem_v1_ua_rankstats.csv", 100),
        ("asem_v1_sa_ranks.csv", "asem_v1_sa_rankstats.csv", 200),
    ],
)
def test_rank_statistics_reproduced(ranks_file, stats_file, count):
    units, _, ranks = replication_matrix(ranks_file)
    got = sa.rank_stats(ranks[:count])
    want = expected(stats_file, "uCode", ["Mean", "Median", "Q5", "Q95"])
    for i, u in enumerate(units):
        assert np.array_equal([got[k][i] for k in ("Mean", "Median", "Q5", "Q95")], want[u])


def test_sobol_indices_reproduced():
    _, nominal, ranks = replication_matrix("asem_v1_sa_ranks.csv")
    si, sti = sa.sobol(sa.mean_abs_rank_shift(ranks, nominal), n=100, d=4)
    want = {r["Variable"]: (float(r["Si"]), float(r["STi"])) for r in rows("asem_v1_sa_sensitivity.csv")}
    for j, var in enumerate(("Winmax", "Normalisation", "Weights", "Aggregation")):
        assert abs(si[j] - want[var][0]) <= 1e-12
        assert abs(sti[j] - want[var][1]) <= 1e-12


def test_batched_uncertainty_matches_coinr_distribution():
    """COINr's replications were not saved, so compare distributions: mean ranks within 2 places."""
    fw = load_imeta(DATA / "asem_v1_input_imeta.csv")
    data = read_data_csv(DATA / "asem_v1_input_idata.csv", fw.indicators, list(fw.denominators))
    seen = []
    a = sa.analyse(
        fw,
        data,
        V1_SPEC,
        sa.VIGNETTE,
        2000,
        "ua",
        seed=7,
        progress=lambda done, total: seen.append((done, total)),
        chunk=500,
    )
    want = expected("asem_v1_ua_rankstats.csv", "uCode", ["Mean"])
    assert np.max(np.abs(a.stats["Mean"] - np.array([want[u][0] for u in a.units]))) < 2
    nominal = {r["uCode"]: float(r["Rank"]) for r in rows("asem_v1_ua_nominal.csv")}
    assert list(a.nominal_ranks) == [nominal[u] for u in a.units]
    assert seen == [(500, 2000), (1000, 2000), (1500, 2000), (2000, 2000)]
    assert np.array_equal(a.ranks, steps.rank_desc(a.scores, axis=-1))
