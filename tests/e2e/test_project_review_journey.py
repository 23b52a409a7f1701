"""A band reviews a mix in the portal and gets its master once paid, in Chromium against
localstripe: the studio has prepared an EP with a track and two versions of a WAV generated
here (processed as the worker would: peaks, loudness, preview). The band signs in, the waveform
draws from the stored peaks, they play, comment at 0:42, switch version at the same position,
approve; the master download is refused until the invoice is paid in the portal with
4242 4242 4242 4242, then the file comes down. Staff see the comment at 0:42.

With SCREENSHOTS_DIR set, the track page (390 and 1440 px) and the project page with the masters
held for payment are photographed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Plan, Studio
from studio.models import Client, Invoice, OutgoingEmail, ReviewComment, StudioSettings
from studio.services.audio_urls import audio_url
from tests.conftest import forget_media_root
from tests.e2e.test_calendar_journey import sign_in
from tests.e2e.test_portal_booking_journey import _pay
from tests.payments.conftest import localstripe_server, stripe_settings  # noqa: F401
from tests.portal.conftest import CLIENT_PASSWORD, portal_account_make
from tests.portal_projects.conftest import review_make


@pytest.fixture
def prepared(e2e_studio, django_db_blocker, settings, tmp_path):
    """The e2e studio on Pro with Stripe ready; a band with a portal account and its EP."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    forget_media_root()
    with django_db_blocker.unblock():
        Studio.objects.filter(pk=e2e_studio.pk).update(
            plan=Plan.objects.get(slug="pro"),
            stripe_account_id="acct_1E2eStudio000000",
            stripe_charges_enabled=True,
            stripe_details_submitted=True,
        )
        with schema_context(e2e_studio.schema_name):
            StudioSettings.objects.update(email="desk@e2e-studio.example")
            band = Client.objects.create(
                name="Velvet Static", kind=Client.Kind.BAND, email="velvet@example.com"
            )
            portal_account_make(client=band, email=band.email)
            review = review_make(band)
        connection.set_schema_to_public()
    yield band, review
    forget_media_root()


def _shoot(tab, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    size = tab.viewport_size
    for label, width in (("mobile", 390), ("desktop", 1440)):
        tab.set_viewport_size({"width": width, "height": 900})
        tab.wait_for_timeout(300)  # the waveform redraws at the new width
        tab.screenshot(path=f"{folder}/portal-{name}-{label}.png", full_page=True)
    tab.set_viewport_size(size)


def _position(tab) -> float:
    return tab.evaluate("() => document.querySelector('[data-player-audio]').currentTime")


def test_a_band_comments_approves_and_gets_the_master_once_paid(
    page, browser, live_url, e2e_studio, django_db_blocker, prepared
):
    band_client, review = prepared
    band = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    dialogs = []
    band.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    track_url = f"{live_url}/tracks/{review.track.pk}/"

    # Signed out, the track asks for the sign-in and comes back to it.
    band.goto(track_url)
    band.wait_for_url(re.compile(r"/sign-in/\?next="))
    band.get_by_text("Sign in with a password instead").click()
    band.locator("input[name='password-email']").fill(band_client.email)
    band.locator("input[name='password-password']").fill(CLIENT_PASSWORD)
    band.get_by_role("button", name="Sign in", exact=True).click()
    band.wait_for_url(re.compile(rf"/tracks/{review.track.pk}/$"))

    # The waveform is drawn from the stored peaks: nothing is decoded in the browser.
    band.locator("[data-player][data-player-ready='true']").wait_for()
    assert band.locator("[data-player-wave]").is_visible()
    band.locator("[data-player-play]").click()
    band.wait_for_function(
        "() => document.querySelector('[data-player-audio]').currentTime > 0.2", timeout=15000
    )
    band.locator("[data-player-play]").click()  # pause

    # A comment at 0:42 of v2, the version shown first.
    at = band.locator("[data-player-time]")
    for _ in range(3):  # the playhead writes its time here until the band types their own
        at.fill("0:42")
        if at.input_value() == "0:42":
            break
    band.locator("#comment-body").fill("The snare gets lost at 0:42")
    band.get_by_role("button", name="Add comment").click()
    band.wait_for_url(re.compile(rf"version={review.v2.pk}&t=42"))
    thread = band.locator(f"[data-player-comments-for='{review.v2.pk}']")
    assert thread.locator(".comment-time").first.inner_text() == "0:42"
    assert "The snare gets lost" in thread.inner_text()
    band.locator("[data-player][data-player-ready='true']").wait_for()
    band.wait_for_function("() => document.querySelector('[data-player-audio]').currentTime > 41")
    _shoot(band, "track")

    # Switching to v1 keeps the position.
    before = band.evaluate("() => document.querySelector('[data-player-audio]').src")
    band.locator(f"[data-player-select='{review.v1.pk}']").click()
    band.wait_for_url(re.compile(rf"version={review.v1.pk}"))
    band.locator(f"[data-player-comments-for='{review.v1.pk}']").wait_for()
    band.wait_for_function(
        "(before) => { const a = document.querySelector('[data-player-audio]');"
        " return a.src !== before && a.readyState >= 1 && a.currentTime > 0; }",
        arg=before,
    )
    assert abs(_position(band) - 42) < 1.0
    assert band.locator(f"[data-player-comments-for='{review.v2.pk}']").is_hidden()

    # Approving v1, after the confirmation.
    band.locator(f"[data-approve='{review.v1.pk}']").click()
    band.get_by_role("button", name="Yes, approve v1").click()
    band.wait_for_url(re.compile(rf"/tracks/{review.track.pk}/\?version={review.v1.pk}$"))
    assert (
        "Approved by Velvet Static"
        in band.locator(f"[data-player-comments-for='{review.v1.pk}']").inner_text()
    )

    # The master (v2) is held until the invoice is paid: the page says what is due.
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        download_url = audio_url(review.v2, variant="download", client=band_client)
    connection.set_schema_to_public()
    assert band.locator("[data-masters]").get_attribute("data-masters") == "held"
    status = band.evaluate("async (url) => (await fetch(url)).status", download_url)
    assert status == 403
    band.goto(f"{live_url}/projects/{review.project.pk}/")
    assert "Masters after payment" in band.content()
    _shoot(band, "project-masters-held")

    band.get_by_role("link", name=f"Pay {review.invoice.number}").click()
    band.wait_for_url(re.compile(rf"/invoices/{review.invoice.pk}/pay/$"))
    _pay(band, "4242424242424242")
    band.wait_for_url(re.compile(rf"/invoices/{review.invoice.pk}/$"))
    assert band.locator("[data-state]").inner_text() == "Paid"

    band.goto(track_url)
    assert band.locator("[data-masters]").get_attribute("data-masters") == "released"
    with band.expect_download() as caught:
        band.locator("[data-master-download]").click()
    got = Path(caught.value.path()).read_bytes()
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        with review.v2.file.open("rb") as original:
            assert got == original.read()
        invoice = Invoice.objects.get(pk=review.invoice.pk)
        assert invoice.status == Invoice.Status.PAID
        ready = OutgoingEmail.objects.filter(
            kind="masters_ready", about=f"project:{review.project.pk}"
        )
        assert ready.count() == 1
        comment = ReviewComment.objects.get(version=review.v2)
        assert str(comment.at_seconds) == "42.000"
        admin_track = reverse("admin:studio_track_change", args=[review.track.pk])
    connection.set_schema_to_public()
    assert dialogs == []

    # The back office's track page lists the client's comment at its time.
    sign_in(page, live_url)
    page.goto(live_url + admin_track)
    assert "0:42" in page.content() and "The snare gets lost" in page.content()
