"""Memberships (phân công người dùng) are added and ended by audited actions, from the CLI too."""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from stiplan.core.models import AuditEntry
from stiplan.core.permissions import Role
from stiplan.orgs.actions import add_membership, end_membership
from stiplan.orgs.models import Membership, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    return get_user_model().objects.create_user("nguoimoi", email="nguoimoi@example.invalid")


@pytest.fixture
def stc():
    return OrgUnit.objects.get(code="VL25.STC")


def test_an_admin_adds_a_membership_and_it_is_audited(newcomer, stc, users):
    membership = add_membership(newcomer, stc, Role.REPORTER, valid_from=date(2026, 1, 1),
                                by=users["admin"], reason="điều động")
    entry = AuditEntry.objects.get(action="orgs.add_membership", object_id=str(membership.pk))
    assert entry.actor == users["admin"] and entry.unit == stc and entry.reason == "điều động"
    assert entry.after == {"user": "nguoimoi", "unit": "VL25.STC", "role": "reporter",
                           "valid_from": "2026-01-01", "valid_to": None}
    assert list(Membership.objects.filter(user=newcomer).valid_on(date(2026, 2, 1))) == [membership]


def test_only_an_admin_manages_memberships(newcomer, stc, users):
    with pytest.raises(PermissionDenied):
        add_membership(newcomer, stc, Role.REPORTER, valid_from=date(2026, 1, 1),
                       by=users["plan_officer"])
    assert not Membership.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("role, valid_from, valid_to, unit_code", [
    ("chief", date(2026, 1, 1), None, "VL25.STC"),  # no such role
    (Role.REPORTER, date(2026, 2, 1), date(2026, 1, 1), "VL25.STC"),  # ends before it starts
    (Role.REPORTER, date(2026, 1, 1), None, "VL.UBND"),  # the unit ended on 30/6/2025
])
def test_a_membership_that_cannot_be_is_refused(newcomer, users, role, valid_from, valid_to,
                                                unit_code):
    with pytest.raises(ValidationError):
        add_membership(newcomer, OrgUnit.objects.get(code=unit_code), role,
                       valid_from=valid_from, valid_to=valid_to, by=users["admin"])
    assert not Membership.objects.filter(user=newcomer).exists()


def test_the_same_role_in_the_same_unit_may_not_overlap(newcomer, stc, users):
    add_membership(newcomer, stc, Role.REPORTER, valid_from=date(2026, 1, 1),
                   valid_to=date(2026, 6, 30), by=users["admin"])
    with pytest.raises(ValidationError):
        add_membership(newcomer, stc, Role.REPORTER, valid_from=date(2026, 6, 1), by=users["admin"])
    later = add_membership(newcomer, stc, Role.REPORTER, valid_from=date(2026, 7, 1),
                           by=users["admin"])
    assert later.valid_to is None


def test_ending_a_membership_keeps_the_row_and_logs_before_and_after(newcomer, stc, users):
    membership = add_membership(newcomer, stc, Role.REPORTER, valid_from=date(2026, 1, 1),
                                by=users["admin"])
    end_membership(membership, on=date(2026, 3, 31), by=users["admin"], reason="nghỉ hưu")
    membership.refresh_from_db()
    assert membership.valid_to == date(2026, 3, 31)
    entry = AuditEntry.objects.get(action="orgs.end_membership")
    assert (entry.before["valid_to"], entry.after["valid_to"]) == (None, "2026-03-31")
    assert not Membership.objects.filter(user=newcomer).valid_on(date(2026, 4, 1)).exists()
    with pytest.raises(ValidationError):  # already ended
        end_membership(membership, on=date(2026, 5, 1), by=users["admin"])


def test_the_cli_adds_and_ends_a_membership(newcomer):
    out = io.StringIO()
    call_command("units", "add-member", "nguoimoi", "VL25.STC", "reporter", "--from", "2026-01-01",
                 stdout=out)
    pk = int(out.getvalue().split()[0])
    call_command("units", "end-member", str(pk), "--on", "2026-12-31", stdout=io.StringIO())
    assert Membership.objects.get(pk=pk).valid_to == date(2026, 12, 31)
    assert AuditEntry.objects.filter(object_type="orgs.membership", object_id=str(pk),
                                     actor_label="system").count() == 2
    with pytest.raises(CommandError, match="VL.UBND"):
        call_command("units", "add-member", "nguoimoi", "VL.UBND", "reporter",
                     "--from", "2026-01-01", stdout=io.StringIO())
