"""Login lockout behind the reverse proxy: axes locks one (username, client address) pair, and the
client address is read from X-Forwarded-For only as far as the trusted proxies wrote it."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from stiplan.core.middleware import client_ip
from stiplan.demo.reference import DEMO_PASSWORD

PROXY = "10.0.0.2"  # the reverse proxy: every request reaches the app from this address
ATTACKER = "203.0.113.5"
COLLEAGUE = "198.51.100.7"


def sign_in(client, username, password, client_address):
    """A login through the real page, as the proxy hands it on (it appends the client's address
    to X-Forwarded-For and connects from its own)."""
    client.logout()
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


@pytest.fixture
def behind_proxy(settings):
    settings.STIPLAN_TRUSTED_PROXIES = 1
    assert settings.AXES_ENABLED and settings.AXES_FAILURE_LIMIT == 10


@pytest.mark.django_db
def test_ten_bad_logins_lock_the_account_from_that_address_only(client, behind_proxy):
    for _ in range(10):
        refused = sign_in(client, "baocao.stc", "wrong-password", ATTACKER)
        assert refused.status_code in (200, 429)
    assert sign_in(client, "baocao.stc", DEMO_PASSWORD, ATTACKER).status_code == 429
    # Another user through the same proxy, from another address or from the attacker's own
    # (one office behind one NAT), still signs in.
    for address in (COLLEAGUE, ATTACKER):
        answer = sign_in(client, "kehoach", DEMO_PASSWORD, address)
        assert answer.status_code == 302, address
        assert client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_a_forged_forwarded_header_does_not_escape_the_lock(client, behind_proxy):
    for n in range(10):
        # The client writes its own X-Forwarded-For; the proxy appends the real address.
        sign_in(client, "baocao.stc", "wrong-password", f"192.0.2.{n}, {ATTACKER}")
    assert sign_in(client, "baocao.stc", DEMO_PASSWORD,
                   f"192.0.2.99, {ATTACKER}").status_code == 429


@pytest.mark.parametrize(("trusted", "forwarded", "expected"), [
    (0, "", PROXY),
    (0, ATTACKER, PROXY),  # a direct connection believes no header
    (1, ATTACKER, ATTACKER),
    (1, f"192.0.2.1, {ATTACKER}", ATTACKER),
    (2, f"192.0.2.1, {ATTACKER}, 10.0.0.9", ATTACKER),
    (2, ATTACKER, PROXY),  # fewer entries than proxies: the connection, never a guess
    (1, "", PROXY),
])
def test_client_ip(settings, trusted, forwarded, expected):
    settings.STIPLAN_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
