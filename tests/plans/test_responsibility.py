"""Assignments follow reorganisations: who holds an action of the 2023 plan on a later date."""

from datetime import date

import pytest

from stiplan.plans.models import Action
from stiplan.plans.responsibility import Responsibilities

pytestmark = pytest.mark.django_db


def holders(plan, action_code: str, day: date) -> list[str]:
    action = Action.objects.get(group__plan=plan, code=action_code)
    resp = Responsibilities(plan, day)
    return [u.code for a in action.assignments.all() for u in resp.holders(a)]


def test_action_of_information_department_passes_to_science_department(plan):
    assert holders(plan, "IV.7.2", date(2024, 6, 1)) == ["VL.STTTT"]
    assert holders(plan, "IV.7.2", date(2025, 4, 1)) == ["VL.SKHCN"]
    assert holders(plan, "IV.7.2", date(2026, 1, 1)) == ["VL25.SKHCN"]


def test_vocational_training_follows_its_function_not_the_merged_department(plan):
    assert holders(plan, "IV.5.1", date(2024, 6, 1))[0] == "VL.SLDTBXH"
    assert holders(plan, "IV.5.1", date(2026, 1, 1))[0] == "VL25.SGDDT"


def test_planning_department_duties_pass_to_finance(plan):
    assert "VL25.STC" in holders(plan, "IV.2.1", date(2026, 1, 1))


def test_district_duties_pass_to_communes_after_july_2025(plan):
    before = holders(plan, "IV.8.3", date(2024, 12, 1))
    after = holders(plan, "IV.8.3", date(2026, 1, 1))
    assert "VL.H-LONGHO" in before and not any(c.startswith("VL25.X") for c in before)
    assert not any(".H-" in c for c in after)
    # Nghị quyết 1687: 35 of the 124 new communes took in territory of the former Vĩnh Long.
    assert sum(c.startswith("VL25.X") for c in after) == 35
    assert "VL25.SKHCN" in after and "VL25.STC" in after
