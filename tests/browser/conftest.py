"""Browser tests: Debian's chromium driven by Playwright against a live server."""

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def playwright(playwright):
    """Playwright's event loop runs in the test thread, and Django keeps the thread's database
    connection apart while a loop runs: the connections opened meanwhile are closed before the
    loop stops, or PostgreSQL would refuse to drop the test database under them at the end."""
    from django.db import connections

    yield playwright
    connections.close_all()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": CHROMIUM_ARGS}


@pytest.fixture
def site(live_server, transactional_db):
    """A live server whose database holds the reference data (flushed after each test, then put
    back: `pytest_runtest_teardown` in tests/conftest.py)."""
    return live_server

# Every Content-Security-Policy violation a page meets is written to its console.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => console.error(
  `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
  + ` at ${e.sourceFile}:${e.lineNumber}`));"""


def watch_csp(page) -> list[str]:
    """The violations `page` reports from now on (a list that fills as the page runs)."""
    found: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda m: m.text.startswith("CSP violation") and found.append(m.text))
    return found


@pytest.fixture(autouse=True)
def _no_csp_violation(request):
    """A browser test that drives `page` fails if the policy blocked anything on its pages."""
    if "page" not in request.fixturenames:
        yield
        return
    found = watch_csp(request.getfixturevalue("page"))
    yield
    assert not found, "\n".join(sorted(set(found)))
