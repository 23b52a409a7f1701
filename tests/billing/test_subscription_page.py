"""Settings → Subscription and the billing banner, as each person sees them: the state in
words per state, usage, plans with what stops a downgrade, the card form for the owner only,
the owner's posts, and nobody from another studio reaching any of it."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf import stripe_gateway as gateway
from siteconf.tenancy import host_cache
from siteconf.tenancy.models import Plan, Studio
from siteconf.tenancy.services import subscriptions
from studio.models import Room
from tests.billing.conftest import Status, fresh, subscribed
from tests.conftest import STUDIO_A, client_for
from tests.studio.factories import RoomFactory


def local_noon(*, days: int):
    """Noon of the studio's day `days` from today: "N days left" counts the studio's dates, and
    a time a few hours ahead would cross midnight when the suite runs late in the evening."""
    today = timezone.localtime(timezone.now(), ZoneInfo("Europe/Paris"))
    return today.replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=days)


pytestmark = pytest.mark.django_db
PAGE = "/admin/subscription/"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(studio: Studio, user):
    browser = client_for(STUDIO_A.host)
    with schema_context(studio.schema_name):
        browser.force_login(user, backend=BACKEND)
    return browser


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def set_state(studio: Studio, **fields) -> Studio:
    Studio.objects.filter(pk=studio.pk).update(**fields)
    host_cache.forget_studio(studio)  # as a save would: the next request reads the row
    return fresh(studio)


def test_the_owner_sees_the_trial_the_usage_the_plans_and_the_card_form(on_trial, owner):
    set_state(on_trial, trial_ends_at=local_noon(days=9))
    response = signed_in(on_trial, owner).get(PAGE)
    assert response.status_code == 200
    text = page_text(response)
    assert 'data-state="trialing"' in text
    assert "Free trial" in text and "9 days left" in text
    assert "Rooms in use" in text and "Sessions this month" in text
    for name in ("Starter", "Pro", "Enterprise"):
        assert f'data-plan="{name.lower()}"' in text
    assert 'id="pay-form"' in text and 'data-secret="seti_' in text
    assert "first charge on" in text
    # Stripe.js may load on this page (it may not elsewhere in the back office).
    policy = response.get("Content-Security-Policy") or response.get(
        "Content-Security-Policy-Report-Only"
    )
    assert gateway.js_url().split("/js.stripe.com")[0].rstrip("/") in policy
    assert fresh(on_trial).stripe_customer_id


def test_other_staff_see_the_state_without_the_actions(on_trial, manager):
    response = signed_in(on_trial, manager).get(PAGE)
    assert response.status_code == 200
    text = page_text(response)
    assert "Free trial" in text
    assert "Only the studio's owner (owner@studio-a.example)" in text
    assert 'id="pay-form"' not in text and "card_token" not in text
    assert fresh(on_trial).stripe_customer_id is None  # nothing made for them on Stripe


def test_a_managers_post_is_refused_and_changes_nothing(on_trial, owner, manager):
    with schema_context(on_trial.schema_name):
        subscribed(on_trial, by=owner)
    response = signed_in(on_trial, manager).post(PAGE, {"do": "cancel"}, follow=True)
    assert "Only the studio&#x27;s owner can change its subscription" in response.content.decode()
    assert not fresh(on_trial).cancel_at_period_end


@pytest.mark.parametrize("who", ["studio B owner", "anonymous"])
def test_nobody_from_outside_the_studio_reaches_the_page(on_trial, owner_b, studio_b, who):
    browser = client_for(STUDIO_A.host)
    if who == "studio B owner":
        outsider = client_for("studio-b.localhost")
        with schema_context(studio_b.schema_name):
            outsider.force_login(owner_b, backend=BACKEND)
        browser.cookies = outsider.cookies
    for response in (browser.get(PAGE), browser.post(PAGE, {"do": "cancel"})):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert fresh(on_trial).stripe_customer_id is None


def test_the_owner_subscribes_through_the_page(on_trial, owner):
    browser = signed_in(on_trial, owner)
    text = browser.get(PAGE).content.decode()
    secret = text.split('data-secret="')[1].split('"')[0]
    token = text.split('name="card_token" value="')[1].split('"')[0]
    setup_intent = secret.split("_secret_")[0]
    gateway.setup_intent_confirm_test_card(
        account=None, setup_intent=setup_intent, client_secret=secret, number="4242424242424242"
    )
    answer = browser.post(
        PAGE,
        {
            "do": "subscribe",
            "plan": "enterprise",
            "interval": "year",
            "setup_intent": setup_intent,
            "card_token": token,
        },
    )
    assert answer.status_code == 200 and answer.json() == {"ok": True, "next": PAGE}
    studio = fresh(on_trial)
    assert studio.plan.slug == "enterprise" and studio.price.interval == "year"
    text = page_text(browser.get(PAGE))
    assert "Visa •••• 4242" in text and "Cancel at the end of the period" in text
    assert 'id="pay-form"' not in text


def test_a_refused_subscribe_answers_the_card_form_with_the_reason(on_trial, owner):
    answer = signed_in(on_trial, owner).post(
        PAGE,
        {"do": "subscribe", "plan": "pro", "interval": "month", "setup_intent": "seti_x"},
    )
    assert answer.status_code == 409
    assert answer.json() == {"ok": False, "message": subscriptions.CARD_FORM_EXPIRED}


def test_each_state_is_said_in_words(on_trial, owner):
    browser = signed_in(on_trial, owner)
    overdue = timezone.now() - timedelta(days=2)
    set_state(on_trial, subscription_status=Status.PAST_DUE, past_due_since=overdue)
    text = page_text(browser.get(PAGE))
    read_only_on = timezone.localtime(overdue + timedelta(days=7), ZoneInfo("Europe/Paris"))
    assert "Payment overdue" in text
    assert f"read-only on {read_only_on:%-d %b %Y}" in text
    set_state(on_trial, subscription_status=Status.READ_ONLY, read_only_since=overdue)
    text = page_text(browser.get(PAGE))
    assert 'data-state="read_only"' in text and "Read-only" in text
    assert 'id="pay-form"' in text  # paying stays possible
    with schema_context(on_trial.schema_name):
        studio = subscribed(set_state(on_trial, subscription_status=Status.TRIALING), by=owner)
        subscriptions.subscription_cancel(studio=studio, by=owner)
    set_state(on_trial, subscription_status=Status.ACTIVE)
    text = page_text(browser.get(PAGE))
    assert 'data-state="cancelling"' in text and "Resume the subscription" in text


def test_a_plan_the_studio_does_not_fit_says_what_to_change(on_trial, owner):
    with schema_context(on_trial.schema_name):
        Room.objects.update(is_active=False)
        RoomFactory.create_batch(3)
    text = page_text(signed_in(on_trial, owner).get(PAGE))
    assert "Starter includes 1 room; you have 3 rooms in use. Deactivate 2 rooms first." in text
    starter = text.split('data-plan="starter"')[1].split("</label>")[0]
    assert "disabled" in starter


def test_a_read_only_studio_can_still_pay_on_this_page(on_trial, owner):
    studio = set_state(
        on_trial,
        subscription_status=Status.READ_ONLY,
        trial_ends_at=timezone.now() - timedelta(days=20),
        read_only_since=timezone.now() - timedelta(days=5),
    )
    browser = signed_in(studio, owner)
    text = browser.get(PAGE).content.decode()
    secret = text.split('data-secret="')[1].split('"')[0]
    token = text.split('name="card_token" value="')[1].split('"')[0]
    setup_intent = secret.split("_secret_")[0]
    gateway.setup_intent_confirm_test_card(
        account=None, setup_intent=setup_intent, client_secret=secret, number="4242424242424242"
    )
    answer = browser.post(
        PAGE,
        {
            "do": "subscribe",
            "plan": "pro",
            "interval": "month",
            "setup_intent": setup_intent,
            "card_token": token,
        },
    )
    assert answer.status_code == 200, answer.content
    assert fresh(studio).subscription_status == Status.ACTIVE


# --- the banner ----------------------------------------------------------------------------


def banner(studio: Studio, user) -> str:
    text = page_text(signed_in(studio, user).get("/admin/"))
    if 'id="subscription-banner"' not in text:
        return ""
    return text.split('id="subscription-banner"')[1].split("</div>")[0]


def test_the_banner_warns_of_a_trial_ending_within_three_days(on_trial, manager):
    assert banner(on_trial, manager) == ""  # ten days left
    studio = set_state(on_trial, trial_ends_at=local_noon(days=2))
    shown = banner(studio, manager)
    assert "Your free trial ends in 2 days" in shown and f'href="{PAGE}"' in shown


def test_no_trial_banner_once_a_card_is_on_file(on_trial, owner):
    studio = set_state(on_trial, trial_ends_at=timezone.now() + timedelta(days=2))
    with schema_context(studio.schema_name):
        subscribed(studio, by=owner)
    assert banner(studio, owner) == ""


def test_the_banner_says_when_an_overdue_studio_turns_read_only(on_trial, manager):
    since = timezone.now() - timedelta(days=3)
    studio = set_state(on_trial, subscription_status=Status.PAST_DUE, past_due_since=since)
    shown = banner(studio, manager)
    grace = timedelta(days=Plan.objects.get(slug="pro").grace_days)
    ends = timezone.localtime(since + grace, ZoneInfo("Europe/Paris"))
    assert "Payment is overdue since" in shown
    assert f"On {ends:%-d %b %Y} the studio turns read-only." in shown
    assert "Pay now" in shown


def test_the_banner_says_the_studio_is_read_only_on_every_page(on_trial, manager):
    studio = set_state(
        on_trial, subscription_status=Status.READ_ONLY, read_only_since=timezone.now()
    )
    assert "This studio is read-only" in banner(studio, manager)
    text = page_text(signed_in(studio, manager).get("/admin/studio/client/"))
    assert 'id="subscription-banner"' in text


def test_an_active_studio_has_no_banner(on_trial, manager):
    studio = set_state(on_trial, subscription_status=Status.ACTIVE)
    assert banner(studio, manager) == ""
