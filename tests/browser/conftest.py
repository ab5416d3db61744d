"""Browser tests: Debian's chromium driven by Playwright against a live server."""

import pytest

from stiplan.core.demo import create_accounts, load_reference_data

CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": CHROMIUM_ARGS}


@pytest.fixture
def site(live_server, transactional_db):
    """A live server whose database holds the reference data (flushed after each test)."""
    load_reference_data()
    create_accounts()
    return live_server
