"""Self-serve sign-up on the platform domain: the happy path, every refusal, the rate limit,
nothing left behind, two visitors racing for one sub-domain, and the first sign-in link."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import caches
from django.test import Client as HttpClient
from django_tenants.utils import schema_context, schema_exists

from siteconf.tenancy.models import Domain, Plan, Studio
from siteconf.tenancy.services.signup import ATTEMPTS_PER_HOUR, studio_sign_up
from tests.conftest import STUDIO_A

pytestmark = pytest.mark.django_db

GOOD = {
    "studio_name": "Blue Room Recording",
    "slug": "blue-room",
    "owner_name": "Ada Lovelace",
    "owner_email": "ada@blueroom.example",
    "owner_password": "Analytical-Engine-1843",
    "plan": "starter",
    "accepted_terms": "on",
}


@pytest.fixture(autouse=True)
def _clean():
    caches["platform"].clear()
    yield
    caches["platform"].clear()


def post(data, address="203.0.113.10"):
    return HttpClient(HTTP_HOST="localhost", REMOTE_ADDR=address).post("/signup/", data)


def nothing_left(slug: str) -> bool:
    return (
        not Studio.objects.filter(slug=slug).exists()
        and not Domain.objects.filter(domain=f"{slug}.localhost").exists()
        and not schema_exists(f"st_{slug.replace('-', '_')}")
    )


def test_signing_up_creates_a_studio_on_a_trial_and_signs_the_owner_in():
    response = post(GOOD)
    assert response.status_code == 302
    studio = Studio.objects.get(slug="blue-room")
    assert (studio.plan.slug, studio.subscription_status) == ("starter", "trialing")
    assert 13 <= (studio.trial_ends_at - studio.created_at).days <= 14
    link = response["Location"]
    assert link.startswith("http://blue-room.localhost:8000/admin/welcome/")

    browser = HttpClient(HTTP_HOST="blue-room.localhost")
    landed = browser.get(link.split(":8000", 1)[1])
    assert landed.status_code == 302 and landed["Location"] == "/admin/onboarding/"
    assert browser.get("/admin/onboarding/", follow=True).status_code == 200
    with schema_context(studio.schema_name):
        owner = get_user_model().objects.get(email="ada@blueroom.example")
        assert owner.first_name == "Ada" and not owner.is_superuser
        assert owner.groups.filter(name="Owner").exists()

    # The link signs in once.
    again = HttpClient(HTTP_HOST="blue-room.localhost").get(link.split(":8000", 1)[1])
    assert again["Location"].startswith("/admin/login/")


def test_the_link_does_not_work_on_another_studio():
    link = post(GOOD)["Location"].split(":8000", 1)[1]
    response = HttpClient(HTTP_HOST=STUDIO_A.host).get(link)
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "studio-a"}, "is already taken"),
        ({"slug": "Blue_Room"}, "lowercase"),
        ({"slug": "admin"}, "reserved"),
        ({"owner_password": "password"}, "too common"),
        ({"owner_password": "short"}, "too short"),
        ({"accepted_terms": ""}, "accept the terms"),
        ({"plan": "platinum"}, "Choose one of the plans"),
        ({"studio_name": ""}, "required"),
    ],
)
def test_each_refusal_says_why_and_leaves_nothing(change, message):
    before = Studio.objects.count()
    response = post({**GOOD, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Studio.objects.count() == before
    assert nothing_left("blue-room")


def test_a_known_and_an_unknown_email_get_the_same_answer():
    known = post({**GOOD, "owner_email": STUDIO_A.owner_email, "slug": "blue-room"})
    unknown = post({**GOOD, "owner_email": "nobody@unknown.example", "slug": "green-room"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"].startswith("http://blue-room.localhost:8000/admin/welcome/")
    assert unknown["Location"].startswith("http://green-room.localhost:8000/admin/welcome/")
    assert Studio.objects.filter(slug__in=["blue-room", "green-room"]).count() == 2


def test_a_refused_sign_up_reads_the_same_for_a_known_and_an_unknown_email():
    def page(email: str) -> str:
        html = post({**GOOD, "owner_email": email, "owner_password": "short"}).content.decode()
        html = html.replace(email, "EMAIL")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)

    assert page(STUDIO_A.owner_email) == page("nobody@unknown.example")


def test_the_owner_of_a_known_email_is_told_by_email_where_their_studio_is(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        post({**GOOD, "owner_email": STUDIO_A.owner_email})

    notices = [m for m in mail.outbox if m.subject.startswith("You already have a studio")]
    assert [m.to for m in notices] == [[STUDIO_A.owner_email]]
    assert "Studio A: http://studio-a.localhost:8000/admin/" in notices[0].body
    # Everything this sign-up sent went to that address and nowhere else.
    assert {address for m in mail.outbox for address in m.to} == {STUDIO_A.owner_email}


def test_an_unknown_email_gets_only_its_welcome(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(GOOD)

    assert [m.subject for m in mail.outbox] == [
        "Blue Room Recording is ready on Recording Studio Manager"
    ]


def test_a_filled_honeypot_creates_nothing():
    response = post({**GOOD, "website": "http://spam.example"})
    assert response.status_code == 400
    assert nothing_left("blue-room")


def test_attempts_are_limited_per_address():
    for _ in range(ATTEMPTS_PER_HOUR):
        post({**GOOD, "owner_password": "short"})
    response = post(GOOD)
    assert "Too many sign-up attempts" in response.content.decode()
    assert nothing_left("blue-room")
    # Another address is not affected.
    assert post(GOOD, address="198.51.100.7").status_code == 302


def test_a_failure_inside_provisioning_leaves_nothing(monkeypatch):
    from siteconf.tenancy.services import provisioning

    def broken(schema_name):
        raise RuntimeError("disk full")

    monkeypatch.setattr(provisioning, "_clone_schema", broken)
    with pytest.raises(RuntimeError):
        studio_sign_up(
            studio_name="Blue Room",
            slug="blue-room",
            owner_name="Ada",
            email="ada@blueroom.example",
            password=GOOD["owner_password"],
            plan_slug="pro",
            accepted_terms=True,
            address="203.0.113.20",
        )
    assert nothing_left("blue-room")


def test_the_sub_domain_check_answers_as_the_visitor_types():
    client = HttpClient(HTTP_HOST="localhost")
    free = client.get("/signup/check/", {"slug": "blue-room"}).json()
    taken = client.get("/signup/check/", {"slug": "studio-a"}).json()
    bad = client.get("/signup/check/", {"slug": "Blue Room"}).json()
    assert free["available"] is True and "blue-room.localhost is free" in free["message"]
    assert taken["available"] is False and "taken" in taken["message"]
    assert bad["available"] is False


def test_the_form_offers_the_plans_from_the_table():
    Plan.objects.filter(slug="pro").update(monthly_price=119)
    page = HttpClient(HTTP_HOST="localhost").get("/signup/", {"plan": "pro"}).content.decode()
    assert "€119" in page and "€29" in page
    assert 'value="pro" checked' in page


def test_sign_up_is_not_on_studio_domains():
    response = HttpClient(HTTP_HOST=STUDIO_A.host).get("/signup/")
    assert response.status_code == 404
