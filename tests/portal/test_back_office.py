"""The portal as the back office sees it: its settings in one "Client portal" tab, and a
client's portal access on the client's page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from studio.models import AuditEntry, StudioSettings
from tests.test_audit_complete import FormReader, change_through_the_page

pytestmark = pytest.mark.django_db

PORTAL_FIELDS = [
    "booking_mode",
    "max_advance_days",
    "hold_minutes",
    "deposit_percent",
    "account_deposit_percent",
    "no_show_deposit_percent",
    "approval_required",
    "brand_colour",
]


def test_the_portal_settings_have_their_own_tab(owner_browser_a, studio_a):
    with schema_context(studio_a.schema_name):
        settings = StudioSettings.objects.get()
    page = owner_browser_a.get(f"/admin/studio/studiosettings/{settings.pk}/change/")
    html = page.content.decode()
    assert "Client portal" in html
    for field in PORTAL_FIELDS:
        assert f'name="{field}"' in html, field


def test_the_owner_opens_registration_from_the_settings_page(owner_browser_a, studio_a):
    with schema_context(studio_a.schema_name):
        settings = StudioSettings.objects.get()
    change_through_the_page(owner_browser_a, settings, "booking_mode", "open")
    with schema_context(studio_a.schema_name):
        assert StudioSettings.objects.get().booking_mode == "open"
        entry = AuditEntry.objects.get(action="studiosettings.changed")
        assert entry.changes["booking_mode"] == ["invite", "open"]
    assert owner_browser_a.get("/register/").status_code == 200


def test_a_colour_that_is_not_a_colour_is_refused_on_the_settings_page(owner_browser_a, studio_a):
    with schema_context(studio_a.schema_name):
        settings = StudioSettings.objects.get()
    url = f"/admin/studio/studiosettings/{settings.pk}/change/"
    reader = FormReader("studiosettings_form")
    reader.feed(owner_browser_a.get(url).content.decode())
    data = {name: values for name, values in reader.data.items() if values}
    data.update({"brand_colour": ["red;}"], "_save": ["Save"]})
    response = owner_browser_a.post(url, data)
    assert response.status_code == 200 and "Use a colour like #7c3aed." in response.content.decode()
    with schema_context(studio_a.schema_name):
        assert StudioSettings.objects.get().brand_colour == "#7c3aed"


def test_the_clients_page_shows_portal_access_and_last_sign_in(
    owner_browser_a, front_desk_browser_a, studio_a, portal_client_x
):
    with schema_context(studio_a.schema_name):
        portal_client_x.account.last_seen_at = timezone.now()
        portal_client_x.account.save()
    url = f"/admin/studio/client/{portal_client_x.client.pk}/change/"
    for browser in (owner_browser_a, front_desk_browser_a):
        html = browser.get(url).content.decode()
        assert "x@bands.example" in html and "last seen" in html and "invited" in html
