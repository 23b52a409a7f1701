"""The weight of the calendar's week page: bytes transferred and requests, cold cache, measured
in Chromium against a live server (the browser is the only honest count of what a page pulls
in: stylesheets, fonts, scripts, then the feed those scripts fetch)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Studio
from siteconf.tenancy.services.provisioning import studio_destroy, studio_provision

SLUG = "bench-calendar"
OWNER = (f"owner@{SLUG}.example", "bench-owner-Passw0rd")
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class Weight(NamedTuple):
    transferred: int  # bytes over the wire, headers included
    requests: int
    urls: list[str]


def page_weight(page, url: str) -> Weight:
    """Open `url` with an empty cache and count what went over the wire until the network is
    quiet."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}

    def sent(event):
        sizes.setdefault(event["requestId"], 0)
        urls[event["requestId"]] = event["request"]["url"]

    def finished(event):
        sizes[event["requestId"]] = int(event["encodedDataLength"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.detach()
    return Weight(sum(sizes.values()), len(sizes), list(urls.values()))


def _chromium() -> str:
    found = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not found:
        raise RuntimeError("The calendar weight needs Chromium: `apt-get install chromium`.")
    return found


def _furnish(studio: Studio) -> None:
    """Three rooms and a week of sessions, so the feed weighs what a real week does."""
    from studio.models import Client, Room
    from studio.selectors.settings import studio_settings_get
    from studio.services.sessions import session_create

    with schema_context(studio.schema_name):
        tz = studio_settings_get().tz
        rooms = [
            Room.objects.create(name=name, hourly_rate=Decimal("50"), buffer_minutes=0)
            for name in ("Live Room", "Control B", "Vocal Booth")
        ]
        monday = timezone.localdate(timezone=tz)
        monday -= timedelta(days=monday.weekday())
        for day in range(7):
            for i, room in enumerate(rooms):
                band = Client.objects.create(name=f"Band {day}-{i}")
                date = monday + timedelta(days=day)
                start = datetime(date.year, date.month, date.day, 10 + 3 * i, tzinfo=tz)
                session_create(client=band, room=room, start=start, end=start + timedelta(hours=2))


def _served_by_the_app(app):
    return app


def bench_calendar_weight(*, progress: Callable[[str], None]) -> dict[str, float]:
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    for leftover in Studio.objects.filter(slug=SLUG):
        studio_destroy(studio=leftover)
    studio = studio_provision(
        name="Bench Calendar",
        slug=SLUG,
        owner_email=OWNER[0],
        owner_password=OWNER[1],
        notify_owner=False,
    )
    connection.set_schema_to_public()
    server = None
    try:
        _furnish(studio)
        connection.set_schema_to_public()
        # Static files come from whitenoise, as in production (hashed, compressed), not from
        # Django's development handler.
        server = LiveServerThread("localhost", static_handler=_served_by_the_app)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        base = f"http://{SLUG}.localhost:{server.port}"
        # Playwright's sync API keeps an event loop on this thread; the ORM calls here are
        # plain synchronous code all the same.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=_chromium(), args=BROWSER_FLAGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{base}/admin/login/")
            page.fill("input[name=username]", OWNER[0])
            page.fill("input[name=password]", OWNER[1])
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/admin/")
            weight = page_weight(page, f"{base}/admin/calendar/?view=week")
            browser.close()
        progress(
            f"  calendar week: {weight.transferred / 1024:.0f} KiB in {weight.requests} requests"
        )
        return {
            "calendar_week_bytes": weight.transferred,
            "calendar_week_requests": weight.requests,
        }
    finally:
        if server is not None:
            server.terminate()
        connection.set_schema_to_public()
        studio_destroy(studio=studio)
