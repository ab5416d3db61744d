"""The hash lock agrees with pyproject.toml: every exact pin is locked at its version, every locked
package carries hashes, the runtime lock is the whole lock's runtime part, and this env is the lock's."""

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")
# The installer and the build backend: a venv made before the lock may still carry its bundled ones.
INSTALLER = {"pip", "setuptools"}


def parse_lock(text: str) -> dict[str, tuple[str, frozenset[str]]]:
    """{canonical name: (version, hashes)} of a `uv pip compile --generate-hashes` file."""
    entries, name = {}, None
    for line in text.splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match[1])
            entries[name] = (match[2], frozenset())
        elif name and (hashes := HASH.findall(line)):
            entries[name] = (entries[name][0], entries[name][1] | frozenset(hashes))
    return entries


def pins(requirements: list[str]) -> dict[str, str]:
    """{canonical name: version} of pyproject requirements, each of which must be an exact pin."""
    result = {}
    for text in requirements:
        requirement = Requirement(text)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"pyproject.toml: {text!r} is not an exact pin"
        result[canonicalize_name(requirement.name)] = spec.version
    return result


def disagreements(wanted: dict[str, str], lock: dict[str, tuple[str, frozenset[str]]]) -> list[str]:
    return [
        f"{name}=={want} (lock: {lock[name][0] if name in lock else 'missing'})"
        for name, want in sorted(wanted.items())
        if name not in lock or lock[name][0] != want
    ]


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = pins(PROJECT["dependencies"])
TEST_EXTRA = pins(PROJECT["optional-dependencies"]["test"])
LOCK = parse_lock((ROOT / "requirements.lock").read_text())
RUNTIME_LOCK = parse_lock((ROOT / "requirements-runtime.lock").read_text())
HOW = "; run `make lock` and commit both lock files"


def test_the_lock_holds_every_pin_of_pyproject_at_its_version():
    assert disagreements(RUNTIME | TEST_EXTRA, LOCK) == [], f"requirements.lock disagrees{HOW}"


def test_the_runtime_lock_holds_the_runtime_pins_and_no_test_tool():
    assert disagreements(RUNTIME, RUNTIME_LOCK) == [], f"requirements-runtime.lock disagrees{HOW}"
    assert (set(TEST_EXTRA) - set(RUNTIME)) & set(RUNTIME_LOCK) == set()


def test_the_runtime_lock_is_part_of_the_whole_lock_with_the_same_versions_and_hashes():
    assert {name: RUNTIME_LOCK[name] for name in RUNTIME_LOCK} == {
        name: LOCK.get(name) for name in RUNTIME_LOCK
    }


@pytest.mark.parametrize("lock", [LOCK, RUNTIME_LOCK], ids=["whole", "runtime"])
def test_every_locked_package_carries_hashes_and_the_build_backend_is_locked(lock):
    assert [name for name, (_, hashes) in lock.items() if not hashes] == []
    assert "setuptools" in lock and len(lock) > len(RUNTIME)


def test_a_changed_pin_or_a_dropped_package_is_caught():
    lock = parse_lock("django==5.2.19 \\\n    --hash=sha256:" + "a" * 64 + "\n")
    assert lock == {"django": ("5.2.19", frozenset({"--hash=sha256:" + "a" * 64}))}
    assert disagreements({"django": "5.2.20", "nh3": "0.3.8"}, lock) == [
        "django==5.2.20 (lock: 5.2.19)",
        "nh3==0.3.8 (lock: missing)",
    ]
    with pytest.raises(AssertionError, match="not an exact pin"):
        pins(["Django>=5.2"])


def test_this_environment_is_installed_from_the_lock():
    def installed(name):
        try:
            return version(name)
        except PackageNotFoundError:
            return "missing"

    drift = {
        name: (locked, installed(name))
        for name, (locked, _) in LOCK.items()
        if name not in INSTALLER and installed(name) != locked
    }
    assert drift == {}, f"installed packages differ from requirements.lock (locked, installed){HOW}"
