"""The gateway's billing calls on the platform's account: against localstripe for real, and, for
what localstripe cannot answer (prices, the Customer Portal, Stripe's newest subscription
shape), against Stripe's recorded responses through the SDK's own HTTP layer."""

from __future__ import annotations

import copy
import json
import secrets
import time
from urllib.parse import parse_qs

import pytest
import stripe

from siteconf import stripe_gateway as gateway
from tests.payments.conftest import saved_card

RECORDED = gateway.FIXTURES / "billing"
DAY = 86400
DECLINED_ON_CHARGE = "4000000000000341"

# The settings fixture reads ALLOWED_HOSTS, which follows the verified custom domains (database).
pytestmark = pytest.mark.django_db


def recorded(name: str) -> dict:
    return json.loads((RECORDED / name).read_text())


def product_and_prices() -> tuple[str, str, str]:
    product = gateway.billing_product_upsert(product=None, name="Pro", metadata={"plan": "pro"})
    monthly = gateway.billing_price_create(
        product=product, amount=9900, currency="EUR", interval="month", metadata={}
    )
    yearly = gateway.billing_price_create(
        product=product, amount=99000, currency="EUR", interval="year", metadata={}
    )
    return product, monthly, yearly


def studio_customer(number: str = "4242424242424242") -> tuple[str, str]:
    customer = gateway.billing_customer_create(
        email="owner@studio-a.example", name="Studio A", metadata={"studio_schema": "studio_a"}
    )
    return customer, saved_card(customer=customer, number=number)


def subscribe(price: str, *, trial_days: int | None = 10, number="4242424242424242"):
    customer, card = studio_customer(number)
    trial_end = int(time.time()) + trial_days * DAY if trial_days else None
    return gateway.billing_subscription_create(
        customer=customer,
        price=price,
        payment_method=card,
        trial_end=trial_end,
        metadata={"studio_schema": "studio_a"},
        idempotency_key=secrets.token_hex(8),
    )


# --- against localstripe -------------------------------------------------------------------


def test_a_product_is_made_once_then_renamed():
    product = gateway.billing_product_upsert(product=None, name="Pro", metadata={"plan": "pro"})
    assert product.startswith("prod_")

    same = gateway.billing_product_upsert(product=product, name="Pro 2026", metadata={})

    assert same == product
    assert gateway._client().v1.products.retrieve(product).name == "Pro 2026"


def test_a_price_is_a_recurring_price_with_a_price_id():
    product, monthly, yearly = product_and_prices()
    assert monthly.startswith("price_") and yearly.startswith("price_") and monthly != yearly
    stored = gateway._client().v1.plans.retrieve(yearly)
    assert (stored.amount, stored.currency, stored.interval) == (99000, "eur", "year")
    assert stored.product == product


def test_a_price_is_billed_by_month_or_year_only():
    with pytest.raises(ValueError):
        gateway.billing_price_create(
            product="prod_x", amount=100, currency="EUR", interval="week", metadata={}
        )


def test_it_subscribes_in_trial_with_the_card_for_later():
    _, monthly, _ = product_and_prices()
    trial_end = int(time.time()) + 10 * DAY
    customer, card = studio_customer()

    sub = gateway.billing_subscription_create(
        customer=customer,
        price=monthly,
        payment_method=card,
        trial_end=trial_end,
        metadata={"studio_schema": "studio_a"},
        idempotency_key=secrets.token_hex(8),
    )

    assert sub.id.startswith("sub_") and sub.customer == customer
    assert (sub.status, sub.price_id, sub.interval) == ("trialing", monthly, "month")
    assert sub.trial_end == trial_end and sub.current_period_end == trial_end
    assert sub.card_label == "Visa •••• 4242"
    assert sub.metadata == {"studio_schema": "studio_a"} and not sub.cancel_at_period_end
    assert gateway.billing_subscription_retrieve(subscription=sub.id) == sub


def test_without_a_trial_it_charges_at_once():
    _, monthly, _ = product_and_prices()

    sub = subscribe(monthly, trial_days=None)

    assert sub.status == "active" and sub.trial_end is None
    assert 27 * DAY < sub.current_period_end - time.time() < 32 * DAY


def test_a_trial_already_over_is_no_trial():
    _, monthly, _ = product_and_prices()
    customer, card = studio_customer()
    sub = gateway.billing_subscription_create(
        customer=customer,
        price=monthly,
        payment_method=card,
        trial_end=int(time.time()) - DAY,
        metadata={},
        idempotency_key=secrets.token_hex(8),
    )
    assert sub.status == "active" and sub.trial_end is None


def test_a_card_declined_for_the_first_payment_leaves_no_subscription():
    _, monthly, _ = product_and_prices()
    customer, card = studio_customer(DECLINED_ON_CHARGE)

    with pytest.raises(gateway.GatewayError) as refused:
        gateway.billing_subscription_create(
            customer=customer,
            price=monthly,
            payment_method=card,
            trial_end=None,
            metadata={},
            idempotency_key=secrets.token_hex(8),
        )

    assert refused.value.code == "card_declined" and "declined" in refused.value.message
    live = gateway._client().v1.subscriptions.list(params={"customer": customer})
    assert list(live.data) == []


def test_it_moves_a_subscription_to_another_price():
    _, monthly, yearly = product_and_prices()
    sub = subscribe(monthly, trial_days=None)

    moved = gateway.billing_subscription_change_price(subscription=sub.id, price=yearly)

    assert (moved.id, moved.price_id, moved.interval) == (sub.id, yearly, "year")
    assert moved.card_label == "Visa •••• 4242"
    assert gateway.billing_subscription_retrieve(subscription=sub.id).price_id == yearly


def test_it_cancels_at_the_period_end_and_resumes():
    _, monthly, _ = product_and_prices()
    sub = subscribe(monthly, trial_days=None)

    ending = gateway.billing_subscription_cancel_at_period_end(subscription=sub.id, cancel=True)
    assert ending.cancel_at_period_end and ending.status == "active"
    assert ending.current_period_end == sub.current_period_end

    resumed = gateway.billing_subscription_cancel_at_period_end(subscription=sub.id, cancel=False)
    assert not resumed.cancel_at_period_end
    assert not gateway.billing_subscription_retrieve(subscription=sub.id).cancel_at_period_end


def test_a_subscription_unknown_to_stripe_is_a_gateway_error():
    with pytest.raises(gateway.GatewayError) as refused:
        gateway.billing_subscription_retrieve(subscription="sub_doesnotexist")
    assert refused.value.message == gateway.BILLING_UNAVAILABLE


def test_offline_there_is_no_customer_portal():
    customer, _ = studio_customer()
    assert gateway.billing_portal_url(customer=customer, return_url="http://x.localhost/") is None


def test_stripe_unreachable_is_a_clear_gateway_error(settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(gateway.GatewayError) as refused:
        gateway.billing_product_upsert(product=None, name="Pro", metadata={})
    assert refused.value.message == gateway.BILLING_UNAVAILABLE
    assert "nothing was changed" in refused.value.message


def test_localstripes_own_subscription_object_reads_as_stripe_would():
    _, monthly, _ = product_and_prices()
    sub = subscribe(monthly, trial_days=5)
    raw = gateway._client().v1.subscriptions.retrieve(sub.id).to_dict()
    assert raw["status"] == "incomplete"  # what localstripe says of a trial

    parsed = gateway.billing_subscription_from_payload(raw)

    assert parsed.status == "trialing" and parsed.current_period_end == sub.trial_end
    assert parsed.card_label == ""  # the card's id only, nothing to label


# --- Stripe's own shapes (recorded) --------------------------------------------------------


def test_an_event_object_in_the_newest_shape_is_read():
    parsed = gateway.billing_subscription_from_payload(recorded("subscription.json"))

    assert parsed == gateway.Subscription(
        id="sub_1SWxRecordedStudio0001",
        customer="cus_TQxRecordedStudio",
        status="trialing",
        price_id="price_1SWxRecordedProMonth01",
        interval="month",
        current_period_end=1765800000,  # on the item, in the newest API versions
        trial_end=1765800000,
        cancel_at_period_end=False,
        created=1764590403,
        card_label="Visa •••• 4242",
        metadata={"studio_schema": "studio_a"},
    )


def test_an_event_object_in_the_older_shape_is_read(settings):
    settings.STRIPE_API_BASE = ""
    obj = copy.deepcopy(recorded("subscription.json"))
    item = obj["items"]["data"][0]
    del item["price"], item["current_period_end"], item["current_period_start"]
    obj.update(current_period_end=1767000000, status="past_due", trial_end=None)
    obj["default_payment_method"] = "pm_1SWxRecordedVisa000001"

    parsed = gateway.billing_subscription_from_payload(obj)

    assert (parsed.status, parsed.current_period_end) == ("past_due", 1767000000)
    assert (parsed.price_id, parsed.interval, parsed.card_label) == (
        "price_1SWxRecordedProMonth01",
        "month",
        "",
    )


@pytest.mark.parametrize("obj", [{"object": "invoice", "id": "in_1"}, {"object": "subscription"}])
def test_an_event_object_that_is_not_a_subscription_is_refused(obj):
    with pytest.raises(gateway.GatewayError) as refused:
        gateway.billing_subscription_from_payload(obj)
    assert refused.value.code == "bad_payload"


class RecordedStripe(stripe.HTTPClient):
    """Stripe's HTTP layer answering from recorded responses, keeping what was asked."""

    name = "recorded"

    def __init__(self, answers: dict[tuple[str, str], dict | tuple[int, dict]]):
        super().__init__()
        self.answers = answers
        self.asked: list[tuple[str, str, dict]] = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
        query = url.split("?", 1)[1] if "?" in url else ""
        body = post_data.decode() if isinstance(post_data, bytes) else post_data
        sent = parse_qs(body or query)
        self.asked.append((method.upper(), "/" + path, {k: v[-1] for k, v in sent.items()}))
        answer = self.answers[(method.upper(), "/" + path)]
        status, body = answer if isinstance(answer, tuple) else (200, answer)
        return json.dumps(body), status, {"request-id": "req_recorded"}

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError

    def close(self):
        pass


@pytest.fixture
def stripe_itself(settings, monkeypatch):
    """The gateway as it talks to Stripe (no localstripe), with Stripe's recorded answers."""
    settings.STRIPE_API_BASE = ""
    settings.STRIPE_SECRET_KEY = "sk_test_recorded"

    def use(answers):
        http = RecordedStripe(answers)
        client = stripe.StripeClient("sk_test_recorded", http_client=http, max_network_retries=0)
        monkeypatch.setattr(gateway, "_client_for", lambda key, base: client)
        return http

    return use


def test_the_customer_portal_is_a_stripe_session(stripe_itself):
    http = stripe_itself(
        {("POST", "/v1/billing_portal/sessions"): recorded("billing_portal_session.json")}
    )

    url = gateway.billing_portal_url(
        customer="cus_TQxRecordedStudio",
        return_url="https://studio-a.example.com/admin/subscription/",
    )

    assert url.startswith("https://billing.stripe.com/p/session/")
    assert http.asked == [
        (
            "POST",
            "/v1/billing_portal/sessions",
            {
                "customer": "cus_TQxRecordedStudio",
                "return_url": "https://studio-a.example.com/admin/subscription/",
            },
        )
    ]


def test_a_price_on_stripe_is_a_recurring_price_of_the_product(stripe_itself):
    http = stripe_itself({("POST", "/v1/prices"): recorded("price.json")})

    price = gateway.billing_price_create(
        product="prod_TQxRecordedPro01",
        amount=9900,
        currency="EUR",
        interval="month",
        metadata={"plan": "pro"},
        idempotency_key="plan-price:2:month",
    )

    assert price == "price_1SWxRecordedProMonth01"
    [(_, _, sent)] = http.asked
    assert sent == {
        "product": "prod_TQxRecordedPro01",
        "unit_amount": "9900",
        "currency": "eur",
        "recurring[interval]": "month",
        "metadata[plan]": "pro",
    }


def test_a_subscription_on_stripe_names_its_price_and_card(stripe_itself):
    http = stripe_itself({("POST", "/v1/subscriptions"): recorded("subscription.json")})

    sub = gateway.billing_subscription_create(
        customer="cus_TQxRecordedStudio",
        price="price_1SWxRecordedProMonth01",
        payment_method="pm_1SWxRecordedVisa000001",
        trial_end=int(time.time()) + 10 * DAY,
        metadata={"studio_schema": "studio_a"},
        idempotency_key="subscribe-1",
    )

    assert (sub.status, sub.card_label, sub.current_period_end) == (
        "trialing",
        "Visa •••• 4242",
        1765800000,
    )
    [(_, _, sent)] = http.asked
    assert sent["items[0][price]"] == "price_1SWxRecordedProMonth01"
    assert sent["default_payment_method"] == "pm_1SWxRecordedVisa000001"
    assert sent["payment_behavior"] == "error_if_incomplete"
    assert sent["expand[0]"] == "default_payment_method" and "trial_end" in sent


def test_a_card_stripe_declines_at_subscribing_is_its_message(stripe_itself):
    declined = {
        "error": {
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "message": "Your card has insufficient funds.",
            "type": "card_error",
        }
    }
    stripe_itself({("POST", "/v1/subscriptions"): (402, declined)})

    with pytest.raises(gateway.GatewayError) as refused:
        gateway.billing_subscription_create(
            customer="cus_TQxRecordedStudio",
            price="price_1SWxRecordedProMonth01",
            payment_method="pm_1SWxRecordedVisa000001",
            trial_end=None,
            metadata={},
            idempotency_key="subscribe-2",
        )

    assert (refused.value.code, refused.value.message) == (
        "card_declined",
        "Your card has insufficient funds.",
    )


@pytest.mark.parametrize("prorate, behaviour", [(True, "create_prorations"), (False, "none")])
def test_a_price_change_on_stripe_says_how_to_prorate(stripe_itself, prorate, behaviour):
    sub = recorded("subscription.json")
    path = f"/v1/subscriptions/{sub['id']}"
    http = stripe_itself({("GET", path): sub, ("POST", path): sub})

    gateway.billing_subscription_change_price(
        subscription=sub["id"], price="price_1SWxRecordedProYear01", prorate=prorate
    )

    method, _, sent = http.asked[-1]
    assert method == "POST"
    assert sent["items[0][id]"] == "si_TQxRecordedItem01"
    assert sent["items[0][price]"] == "price_1SWxRecordedProYear01"
    assert sent["proration_behavior"] == behaviour
