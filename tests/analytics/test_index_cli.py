"""`stiplan index`: the README command reproduces COINr's nominal results; the analysis writes its tables."""

import csv
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = "tests/analytics/data/coinr-asem"


def readme_command() -> list[str]:
    line = next(
        x
        for x in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if "stiplan index compute" in x
    )
    return shlex.split(line)


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT), "STIPLAN_VAR_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "stiplan", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def table(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return {r["uCode"]: r for r in csv.DictReader(fh)}


def test_readme_command_reproduces_coinr_nominal(tmp_path):
    argv = readme_command()
    assert argv[1:3] == ["index", "compute"]
    out = tmp_path / "out"
    argv[argv.index("--out") + 1] = str(out)
    done = run(argv[1:], tmp_path)
    assert done.returncode == 0, done.stderr
    got, want = table(out / "results.csv"), table(ROOT / DATA / "asem_v1_ua_nominal.csv")
    assert got.keys() == want.keys()
    for u, row in want.items():
        assert abs(float(got[u]["Score"]) - float(row["Score"])) <= 1e-9
        assert got[u]["Rank"] == row["Rank"]
    assert (out / "5_normalised.csv").exists() and (out / "treatment_summary.csv").exists()


def test_sensitivity_writes_rank_stats_and_sobol(tmp_path):
    out = tmp_path / "sa"
    args = [
        "index",
        "sensitivity",
        "--framework",
        f"{DATA}/asem_v1_input_imeta.csv",
        "--data",
        f"{DATA}/asem_v1_input_idata.csv",
    ]
    args += [
        "--out",
        str(out),
        "--impute",
        "group-mean",
        "--group-column",
        "EurAsia_group",
        "--replications",
        "20",
        "--seed",
        "3",
    ]
    done = run(args, tmp_path)
    assert done.returncode == 0, done.stderr
    with (out / "sensitivity.csv").open(encoding="utf-8") as fh:
        assert [r["Variable"] for r in csv.DictReader(fh)] == [
            "Winmax",
            "Normalisation",
            "Weights",
            "Aggregation",
        ]
    ranks = table(out / "ranks.csv")
    assert len(ranks) == 51 and len(next(iter(ranks.values()))) == 2 + 20 * 6
    assert table(out / "rankstats.csv").keys() == ranks.keys()


def test_bad_input_is_a_clear_error(tmp_path):
    bad = tmp_path / "data.csv"
    bad.write_text("uCode,LPI\nAUT,abc\n", encoding="utf-8")
    done = run(
        [
            "index",
            "compute",
            "--framework",
            f"{DATA}/asem_v1_input_imeta.csv",
            "--data",
            str(bad),
            "--out",
            str(tmp_path),
        ],
        tmp_path,
    )
    assert done.returncode != 0
    assert "thiếu cột chỉ số" in done.stderr
