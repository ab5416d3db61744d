"""A task names the plan's actions as they stand: once a decision amends an action, the proposal
page offers its version in force only (not the old one beside it), and the API takes its code as
that version, where two rows of one code were once refused as ambiguous."""

from __future__ import annotations

import datetime as dt

import pytest

from stiplan.plans.actions import Decision, amend_plan
from stiplan.plans.models import Action
from stiplan.registry.forms import ProposeForm
from stiplan.registry.models import Task
from tests.api.test_registry_writes import TASKS, post, proposal

pytestmark = pytest.mark.django_db
DECISION = Decision("215/QĐ-UBND", dt.date(2026, 3, 2), "Sửa đổi nhiệm vụ III.1.1")


@pytest.fixture
def amended(plan, users) -> Action:
    """Action III.1.1 as amended from 2 March 2026 (the issued row stays, for earlier years)."""
    amend_plan(plan, DECISION, [], actions=[{"code": "III.1.1", "text": "Nội dung mới."}],
               by=users["plan_officer"])
    return Action.objects.get(group__plan=plan, code="III.1.1", amendment__isnull=False)


def test_the_proposal_page_offers_an_amended_action_once_in_its_new_version(amended, users, plan):
    offered = ProposeForm(user=users["plan_officer"]).fields["actions"].queryset
    codes = list(offered.filter(group__plan=plan).values_list("code", flat=True))
    assert codes.count("III.1.1") == 1 and len(codes) == len(set(codes))
    assert offered.get(group__plan=plan, code="III.1.1") == amended
    assert Action.objects.filter(group__plan=plan, code="III.1.1").count() == 2


def test_the_api_takes_an_amended_actions_code_as_its_version_in_force(client, demo_registry,
                                                                         tokens, amended):
    answer = post(client, TASKS, proposal("API-AMENDED", actions=["III.1.1"]), "plan_officer",
                  tokens)
    assert answer.status_code == 201, answer.content
    assert list(Task.objects.get(code="API-AMENDED").actions.all()) == [amended]
