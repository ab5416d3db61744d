"""Audit a hash-locked requirements file for known vulnerabilities and say, package by package, what
the registry answered: pip-audit first, then PyPI's per-project advisory data for what it skipped.

PyPI's per-project JSON lists the advisories that affect the project's newest release only, so it
answers for a pin that is that release and for no other. Exit 1 when a vulnerability with a released
fix is found; a service that cannot be reached, or does not answer, is reported and does not fail.
Usage: python .ci/audit.py requirements.lock
"""

import json
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


class Unreachable(Exception):
    """The registry could not be reached: asking again for the next package would only wait again."""


def locked_pins(lock: Path) -> dict[str, str]:
    """{name: version} of every package pinned in the lock."""
    return {m[1].lower(): m[2] for line in lock.read_text().splitlines() if (m := PIN.match(line))}


def pip_audit(lock: Path) -> dict[str, dict] | None:
    """pip-audit's answer per package, or None when it could not run at all (service unreachable)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        run = subprocess.run(
            [sys.executable, "-m", "pip_audit", "-r", str(lock), "--require-hashes", "--disable-pip",
             "--progress-spinner", "off", "-f", "json", "-o", str(out)],
            capture_output=True, text=True,
        )
        if not out.exists():
            last = (run.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"pip-audit did not answer (exit {run.returncode}): {last}")
            return None
        return {dep["name"].lower(): dep for dep in json.loads(out.read_text())["dependencies"]}


def registry_answer(name: str, version: str) -> tuple[list[dict] | None, str]:
    """The registry's advisories for name==version from its per-project data, or None and why not."""
    try:
        with urllib.request.urlopen(PROJECT_JSON.format(name=name), timeout=30) as response:
            data = json.load(response)
    except urllib.error.HTTPError as error:
        return None, f"the registry answered {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise Unreachable(str(error)) from error
    latest = data["info"]["version"]
    if latest != version:
        return None, f"no answer for {version} (the registry's advisories cover only its newest, {latest})"
    return [
        {"id": v["id"], "fix_versions": v.get("fixed_in") or [], "aliases": v.get("aliases") or []}
        for v in data.get("vulnerabilities") or []
        if not v.get("withdrawn")
    ], "answered by the registry's project data"


def main(lock: Path) -> int:
    pins = locked_pins(lock)
    audited = pip_audit(lock) or {}
    found, unanswered, unreachable = [], [], None
    for name, version in sorted(pins.items()):
        dep = audited.get(name, {})
        if "vulns" in dep:
            vulns, how = dep["vulns"], "answered by pip-audit"
        elif unreachable:
            vulns, how = None, f"registry unreachable ({unreachable})"
        else:
            try:
                vulns, how = registry_answer(name, version)
            except Unreachable as error:
                unreachable = str(error)
                vulns, how = None, f"registry unreachable ({unreachable})"
        if vulns is None:
            unanswered.append(name)
            print(f"{name}=={version}: NOT AUDITED, {how}")
            continue
        ids = ", ".join(
            f"{v['id']} (fixed in {', '.join(v['fix_versions']) or 'no release yet'})" for v in vulns
        )
        print(f"{name}=={version}: {ids or 'no known vulnerabilities'} [{how}]")
        found += [(name, v) for v in vulns]
    fixable = [(name, v) for name, v in found if v["fix_versions"]]
    print(
        f"\n{len(pins)} locked packages: {len(pins) - len(unanswered)} audited, "
        f"{len(unanswered)} not answered; {len(found)} known vulnerabilities, {len(fixable)} with a fix."
    )
    return 1 if fixable else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "requirements.lock")))
