"""The public task board: everyone sees how many accepted reports give each status; which unit
said what is shown only to those who may read the reports."""

import pytest

from stiplan.reporting import actions as act
from tests.reporting.test_workflow import fill

pytestmark = pytest.mark.django_db
BOARD = "/indicators/actions/"


@pytest.fixture
def accepted(users, stc):
    fill(stc)
    act.submit_report(stc, by=None)
    return act.accept_report(stc, by=users["reviewer"])


def in_progress_total(page) -> int:
    return sum(a["counts"]["in_progress"] for g in page.context["groups"] for a in g["actions"])


def test_a_visitor_sees_the_same_counts_as_a_leader(client, login, accepted):
    public = client.get(BOARD)
    assert in_progress_total(public) == accepted.action_items.count() > 0
    assert in_progress_total(login("lanhdao").get(BOARD)) == in_progress_total(public)


def test_a_visitor_does_not_see_which_unit_said_what(client, login, accepted):
    assert "chip status-in_progress" not in client.get(BOARD).content.decode()
    assert "chip status-in_progress" in login("lanhdao").get(BOARD).content.decode()
