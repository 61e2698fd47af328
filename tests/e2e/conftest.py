"""Browser tests: Playwright (Python) driving Debian's Chromium against the live server.

Never `playwright install`: the browser is /usr/bin/chromium (package `chromium`).
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import service_missing

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        service_missing(f"Chromium is not installed at {CHROMIUM} (Debian package chromium)")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls made by
    # the test itself (arranging data) are synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="fr-FR", accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _e2e_settings(settings, live_server):
    settings.ALLOWED_HOSTS = ["*"]
    settings.PORTAL_BASE_URL = live_server.url
