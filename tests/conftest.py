"""Shared fixtures: the Vĩnh Long units and plan loaded once per test database, the filled demo
(rounds with series, the index) built once per session and restored per test, and users."""

import os
import sys
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from pytest_django.fixtures import validate_django_db
from pytest_django.plugin import blocking_manager_key

from stiplan.demo.index import create_demo_index
from stiplan.demo.reference import (
    ACCOUNTS,
    DEMO_PASSWORD,
    create_accounts,
    load_reference_data,
    serve_plain_http,
)
from stiplan.demo.registry import create_demo_registry
from stiplan.demo.rounds import create_demo_rounds
from stiplan.demo.series import create_demo_series
from tests.dbsnapshot import Snapshot, shared, take, whole
from tests.demofolder import DemoFolder

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The test client and the live server speak plain http, as `stiplan demo` does: the same switch,
# not weaker defaults (tests/core/test_deploy.py checks the defaults in a fresh process).
serve_plain_http()


#: Fixtures through which a test reaches the run's database (DATABASE_URL): the test database,
#: a live server on it, or processes given a copy of it. A test without any of them cannot touch
#: that database (pytest-django refuses), so it is the same test whichever database the run uses.
#: (The backup tests' `pg` is not among them: it is the server at 127.0.0.1 in every run.)
RUN_DATABASE = frozenset({"db", "transactional_db", "django_db_setup", "live_server", "site",
                          "demo_folder_on_run_database", "stack"})


def pytest_collection_modifyitems(config, items):
    """Mark `same_on_every_database` the tests that never reach the run's database: CI runs them
    in its SQLite pass only, since its PostgreSQL pass would repeat them exactly. Then put the
    long tests first, so that the two workers end together rather than one waiting on the other."""
    for item in items:
        if not (item.get_closest_marker("django_db")
                or RUN_DATABASE & set(getattr(item, "fixturenames", ()))):
            item.add_marker("same_on_every_database")
    items.sort(key=_longest_first)


def _longest_first(item) -> int:
    """The layout sweep's roles (a minute each), the other browser tests, the slow ones, the rest."""
    if "test_layout_sweep.py::test_every_page" in item.nodeid:
        return 0
    return 1 if item.get_closest_marker("browser") else 2 if item.get_closest_marker("slow") else 3


@pytest.fixture(autouse=True)
def _language_of_the_next_test_is_the_default():
    """A request in English leaves English active in the thread (the locale middleware does not
    undo it); the next test starts in the default language again."""
    yield
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def _jobs_run_inline():
    """Background jobs run at once in tests (a test that needs the queue turns this off), so no
    stray task waits in the queue of the shared test database."""
    from django.conf import settings

    settings.STIPLAN_JOBS_SYNC = True


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Passwords in this process are hashed with a fast algorithm, as Django's testing guide
    advises: a million PBKDF2 rounds cost a second or more per demo account and per sign-in. The
    programs the tests start keep the real hashers (tests/core/test_deploy.py checks them)."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _api_rates_out_of_the_way():
    """The tests call the API far more often than a visitor may (schemathesis, the route matrix):
    every throttle scope is raised out of their way; tests/api/test_throttling.py lowers one."""
    from django.conf import settings

    settings.STIPLAN_API_RATES = dict.fromkeys(settings.STIPLAN_API_RATES, "1000000/min")


#: The reference database, every table whole (`django_db_setup`), for the teardown hook below.
REFERENCE = pytest.StashKey[Snapshot]()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request) -> Snapshot:
    """Load the reference data (units, plan, demo accounts) once into the test database; its
    snapshot, taken at once (a transactional test may empty the database later)."""
    with django_db_blocker.unblock():
        load_reference_data()
        create_accounts()
        request.config.stash[REFERENCE] = whole()
    return request.config.stash[REFERENCE]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (a live server's included) ends by emptying the database, after every
    fixture's own teardown: the reference data is put back then, so that the worker's next test,
    of any kind, finds it."""
    result = yield
    # without a next test the session's fixtures went too: the test database is gone
    if nextitem is not None and REFERENCE in item.config.stash and _empties_the_database(item):
        with item.config.stash[blocking_manager_key].unblock():
            item.config.stash[REFERENCE].restore()
    return result


def _empties_the_database(item) -> bool:
    """pytest-django's rule for a test run outside a transaction (then flushed)."""
    marker = item.get_closest_marker("django_db")
    if marker:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    return bool({"transactional_db", "live_server"} & set(item.fixturenames))


def snapshot_of(*builders, run_on_commit: bool = False):
    """A session fixture: the snapshot of what `builders` add to the reference database, taken
    by the first worker of the run whose test asks for it; the other workers read it."""
    module = sys._getframe(1).f_globals["__name__"]  # where the fixture is defined: its key

    @pytest.fixture(scope="session")
    def snapshot(django_db_setup, django_db_blocker, request, tmp_path_factory,
                 worker_id) -> Snapshot:
        path = _shared_dir(tmp_path_factory, worker_id) / f"snapshot-{module}.{request.fixturename}"
        with django_db_blocker.unblock():
            return shared(path, lambda: take(lambda: [build() for build in builders],
                                             run_on_commit=run_on_commit))

    return snapshot


@contextmanager
def standing_transaction(request, django_db_blocker):
    """For a module fixture: a transaction held open across the module's tests and rolled back
    after the last one, so that what the fixture writes in it is written once and stands under
    every test (each test's own transaction is a savepoint inside it). Only for modules whose
    tests all run in a transaction: one that empties the database would empty it under the others."""
    emptying = [item.name for item in request.session.items
                if item.module is request.module and _empties_the_database(item)]
    assert not emptying, f"{request.module.__name__}: tests outside a transaction: {emptying}"
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def rows_standing_for_module(snapshot_fixture: str):
    """An autouse module fixture: the rows of the snapshot `snapshot_fixture` put back once, in a
    `standing_transaction`, under every test of the module that assigns it (its files, if the
    tests need them, each test puts back in its own folder: `Snapshot.restore_files`)."""

    @pytest.fixture(scope="module", autouse=True)
    def standing_rows(request, django_db_setup, django_db_blocker) -> Snapshot:
        snapshot = request.getfixturevalue(snapshot_fixture)
        with standing_transaction(request, django_db_blocker):
            with django_db_blocker.unblock():
                snapshot.restore_rows()
            yield snapshot

    return standing_rows


#: The demo rounds 2023–2025 and the ad hoc round of 2026, with the synthetic statistics series.
demo_rounds_snapshot = snapshot_of(create_demo_rounds, create_demo_series)
#: The demo index: framework, editions 2024 and 2025, Vĩnh Long's entered values (evidence files
#: included) and the computation its request ran.
demo_index_snapshot = snapshot_of(create_demo_index, run_on_commit=True)
#: A small demo registry: 14 tasks through every state of both regimes, with councils and outputs.
demo_registry_snapshot = snapshot_of(lambda: create_demo_registry(tasks=14))


def _shared_dir(tmp_path_factory, worker_id: str):
    """The run's folder every xdist worker sees (the session's own when not distributed)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory, worker_id) -> DemoFolder:
    """The demo data folder on SQLite, made once per run (tests/demofolder.py)."""
    return DemoFolder(_shared_dir(tmp_path_factory, worker_id), None)


@pytest.fixture(scope="session")
def demo_folder_on_run_database(tmp_path_factory, worker_id) -> DemoFolder:
    """The demo data folder on the run's database: PostgreSQL when DATABASE_URL names it."""
    url = os.environ.get("DATABASE_URL", "")
    url = url if url.startswith(("postgres://", "postgresql://")) else None
    return DemoFolder(_shared_dir(tmp_path_factory, worker_id), url)


@pytest.fixture
def private_media(settings, tmp_path):
    """Evidence and documents of the test in a folder of its own."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def demo_rounds(db, private_media, demo_rounds_snapshot) -> None:
    """The filled demo rounds and series in the test's database (see `demo_rounds_snapshot`)."""
    demo_rounds_snapshot.restore()


@pytest.fixture
def demo_index(db, private_media, demo_index_snapshot) -> None:
    """The demo index in the test's database, computed (see `demo_index_snapshot`)."""
    demo_index_snapshot.restore()


@pytest.fixture
def demo_registry(db, private_media, demo_registry_snapshot) -> None:
    """The small demo registry in the test's database (see `demo_registry_snapshot`)."""
    demo_registry_snapshot.restore()


@pytest.fixture
def plan(db):
    from stiplan.plans.models import Plan

    return Plan.objects.get(code="vinh-long-1925-2023")


@pytest.fixture
def round_2025(plan):
    """The plan's 2025 round, opened on 1/11/2025 with its deadline on 10/12/2025."""
    from datetime import date

    from stiplan.reporting.actions import open_round

    return open_round(plan, kind="annual", year=2025, deadline=date(2025, 12, 10),
                      opened_on=date(2025, 11, 1), by=None)


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
