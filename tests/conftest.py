"""Shared fixtures: the Vĩnh Long units and plan loaded once per test database, and users."""

import os

import pytest
from django.contrib.auth import get_user_model

from stiplan.demo.reference import (
    ACCOUNTS,
    DEMO_PASSWORD,
    create_accounts,
    load_reference_data,
    serve_plain_http,
)

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The test client and the live server speak plain http, as `stiplan demo` does: the same switch,
# not weaker defaults (tests/core/test_deploy.py checks the defaults in a fresh process).
serve_plain_http()


@pytest.fixture(scope="session", autouse=True)
def _jobs_run_inline():
    """Background jobs run at once in tests (a test that needs the queue turns this off), so no
    stray task waits in the queue of the shared test database."""
    from django.conf import settings

    settings.STIPLAN_JOBS_SYNC = True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data (units, plan, demo accounts) once into the test database."""
    with django_db_blocker.unblock():
        load_reference_data()
        create_accounts()


@pytest.fixture
def plan(db):
    from stiplan.plans.models import Plan

    return Plan.objects.get(code="vinh-long-1925-2023")


@pytest.fixture
def users(db) -> dict:
    """The demo accounts by role, plus an anonymous visitor under the key 'public'."""
    from django.contrib.auth.models import AnonymousUser

    User = get_user_model()
    found = {acc.role: User.objects.get(username=acc.username) for acc in ACCOUNTS
             if acc.username != "baocao.sgddt"}
    found["public"] = AnonymousUser()
    return found


@pytest.fixture
def login(client):
    def as_user(username: str):
        user = get_user_model().objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        client.force_login(user)
        return client
    return as_user


@pytest.fixture(autouse=True)
def _fresh_cache(request, django_db_blocker):
    """Each test that uses the database starts with an empty cache (rolled-back data can reuse a
    cache key). The cache is a table of the database, so tests without one have no cache."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db", "transactional_db", "live_server", "site"} & set(request.fixturenames)
    if not uses_db:
        yield
        return
    from django.core.cache import cache

    with django_db_blocker.unblock():
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()
