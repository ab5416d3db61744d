"""The `stiplan` console script as a user runs it: JSON on stdout, errors on stderr, exit codes."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

STIPLAN = Path(sys.executable).with_name("stiplan")


@pytest.fixture(scope="module")
def env(tmp_path_factory, demo_folder):
    """An embedded database with the demo data, made through the CLI itself (a copy of the
    run's demo folder, tests/demofolder.py)."""
    var = tmp_path_factory.mktemp("var")
    demo_folder.copy(var)
    environ = {**os.environ, "STIPLAN_VAR_DIR": str(var)}
    environ.pop("DATABASE_URL", None)
    return environ


def run(env, *args):
    return subprocess.run([STIPLAN, *args], env=env, capture_output=True, text=True, timeout=120)


def test_console_script_is_installed():
    assert shutil.which("stiplan") or STIPLAN.exists()


def test_plan_export_json_is_one_document_on_stdout(env):
    done = run(env, "plan", "export", "vinh-long-1925-2023", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["legal_basis"]["number"] == "1925/QĐ-UBND"
    assert sum(len(g["actions"]) for g in data["task_groups"]) == 33 + 16


def test_units_at_json(env):
    done = run(env, "units", "at", "2026-01-01", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["date"] == "2026-01-01"


def test_errors_go_to_stderr_with_a_non_zero_exit(env, tmp_path):
    missing = run(env, "plan", "export", "no-such-plan", "--format", "json")
    assert missing.returncode != 0 and missing.stdout == "" and "no-such-plan" in missing.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: stiplan.plan/1\ncode: [unclosed\n", encoding="utf-8")
    refused = run(env, "plan", "load", str(bad))
    assert refused.returncode != 0 and "Dòng" in refused.stderr and "line" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_demo_prints_the_accounts(env):
    done = run(env, "demo", "--no-serve")
    assert done.returncode == 0, done.stderr
    for username in ("kehoach", "thamdinh", "baocao.stc", "lanhdao", "quantri"):
        assert username in done.stdout
