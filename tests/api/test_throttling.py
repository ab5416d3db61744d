"""API throttling: a visitor over the anonymous rate gets 429 with a message in both languages
and Retry-After; a token client has its own, higher budget; the heavy scope limits the document
requests of a signed-in user. Rates come from settings (the suite raises them; these tests lower
one) and the counts from the project's cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from stiplan.core.actions import create_token
from stiplan.core.api import WindowThrottle

pytestmark = pytest.mark.django_db
UNITS = "/api/v1/units/"


@pytest.fixture
def rates(settings, monkeypatch):
    """Low rates for this test, counted from an empty cache, half a minute into a clock window
    that does not end during the test."""
    monkeypatch.setattr(WindowThrottle, "clock", staticmethod(lambda: 60 * 29_000_000 + 30.0))
    cache.clear()
    settings.STIPLAN_API_RATES = {"anon": "3/min", "user": "5/min", "token": "50/min",
                                  "heavy": "1/min"}
    yield settings.STIPLAN_API_RATES
    cache.clear()


def test_a_visitor_over_the_anonymous_rate_is_told_when_to_come_back(client, rates):
    assert [client.get(UNITS).status_code for _ in range(3)] == [200] * 3
    refused = client.get(UNITS)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    detail = refused.json()["detail"]
    assert "Quá nhiều yêu cầu" in detail and "Too many requests" in detail


def test_visitors_are_counted_by_address(client, rates):
    for _ in range(3):
        client.get(UNITS, REMOTE_ADDR="192.0.2.1")
    assert client.get(UNITS, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get(UNITS, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_a_token_client_is_not_held_to_the_anonymous_rate(client, users, rates):
    _token, key = create_token(users["plan_officer"], by=None)
    for _ in range(3):
        client.get(UNITS)
    assert client.get(UNITS).status_code == 429  # the visitors' budget of this address is spent
    answers = [client.get(UNITS, HTTP_AUTHORIZATION=f"Token {key}").status_code for _ in range(20)]
    assert answers == [200] * 20


def test_a_signed_in_user_has_the_user_rate(login, rates):
    staff = login("kehoach")
    assert [staff.get(UNITS).status_code for _ in range(6)] == [200] * 5 + [429]


def test_the_heavy_scope_limits_document_requests(login, rates, round_2025):
    staff = login("kehoach")
    body = {"round": round_2025.pk, "formats": ["xlsx"]}
    assert staff.post("/api/v1/documents/", body, content_type="application/json").status_code == 202
    again = staff.post("/api/v1/documents/", body, content_type="application/json")
    assert again.status_code == 429 and "Retry-After" in again
    assert staff.get("/api/v1/documents/").status_code == 200  # reads are not heavy


def test_a_scope_set_to_none_is_not_throttled(client, rates):
    rates["anon"] = None
    assert {client.get(UNITS).status_code for _ in range(6)} == {200}


def test_the_next_window_starts_a_new_count(client, rates, monkeypatch):
    for _ in range(4):
        client.get(UNITS)
    assert client.get(UNITS).status_code == 429
    monkeypatch.setattr(WindowThrottle, "clock", staticmethod(lambda: 60 * 29_000_001 + 1.0))
    assert client.get(UNITS).status_code == 200
