"""Browser tests: Debian's Chromium driven by Playwright against a live server.

The studio they use is provisioned for real (committed, cloned from the template) and dropped
afterwards, because the live server's thread has its own database connection.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.db import connection
from django.test.testcases import LiveServerThread

from siteconf.tenancy.services.provisioning import studio_destroy, studio_provision

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
OWNER = ("owner@e2e-studio.example", "e2e-owner-Passw0rd")


def chromium_path() -> str:
    for candidate in (
        os.environ.get("CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ):
        if candidate:
            return candidate
    raise RuntimeError(
        "The browser tests need Chromium: `apt-get install chromium` (make test installs it on "
        "Debian when run as root), or point CHROMIUM at a Chrome/Chromium binary."
    )


@pytest.fixture(scope="module")
def e2e_studio(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        studio = studio_provision(
            name="Echo Park Studio",
            slug="e2e-studio",
            owner_email=OWNER[0],
            owner_password=OWNER[1],
            notify_owner=False,
        )
        yield studio
        connection.set_schema_to_public()
        studio_destroy(studio=studio)


@pytest.fixture(scope="module")
def live_url(e2e_studio, django_db_blocker):
    with django_db_blocker.unblock():
        server = LiveServerThread("localhost", static_handler=_static_handler())
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        yield f"http://{e2e_studio.slug}.localhost:{server.port}"
        server.terminate()


def _static_handler():
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    return StaticFilesHandler


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the test's own ORM calls are
    # still plain synchronous code, which Django would otherwise refuse next to a loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, request, tmp_path_factory):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        shot = tmp_path_factory.mktemp("e2e") / f"{request.node.name}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failure: {shot}")
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
