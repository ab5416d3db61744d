"""API sign-in: session or token, never Basic; tokens are made and revoked by audited actions
(CLI and admin); failed token or Basic attempts do not count against the web login (axes)."""

from __future__ import annotations

import base64
import json

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from stiplan.core.actions import create_token, revoke_token
from stiplan.core.models import AuditEntry
from stiplan.core.tokens import ApiToken
from stiplan.demo.reference import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
ROUNDS = "/api/v1/rounds/"


def test_a_token_signs_in_and_a_revoked_or_wrong_one_does_not(client, users):
    token, key = create_token(users["plan_officer"], by=None)
    assert client.get(ROUNDS, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    wrong = key[:-1] + ("1" if key[-1] == "0" else "0")  # one character off (a key may end in 0)
    assert client.get(ROUNDS, HTTP_AUTHORIZATION=f"Token {wrong}").status_code == 403
    revoke_token(token, by=None)
    assert client.get(ROUNDS, HTTP_AUTHORIZATION=f"Token {key}").status_code == 403
    assert client.get(ROUNDS).status_code == 403


def test_the_key_is_stored_only_as_its_digest(users):
    token, key = create_token(users["reviewer"], by=None)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in json.dumps(stored, default=str)
    entry = AuditEntry.objects.get(action="core.create_token", object_id=str(token.pk))
    assert key not in json.dumps([entry.before, entry.after]) and entry.after["prefix"] == key[:8]


def test_basic_auth_is_not_accepted(client):
    basic = base64.b64encode(f"kehoach:{DEMO_PASSWORD}".encode()).decode()
    response = client.get(ROUNDS, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 403


def test_failed_api_attempts_do_not_lock_the_web_login(client, settings):
    """schemathesis' failed Basic attempts once locked 127.0.0.1 out for an hour."""
    assert settings.AXES_ENABLED
    wrong = base64.b64encode(b"kehoach:wrong-password").decode()
    for attempt in range(settings.AXES_FAILURE_LIMIT * 2):
        client.get(ROUNDS, HTTP_AUTHORIZATION=f"Basic {wrong}")
        client.get(ROUNDS, HTTP_AUTHORIZATION=f"Token not-a-key-{attempt}")
    assert AccessAttempt.objects.count() == 0
    response = client.post("/accounts/login/", {"username": "kehoach", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "login" not in response["Location"]


@pytest.mark.parametrize("role", ["plan_officer", "reviewer", "reporter", "leader", "public"])
def test_only_administrators_make_or_revoke_tokens(users, role):
    with pytest.raises(PermissionDenied):
        create_token(users["reporter"], by=users[role])
    token, _key = create_token(users["reporter"], by=users["admin"])
    with pytest.raises(PermissionDenied):
        revoke_token(token, by=users[role])


def test_the_cli_makes_and_revokes_a_token_with_audit_entries(client, capsys):
    call_command("token", "create", "thamdinh", "--name", "ci", "--format", "json")
    made = json.loads(capsys.readouterr().out)
    assert client.get(ROUNDS, HTTP_AUTHORIZATION=f"Token {made['key']}").status_code == 200
    call_command("token", "revoke", made["prefix"], "--reason", "rotation")
    assert client.get(ROUNDS, HTTP_AUTHORIZATION=f"Token {made['key']}").status_code == 403
    actions = list(AuditEntry.objects.filter(object_type="core.apitoken")
                   .order_by("id").values_list("action", "reason"))
    assert actions == [("core.create_token", ""), ("core.revoke_token", "rotation")]


def test_the_admin_makes_a_token_through_the_audited_action(client, users):
    client.force_login(users["admin"])
    response = client.post("/admin/core/apitoken/add/",
                           {"user": users["leader"].pk, "name": "dashboard"}, follow=True)
    token = ApiToken.objects.get(user=users["leader"], name="dashboard")
    shown = [str(m) for m in response.context["messages"]]
    key = next(m.rsplit(" ", 1)[-1] for m in shown if token.prefix in m)
    assert client.get(ROUNDS, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    entry = AuditEntry.objects.get(action="core.create_token", object_id=str(token.pk))
    assert entry.actor == users["admin"]
    client.force_login(users["plan_officer"])
    assert client.get("/admin/core/apitoken/add/").status_code == 403
