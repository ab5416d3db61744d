"""API fixtures: the WSGI application as a real client sees it, the demo rounds and documents,
and one API token per staff role."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from stiplan.core.actions import create_token

#: The demo account of each staff role; the visitor has none.
ACCOUNTS = {"admin": "quantri", "plan_officer": "kehoach", "reviewer": "thamdinh",
            "reporter": "baocao.stc", "leader": "lanhdao"}
ROLES = ["visitor", *ACCOUNTS]


@pytest.fixture
def wsgi_app(db):
    """The project's WSGI application, called in the test's thread and transaction: Django's
    per-request connection clean-up is switched off for the test, as its own test client does."""
    from stiplan.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(django_user_model) -> dict[str, str]:
    """A fresh API key for each staff role's demo account (made by the audited action)."""
    return {role: create_token(django_user_model.objects.get(username=name), by=None)[1]
            for role, name in ACCOUNTS.items()}


def auth_headers(role: str, tokens: dict[str, str]) -> dict[str, str]:
    return {} if role == "visitor" else {"Authorization": f"Token {tokens[role]}"}
