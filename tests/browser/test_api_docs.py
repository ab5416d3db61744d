"""The API docs page (/api/v1/docs/) draws Swagger UI from the site's own static files under the
site's Content-Security-Policy: no request leaves the server, no violation is reported (the
autouse check of tests/browser/conftest.py), and the operations of the live schema are listed."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_runs_on_local_files_under_the_policy(site, page: Page):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    response = page.goto(f"{site.url}/api/v1/docs/")
    assert response.ok and "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=15000)
    expect(page.get_by_text("/api/v1/registry/tasks/", exact=True).first).to_be_visible()
    strangers = [url for url in requested if not url.startswith(site.url)
                 and not re.match(r"^(data|blob):", url)]
    assert strangers == []
