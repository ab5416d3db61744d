"""The commands that name a plan or a round (`--plan CODE`, a plan's code, `--year`) refuse one
that does not exist with a clean message naming it, before anything is read or written."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stiplan.core.constants import DEFAULT_PLAN

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("argv", [
    ["plan", "export", "khong-co"],
    ["indicators", "status", "--plan", "khong-co"],
    ["growth", "tfp", "--plan", "khong-co"],
    ["registry", "feed-indicators", "--year", "2025", "--plan", "khong-co"],
], ids=lambda argv: argv[0])
def test_a_plan_that_does_not_exist_is_named(argv):
    with pytest.raises(CommandError, match="Không có kế hoạch «khong-co» / no plan 'khong-co'"):
        call_command(*argv, stdout=io.StringIO())


@pytest.mark.parametrize("argv", [
    ["reporting", "status", "--year", "2031"],
    ["report", "annual", "--year", "2031", "--format", "pdf", "--out", "unused.pdf"],
], ids=lambda argv: argv[0])
def test_a_year_without_a_round_is_named_with_its_plan(argv):
    with pytest.raises(CommandError, match=f"no 2031 round of plan '{DEFAULT_PLAN}'"):
        call_command(*argv, stdout=io.StringIO())
