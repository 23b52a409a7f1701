"""Settings → Online payments: the studio's Stripe account, its state and its onboarding."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django_tenants.utils import schema_context

from portal.models import USERNAME_PREFIX, PortalAccount
from siteconf import stripe_gateway as gateway
from siteconf.stripe_accounts import demo_account_connect
from siteconf.tenancy.models import Plan, StripeEvent, Studio
from studio.models import AuditEntry
from tests.conftest import PLATFORM_HOST, STUDIO_A, STUDIO_B, client_for
from tests.payments.conftest import staff
from tests.studio.factories import ClientFactory

pytestmark = pytest.mark.django_db
PAGE = "/admin/settings/online-payments/"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def on_pro(studio_a):
    Studio.objects.filter(pk=studio_a.pk).update(plan=Plan.objects.get(slug="pro"))
    return Studio.objects.get(pk=studio_a.pk)


@pytest.fixture
def cast(studio_a, studio_b):
    """Owner, manager, front desk, accountant and a portal client of studio A; studio B's
    owner (signed in at B, trying A's host); anonymous."""
    with schema_context(studio_a.schema_name):
        owner = User.objects.get(email=STUDIO_A.owner_email)
        people = {
            "owner": owner,
            "manager": staff("manager@studio-a.example", "Manager"),
            "front desk": staff("desk@studio-a.example", "Front desk"),
            "accountant": staff("books@studio-a.example", "Accountant"),
        }
        client = ClientFactory(email="artist@example.com")
        portal_user = User.objects.create_user(username=f"{USERNAME_PREFIX}artist@example.com")
        PortalAccount.objects.create(user=portal_user, client=client, email=client.email)
        people["client"] = portal_user
    browsers = {}
    for name, user in people.items():
        browser = client_for(STUDIO_A.host)
        with schema_context(studio_a.schema_name):
            browser.force_login(user, backend=MODEL_BACKEND)
        browsers[name] = browser
    outsider = client_for(STUDIO_B.host)
    with schema_context(studio_b.schema_name):
        outsider.force_login(User.objects.get(email=STUDIO_B.owner_email), backend=MODEL_BACKEND)
    # B's session cookie, presented on A's host.
    browsers["studio B owner"] = client_for(STUDIO_A.host)
    browsers["studio B owner"].cookies = outsider.cookies
    browsers["anonymous"] = client_for(STUDIO_A.host)
    return browsers


def test_the_owner_sees_the_state_and_the_button(cast, on_pro):
    response = cast["owner"].get(PAGE)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-state="not_connected"' in page
    assert "Connect with Stripe" in page


@pytest.mark.parametrize("who", ["front desk", "accountant"])
def test_staff_without_the_settings_permission_are_refused(cast, on_pro, who):
    assert cast[who].get(PAGE).status_code == 403
    assert cast[who].post(PAGE).status_code == 403
    on_pro.refresh_from_db()
    assert on_pro.stripe_account_id is None


@pytest.mark.parametrize("who", ["client", "studio B owner", "anonymous"])
def test_people_who_are_not_this_studios_staff_are_sent_to_sign_in(cast, on_pro, who):
    for response in (cast[who].get(PAGE), cast[who].post(PAGE)):
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    on_pro.refresh_from_db()
    assert on_pro.stripe_account_id is None


def test_a_plan_without_card_payments_says_so_and_links_to_upgrading(cast, studio_a):
    Studio.objects.filter(pk=studio_a.pk).update(plan=Plan.objects.get(slug="starter"))

    page = cast["owner"].get(PAGE).content.decode()

    assert 'data-state="plan"' in page
    assert "does not include card payments" in page
    assert "/admin/subscription/" in page
    response = cast["owner"].post(PAGE, follow=True)
    assert "does not include card payments" in response.content.decode()
    studio_a.refresh_from_db()
    assert studio_a.stripe_account_id is None


def test_starting_creates_the_account_once_and_sends_the_owner_to_onboarding(cast, on_pro):
    first = cast["owner"].post(PAGE)
    on_pro.refresh_from_db()
    account = on_pro.stripe_account_id
    second = cast["owner"].post(PAGE)

    assert account == gateway.offline_account_id(on_pro.schema_name)
    for response in (first, second):
        assert response.status_code == 302
        link = urlsplit(response["Location"])
        assert (link.hostname, link.path) == (
            PLATFORM_HOST,
            f"/stripe/offline-onboarding/{account}/",
        )
    on_pro.refresh_from_db()
    assert on_pro.stripe_account_id == account
    with schema_context(on_pro.schema_name):
        assert AuditEntry.objects.filter(action="studio.stripe_account_created").count() == 1


def test_a_manager_may_start_it_too(cast, on_pro):
    # The permission decides (studio.change_studiosettings), and managers hold it.
    response = cast["manager"].post(PAGE)
    assert "/stripe/offline-onboarding/" in response["Location"]


def onboarding_link(cast) -> str:
    location = urlsplit(cast["owner"].post(PAGE)["Location"])
    return f"{location.path}?{location.query}"


def test_offline_onboarding_completes_through_the_signed_webhook(
    cast, on_pro, django_capture_on_commit_callbacks
):
    link = onboarding_link(cast)
    platform = client_for(PLATFORM_HOST)
    page = platform.get(link)
    assert page.status_code == 200
    assert "bank account" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        done = platform.post(link)

    assert done.status_code == 302
    assert done["Location"] == f"http://{STUDIO_A.host}{PAGE}"
    event = StripeEvent.objects.get(type="account.updated")
    on_pro.refresh_from_db()
    assert event.account == on_pro.stripe_account_id
    assert on_pro.stripe_charges_enabled and on_pro.stripe_details_submitted
    assert event.processed_at is not None
    assert 'data-state="ready"' in cast["owner"].get(PAGE).content.decode()


def test_a_forged_or_foreign_onboarding_link_is_not_found(cast, on_pro, studio_b):
    link = onboarding_link(cast)
    on_pro.refresh_from_db()
    platform = client_for(PLATFORM_HOST)

    assert platform.get(link + "x").status_code == 404
    assert platform.post(link.replace("token=", "token=x")).status_code == 404
    other = gateway.offline_account_id(studio_b.schema_name)
    assert platform.get(link.replace(on_pro.stripe_account_id, other, 1)).status_code == 404
    on_pro.refresh_from_db()
    assert not on_pro.stripe_charges_enabled
    assert not StripeEvent.objects.exists()


def test_the_offline_onboarding_page_does_not_exist_on_real_stripe(cast, on_pro, settings):
    link = onboarding_link(cast)
    settings.STRIPE_API_BASE = ""

    assert client_for(PLATFORM_HOST).get(link).status_code == 404


def test_an_incomplete_account_says_so(cast, on_pro):
    Studio.objects.filter(pk=on_pro.pk).update(stripe_account_id="acct_1HALFWAY")

    page = cast["owner"].get(PAGE).content.decode()

    assert 'data-state="incomplete"' in page
    assert "Continue onboarding on Stripe" in page


def test_without_stripe_keys_the_page_says_cards_are_not_set_up(cast, on_pro, settings):
    settings.STRIPE_SECRET_KEY = ""

    page = cast["owner"].get(PAGE).content.decode()
    assert "not set up on this platform" in page
    assert cast["owner"].post(PAGE).status_code == 302
    on_pro.refresh_from_db()
    assert on_pro.stripe_account_id is None


def test_the_sidebar_lists_it_for_the_owner_only(cast, on_pro):
    assert PAGE in cast["owner"].get("/admin/").content.decode()
    assert PAGE not in cast["front desk"].get("/admin/").content.decode()


def test_demo_studios_on_paid_plans_get_a_ready_offline_account(on_pro, studio_b):
    assert demo_account_connect(studio=on_pro)
    assert not demo_account_connect(studio=on_pro)  # already connected
    assert not demo_account_connect(studio=studio_b)  # no plan with card payments

    on_pro.refresh_from_db()
    assert on_pro.stripe_charges_enabled and on_pro.stripe_account_id.startswith("acct_1")
