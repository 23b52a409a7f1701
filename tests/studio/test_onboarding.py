"""A new studio's first minutes: the three-step wizard (skippable, resumable), the dashboard
checklist until it is done, and the read-only demo visitor."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from studio.models import Room, StudioSettings
from tests.conftest import STUDIO_A, STUDIO_B
from tests.studio.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(studio_a):
    client = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        client.force_login(User.objects.get(email=STUDIO_A.owner_email))
    return client


def settings_of(studio):
    with schema_context(studio.schema_name):
        return StudioSettings.objects.get()


def test_the_wizard_walks_through_three_steps_to_the_calendar(owner, studio_a):
    assert owner.get("/admin/onboarding/")["Location"] == "/admin/onboarding/1/"
    step1 = owner.post(
        "/admin/onboarding/1/",
        {
            "legal_name": "Studio A Ltd",
            "address": "1 Abbey Road\nLondon",
            "timezone": "Europe/London",
            "currency": "GBP",
            "default_tax_rate": "20",
        },
    )
    assert step1["Location"] == "/admin/onboarding/2/"
    step2 = owner.post("/admin/onboarding/2/", {"name": "Live Room", "hourly_rate": "55"})
    assert step2["Location"] == "/admin/onboarding/3/"
    finish = owner.post("/admin/onboarding/3/", {"save": "1"})
    assert finish["Location"] == "/admin/calendar/"
    settings = settings_of(studio_a)
    assert (settings.timezone, settings.currency, settings.onboarding_done) == (
        "Europe/London",
        "GBP",
        True,
    )
    with schema_context(studio_a.schema_name):
        room = Room.objects.get()
        assert (room.name, str(room.hourly_rate)) == ("Live Room", "55.00")
    assert "Finish setting up your studio" not in owner.get("/admin/").content.decode()


def test_steps_can_be_skipped_and_the_wizard_resumes_where_it_was_left(owner, studio_a):
    owner.post("/admin/onboarding/1/", {"skip": "1"})
    assert settings_of(studio_a).onboarding_step == 2
    assert owner.get("/admin/onboarding/")["Location"] == "/admin/onboarding/2/"
    assert settings_of(studio_a).address == ""


def test_a_bad_value_is_refused_and_changes_nothing(owner, studio_a):
    response = owner.post(
        "/admin/onboarding/1/",
        {"legal_name": "X", "timezone": "Mars/Olympus", "currency": "EUR", "default_tax_rate": "5"},
    )
    assert response.status_code == 200 and "Mars/Olympus" in response.content.decode()
    assert settings_of(studio_a).legal_name == ""
    response = owner.post("/admin/onboarding/2/", {"name": "Room", "hourly_rate": "-5"})
    assert response.status_code == 200
    with schema_context(studio_a.schema_name):
        assert not Room.objects.exists()


def test_the_dashboard_shows_the_checklist_until_it_is_done_or_hidden(owner, studio_a):
    page = owner.get("/admin/").content.decode()
    assert "Finish setting up your studio" in page
    assert "Create your first room and its hourly rate" in page
    owner.post("/admin/onboarding/dismiss/")
    assert "Finish setting up your studio" not in owner.get("/admin/").content.decode()


@pytest.mark.parametrize("who", ["engineer", "outsider", "anonymous"])
def test_only_those_who_run_the_studio_set_it_up(studio_a, studio_b, who):
    client = HttpClient(HTTP_HOST=STUDIO_A.host)
    if who == "engineer":
        with schema_context(studio_a.schema_name):
            client.force_login(staff_user("eng@studio-a.example", "Engineer"))
    elif who == "outsider":
        with schema_context(studio_b.schema_name):
            outsider = HttpClient(HTTP_HOST=STUDIO_B.host)
            outsider.force_login(User.objects.get(email=STUDIO_B.owner_email))
        client.cookies = outsider.cookies
    response = client.post("/admin/onboarding/2/", {"name": "Sneaky", "hourly_rate": "1"})
    assert response.status_code in (302, 403)
    with schema_context(studio_a.schema_name):
        assert not Room.objects.exists()


@pytest.fixture
def demo_studio(studio_a, settings):
    from studio.demo.visitor import demo_visitor_ensure

    settings.DEMO_STUDIO = STUDIO_A.slug
    with schema_context(studio_a.schema_name):
        demo_visitor_ensure(slug=STUDIO_A.slug)
    return studio_a


def enter_the_demo(visitor):
    """What the browser does: open the demo's page, then press its button."""
    door = visitor.get("/admin/demo/")
    assert door.status_code == 200
    token = visitor.cookies["csrftoken"].value
    return visitor.post("/admin/demo/", {"csrfmiddlewaretoken": token})


def test_the_demo_opens_read_only(demo_studio):
    platform = HttpClient(HTTP_HOST="localhost").get("/demo/")
    assert platform["Location"] == "http://studio-a.localhost:8000/admin/demo/"
    visitor = HttpClient(HTTP_HOST=STUDIO_A.host, enforce_csrf_checks=True)
    assert enter_the_demo(visitor)["Location"] == "/admin/"
    assert visitor.get("/admin/studio/client/").status_code == 200
    token = visitor.cookies["csrftoken"].value  # signing in gave a new one
    added = visitor.post(
        "/admin/studio/room/add/",
        {"name": "Hack", "hourly_rate": "1", "csrfmiddlewaretoken": token},
    )
    assert added.status_code == 403
    with schema_context(demo_studio.schema_name):
        assert not Room.objects.exists()


def test_other_studios_have_no_demo_door(studio_b):
    assert HttpClient(HTTP_HOST=STUDIO_B.host).get("/admin/demo/").status_code == 404


def signed_in(visitor) -> bool:
    return visitor.get("/admin/studio/client/").status_code == 200


def test_opening_the_demo_link_signs_nobody_in(demo_studio):
    visitor = HttpClient(HTTP_HOST=STUDIO_A.host)

    door = visitor.get("/admin/demo/")

    assert door.status_code == 200
    assert '<form method="post" id="demo-form">' in door.content.decode()
    assert not signed_in(visitor)


def test_the_demo_refuses_a_sign_in_posted_from_another_site(demo_studio):
    # What a form on another site can send: no CSRF cookie or token of this host.
    visitor = HttpClient(HTTP_HOST=STUDIO_A.host, enforce_csrf_checks=True)

    response = visitor.post("/admin/demo/", HTTP_ORIGIN="https://evil.example")

    assert response.status_code == 403
    assert not signed_in(visitor)


def test_the_demo_button_signs_the_visitor_in(demo_studio):
    visitor = HttpClient(HTTP_HOST=STUDIO_A.host, enforce_csrf_checks=True)

    response = enter_the_demo(visitor)

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(visitor)


def test_the_first_step_asks_for_what_a_first_invoice_needs(owner, studio_a):
    details = {
        "legal_name": "Studio A Ltd",
        "address": "1 Abbey Road\nLondon",
        "email": "accounts@studio-a.example",
        "timezone": "Europe/London",
        "currency": "GBP",
        "default_tax_rate": "20",
        "vat_number": "GB 284 7719 06",
        "sort_code": "60-16-13",
        "account_number": "31926819",
    }
    page = owner.get("/admin/onboarding/1/").content.decode()
    for name in ("vat_number", "iban", "sort_code", "account_number", "email"):
        assert f'name="{name}"' in page

    refused = owner.post("/admin/onboarding/1/", {**details, "iban": "GB00 NWBK 6016 1331 9268 19"})
    assert refused.status_code == 200 and "check digits do not match" in refused.content.decode()
    with schema_context(studio_a.schema_name):
        assert StudioSettings.objects.get().vat_number == ""

    assert owner.post("/admin/onboarding/1/", details)["Location"] == "/admin/onboarding/2/"
    with schema_context(studio_a.schema_name):
        settings = StudioSettings.objects.get()
        assert settings.vat_number == "GB 284 7719 06"
        assert "Sort code 60-16-13 · Account 31926819" in settings.bank_lines
