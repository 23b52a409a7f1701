"""Portal pages in the studio's name, logo and colour, within the site's content policy."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django_tenants.utils import schema_context

from portal.context import branding_get
from studio.models import StudioSettings

pytestmark = pytest.mark.django_db


def test_pages_carry_the_studios_colour_name_and_footer(anonymous_a, studio_a):
    with schema_context(studio_a.schema_name):
        StudioSettings.objects.update(brand_colour="#0f766e")
    page = anonymous_a.get("/sign-in/").content.decode()
    assert '<html lang="en" style="--brand: #0f766e">' in page
    assert "Studio A · powered by Recording Studio Manager" in page
    assert 'class="brand-name">Studio A<' in page
    assert "portal/portal.css" in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page


def test_a_colour_that_is_not_a_colour_never_reaches_the_page(anonymous_a, studio_a):
    with schema_context(studio_a.schema_name):
        # Written past the model's validator, as a bad import or a hand edit might.
        StudioSettings.objects.update(brand_colour='red"><s')
    page = anonymous_a.get("/sign-in/").content.decode()
    assert 'style="--brand: #7c3aed"' in page and "<s" not in page.split("<head>")[0]


def test_the_studios_name_is_text(anonymous_a, studio_a):
    studio_a.name = "<script>alert(1)</script> Sound"
    studio_a.save()
    page = anonymous_a.get("/sign-in/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Sound" in page


def test_the_logo_replaces_the_name_when_the_studio_has_one(anonymous_a, studio_a):
    with schema_context(studio_a.schema_name):
        StudioSettings.objects.update(logo="branding/logo.png")
    page = anonymous_a.get("/sign-in/").content.decode()
    assert 'class="brand-logo"' in page and "branding/logo.png" in page
    assert 'alt="Studio A"' in page


def test_the_top_bar_offers_home_book_and_sign_out_to_a_signed_in_client(portal_client_x):
    page = portal_client_x.browser.get("/password/").content.decode()
    assert ">Home</a>" in page and ">Book</a>" in page
    assert 'action="/sign-out/"' in page and "csrfmiddlewaretoken" in page


def test_the_top_bar_offers_nothing_to_staff_or_visitors(owner_browser_a, anonymous_a):
    for browser in (owner_browser_a, anonymous_a):
        page = browser.get("/sign-in/").content.decode()
        assert 'action="/sign-out/"' not in page


def test_the_content_policy_stays_strict_on_portal_pages(anonymous_a):
    policy = anonymous_a.get("/sign-in/")["Content-Security-Policy"]
    script = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script


def test_the_branding_is_read_once_per_request(studio_a, django_assert_num_queries):
    with schema_context(studio_a.schema_name):
        request = RequestFactory().get("/")
        request.tenant = studio_a
        connection.ensure_connection()
        StudioSettings.objects.exists()  # the schema switch, out of the count
        with django_assert_num_queries(1):
            first = branding_get(request)
            second = branding_get(request)
        assert first is second and first.name == "Studio A"


def test_there_is_no_branding_on_the_platform(studio_a):
    connection.set_schema_to_public()
    assert branding_get(RequestFactory().get("/")) is None
