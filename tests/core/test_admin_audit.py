"""Changes to accounts and memberships made in the admin are audited, before → after: creating,
editing (active flag, groups, permissions), password changes (the hash never logged, only that
it changed), memberships added on the account page or in their own admin, and deletion."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from stiplan.core.models import AuditEntry
from stiplan.orgs.models import Membership, OrgUnit

pytestmark = pytest.mark.django_db
User = get_user_model()


def entries_since(mark: int, action: str | None = None):
    found = AuditEntry.objects.filter(pk__gt=mark).order_by("pk")
    return list(found.filter(action=action) if action else found)


def last_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def no_hash_logged(mark: int, user) -> None:
    user.refresh_from_db()
    for entry in entries_since(mark):
        text = json.dumps([entry.before, entry.after])
        algorithm = user.password.split("$", 1)[0]
        assert user.password not in text and f"{algorithm}$" not in text, entry.action


@pytest.fixture
def admin_client(login):
    return login("quantri")


@pytest.fixture
def account(db):
    user = User.objects.create_user("thu.nghiem", password="Mat-khau-cu-2025!", email="t@x.invalid")
    return user


def change_form(user, **fields) -> dict:
    """What the admin's change page posts for `user`, with `fields` changed."""
    data = {"username": user.username, "first_name": user.first_name,
            "last_name": user.last_name, "email": user.email, "is_active": "on",
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_creating_an_account_is_audited_without_the_password_hash(admin_client):
    mark = last_id()
    response = admin_client.post("/admin/auth/user/add/", {
        "username": "moi.tao", "usable_password": "true",
        "password1": "Mot-mat-khau-dai-2025!", "password2": "Mot-mat-khau-dai-2025!"})
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="moi.tao")
    [entry] = entries_since(mark, "auth.user.save")
    assert entry.actor.username == "quantri" and entry.object_id == str(user.pk)
    assert entry.before is None
    assert entry.after["username"] == "moi.tao" and entry.after["password_changed"] is True
    assert entry.after["password"] == "(ẩn / hidden)"
    no_hash_logged(mark, user)


def test_deactivating_and_granting_permissions_are_audited_before_and_after(admin_client, account):
    permission = Permission.objects.get(codename="view_membership")
    mark = last_id()
    response = admin_client.post(f"/admin/auth/user/{account.pk}/change/", change_form(
        account, is_active=None, first_name="Thử", user_permissions=[str(permission.pk)]))
    assert response.status_code == 302, response.content.decode()[:2000]
    account.refresh_from_db()
    assert not account.is_active
    [saved] = entries_since(mark, "auth.user.save")
    assert saved.before["is_active"] is True and saved.after["is_active"] is False
    assert saved.before["first_name"] == "" and saved.after["first_name"] == "Thử"
    assert "password_changed" not in saved.after
    [access] = entries_since(mark, "auth.user.access")
    assert access.before == {"groups": [], "user_permissions": []}
    assert access.after == {"groups": [], "user_permissions": ["orgs.view_membership"]}
    no_hash_logged(mark, account)


def test_an_unchanged_access_list_writes_no_access_entry(admin_client, account):
    mark = last_id()
    response = admin_client.post(f"/admin/auth/user/{account.pk}/change/", change_form(account))
    assert response.status_code == 302
    assert entries_since(mark, "auth.user.access") == []
    assert len(entries_since(mark, "auth.user.save")) == 1


def test_a_password_change_is_audited_as_a_change_not_as_a_hash(admin_client, account):
    old_hash = account.password
    mark = last_id()
    response = admin_client.post(f"/admin/auth/user/{account.pk}/password/", {
        "usable_password": "true", "password1": "Mat-khau-moi-2026!",
        "password2": "Mat-khau-moi-2026!"})
    assert response.status_code == 302, response.content.decode()[:2000]
    account.refresh_from_db()
    assert account.check_password("Mat-khau-moi-2026!")
    [entry] = entries_since(mark, "auth.user.save")
    assert entry.actor.username == "quantri" and entry.reason == "password"
    assert entry.after["password_changed"] is True
    assert old_hash not in json.dumps(entry.before)
    no_hash_logged(mark, account)


def test_a_membership_added_on_the_account_page_is_audited(admin_client, account):
    unit = OrgUnit.objects.get(code="VL25.STC")
    mark = last_id()
    response = admin_client.post(f"/admin/auth/user/{account.pk}/change/", change_form(
        account, **{"memberships-TOTAL_FORMS": "1", "memberships-0-unit": str(unit.pk),
                    "memberships-0-role": "reporter", "memberships-0-valid_from": "2025-07-01"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=account)
    [entry] = entries_since(mark, "orgs.membership.save")
    assert entry.object_id == str(membership.pk) and entry.unit == unit
    assert entry.before is None and entry.after["role"] == "reporter"


def test_a_membership_changed_and_deleted_in_its_admin_is_audited(admin_client, account):
    unit = OrgUnit.objects.get(code="VL25.STC")
    membership = Membership.objects.create(user=account, unit=unit, role="reporter")
    mark = last_id()
    response = admin_client.post(f"/admin/orgs/membership/{membership.pk}/change/", {
        "user": str(account.pk), "unit": str(unit.pk), "role": "leader",
        "valid_from": "2025-07-01", "valid_to": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    [changed] = entries_since(mark, "orgs.membership.save")
    assert (changed.before["role"], changed.after["role"]) == ("reporter", "leader")
    response = admin_client.post(f"/admin/orgs/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    [deleted] = entries_since(mark, "orgs.membership.delete")
    assert deleted.before["role"] == "leader" and deleted.after is None
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_deleting_an_account_logs_it_and_each_membership_it_takes(admin_client, account):
    unit = OrgUnit.objects.get(code="VL25.STC")
    membership = Membership.objects.create(user=account, unit=unit, role="reporter")
    mark = last_id()
    response = admin_client.post(f"/admin/auth/user/{account.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=account.pk).exists()
    [gone] = entries_since(mark, "auth.user.delete")
    assert gone.before["username"] == "thu.nghiem" and gone.before["password"] == "(ẩn / hidden)"
    [taken] = entries_since(mark, "orgs.membership.delete")
    assert taken.object_id == str(membership.pk) and taken.unit == unit


def test_a_staff_member_who_is_not_an_admin_cannot_change_accounts(login, account):
    client = login("kehoach")  # staff, plan officer
    mark = last_id()
    response = client.post(f"/admin/auth/user/{account.pk}/change/",
                           change_form(account, is_active=None))
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.is_active and entries_since(mark) == []
