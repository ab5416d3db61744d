"""`stiplan units …`: units on a date, successors, and refusing a bad units file."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stiplan.core.models import AuditEntry
from stiplan.orgs.models import OrgUnit, ReorgEvent

pytestmark = pytest.mark.django_db


def run_json(*args) -> dict:
    """Run a units command the way the console script does, with --format json."""
    out = io.StringIO()
    call_command(*args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_units_at_2026_are_the_reorganised_ones():
    data = run_json("units", "at", "2026-01-01")
    codes = {u["code"] for u in data["units"]}
    assert data["count"] == len(codes)
    assert {"VL25.UBND", "VL25.SKHCN", "VL25.STC", "VL25.SNV", "VL25.SNNMT", "BKHCN"} <= codes
    assert not codes & {"VL.UBND", "VL.SKHCN", "VL.STTTT", "VL.SKHDT", "BTTTT", "BT.UBND"}
    assert not any(u["type"] == "district" for u in data["units"])
    assert sum(u["type"] == "commune" for u in data["units"]) == 124


def test_units_at_2024_are_the_former_provinces_with_their_districts():
    data = run_json("units", "at", "2024-01-01")
    codes = {u["code"] for u in data["units"]}
    assert {"VL.UBND", "VL.STTTT", "BT.UBND", "TV.UBND", "VL.H-LONGHO"} <= codes
    assert not any(c.startswith("VL25.") for c in codes)
    assert sum(u["type"] == "district" for u in data["units"]) == 26


@pytest.mark.parametrize(("code", "day", "expected"), [
    ("VL.STTTT", "2024-06-01", ["VL.STTTT"]),
    ("VL.STTTT", "2025-05-01", ["VL.SKHCN"]),
    ("VL.STTTT", "2026-01-01", ["VL25.SKHCN"]),
    ("TV.SKHDT", "2026-01-01", ["VL25.STC"]),
    ("BT.SNNPTNT", "2026-01-01", ["VL25.SNNMT"]),
])
def test_successor_on_a_date(code, day, expected):
    assert run_json("units", "successors", code, "--on", day)["successors"] == expected


def test_bad_date_is_a_clear_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("units", "at", "31/12/2025")


def test_a_bad_units_file_is_refused_whole(tmp_path):
    bad = tmp_path / "units.yaml"
    bad.write_text(
        "schema: stiplan.orgs/1\n"
        "units:\n"
        "- {code: NEW.A, type: department, name: Sở A, valid_from: 2026-01-01, parent: VL25.UBND}\n"
        "- {code: NEW.B, type: galaxy, name: Sở B, valid_from: 2026-01-01}\n"
        "events:\n"
        "- code: E1\n"
        "  date: 2026-02-01\n"
        "  kind: merge\n"
        "  title: thử\n"
        "  links: [{source: NEW.A, target: NOPE}]\n",
        encoding="utf-8",
    )
    before = (OrgUnit.objects.count(), ReorgEvent.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError) as err:
        call_command("units", "load", str(bad))
    message = str(err.value)
    assert "Dòng 4" in message and "units[1].type" in message
    assert "Dòng 10" in message and "NOPE" in message
    assert (OrgUnit.objects.count(), ReorgEvent.objects.count(), AuditEntry.objects.count()) == before


def test_reloading_the_units_file_changes_nothing():
    from stiplan.demo.reference import ORGS_FILE

    before = AuditEntry.objects.count()
    out = io.StringIO()
    call_command("units", "load", str(ORGS_FILE), stdout=out)
    assert "units_created=0 units_updated=0 events=0" in out.getvalue()
    assert AuditEntry.objects.count() == before
