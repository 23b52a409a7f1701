"""The gateway against localstripe, for real: customers, saved cards, intents, refunds."""

from __future__ import annotations

import secrets

import pytest

from siteconf import stripe_gateway as gateway
from tests.payments.conftest import saved_card

VISA = "4242424242424242"
THREE_D_SECURE = "4000002500003155"
DECLINED_ON_SAVE = "4000000000000002"
DECLINED_ON_CHARGE = "4000000000000341"


def customer() -> str:
    return gateway.customer_create(
        account="acct_1TESTSTUDIO00000",
        email="artist@example.com",
        name="The Artist",
        metadata={"studio_schema": "studio_a"},
    )


def charge(number: str = VISA, *, amount: int = 1500, currency: str = "eur"):
    cus = customer()
    return gateway.payment_intent_create(
        account="acct_1TESTSTUDIO00000",
        customer=cus,
        payment_method=saved_card(customer=cus, number=number),
        amount=amount,
        currency=currency,
        metadata={"studio_schema": "studio_a", "session": "7"},
        idempotency_key=secrets.token_hex(8),
    )


def test_it_talks_to_localstripe():
    assert gateway.offline() and gateway.enabled()
    assert gateway.publishable_key().startswith("pk_test_")
    assert gateway.js_url().endswith("/js.stripe.com/v3/")


def test_it_creates_a_customer():
    assert customer().startswith("cus_")


def test_a_setup_intent_gives_its_card_once_confirmed():
    cus = customer()
    setup_id, secret = gateway.setup_intent_create(account=None, customer=cus, metadata={"a": "b"})
    assert setup_id.startswith("seti_") and secret.startswith(setup_id)
    assert gateway.setup_intent_payment_method(account=None, setup_intent=setup_id) is None

    method = gateway.setup_intent_confirm_test_card(
        account=None, setup_intent=setup_id, client_secret=secret, number=VISA
    )

    assert gateway.setup_intent_payment_method(account=None, setup_intent=setup_id) == method
    assert gateway.card_label(account=None, payment_method=method) == "Visa •••• 4242"


def test_it_charges_a_saved_card():
    intent = charge(amount=1234)

    assert intent.status == "succeeded"
    assert (intent.amount, intent.currency) == (1234, "eur")
    assert intent.metadata == {"studio_schema": "studio_a", "session": "7"}
    assert intent.payment_method.startswith("pm_") and intent.error == ""
    assert gateway.payment_intent_retrieve(account=None, intent=intent.id) == intent


def test_a_3d_secure_card_waits_for_the_bank():
    intent = charge(THREE_D_SECURE)

    assert intent.status == "requires_action"
    assert intent.client_secret  # the browser's confirmCardPayment needs it


def test_a_card_declined_when_saved_raises_stripes_message():
    with pytest.raises(gateway.GatewayError) as refused:
        saved_card(customer=customer(), number=DECLINED_ON_SAVE)

    assert refused.value.message == "Your card was declined."
    assert refused.value.code == "card_declined"


def test_a_card_declined_when_charged_is_an_intent_with_the_error():
    intent = charge(DECLINED_ON_CHARGE)

    assert intent.id.startswith("pi_")
    assert intent.status == "requires_payment_method"
    assert intent.error == "Your card was declined."


def test_it_cancels_an_intent_and_cancelling_again_is_no_error():
    intent = charge(THREE_D_SECURE)

    first = gateway.payment_intent_cancel(account=None, intent=intent.id)
    again = gateway.payment_intent_cancel(account=None, intent=intent.id)

    assert first.status == again.status == "canceled"


def test_cancelling_a_paid_intent_returns_it_paid():
    intent = charge()
    assert gateway.payment_intent_cancel(account=None, intent=intent.id).status == "succeeded"


def test_a_partial_refund_gives_back_exactly_the_amount():
    intent = charge(amount=1234)

    refund = gateway.refund_create(
        account=None, intent=intent.id, amount=617, idempotency_key=secrets.token_hex(8)
    )

    assert refund.id.startswith("re_")
    assert (refund.amount, refund.status) == (617, "succeeded")


def test_yen_amounts_are_whole_yen_both_ways():
    intent = charge(amount=4500, currency="JPY")
    refund = gateway.refund_create(
        account=None, intent=intent.id, amount=2250, idempotency_key=secrets.token_hex(8)
    )

    assert (intent.amount, intent.currency) == (4500, "jpy")
    assert refund.amount == 2250


def test_a_refund_of_nothing_is_refused_before_stripe():
    with pytest.raises(gateway.GatewayError):
        gateway.refund_create(account=None, intent="pi_x", amount=0, idempotency_key="k")


def test_an_unknown_intent_is_an_error_a_client_can_read():
    with pytest.raises(gateway.GatewayError) as refused:
        gateway.payment_intent_retrieve(account=None, intent="pi_doesnotexist")
    assert refused.value.message == gateway.UNAVAILABLE


def test_without_keys_every_call_says_it_is_not_configured(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert not gateway.enabled()
    with pytest.raises(gateway.GatewayError) as refused:
        customer()
    assert refused.value.code == "not_configured"


def test_test_cards_are_refused_on_real_stripe(settings):
    settings.STRIPE_API_BASE = ""
    with pytest.raises(gateway.GatewayError):
        gateway.setup_intent_confirm_test_card(
            account=None, setup_intent="seti_x", client_secret="s", number=VISA
        )


def test_an_offline_account_is_made_per_studio():
    a = gateway.account_create(email="o@a.example", country="GB", metadata={"studio_schema": "a"})
    b = gateway.account_create(email="o@b.example", country="GB", metadata={"studio_schema": "b"})

    assert a.startswith("acct_1") and len(a) == len("acct_") + 16
    assert a != b
    assert a == gateway.offline_account_id("a")


def test_the_offline_onboarding_link_is_signed_for_its_account():
    link = gateway.account_link(
        account="acct_1AAAA",
        refresh_url="http://a.localhost:8000/x",
        return_url="http://a.localhost:8000/y",
    )
    token = link.split("token=", 1)[1]

    assert link.startswith("http://localhost:8000/stripe/offline-onboarding/acct_1AAAA/?token=")
    assert gateway.offline_onboarding_link_read(token, account="acct_1AAAA")["return"].endswith(
        "/y"
    )
    assert gateway.offline_onboarding_link_read(token, account="acct_1BBBB") is None
    assert gateway.offline_onboarding_link_read(token + "x", account="acct_1AAAA") is None


def test_a_signed_payload_verifies_and_a_changed_one_does_not():
    payload = (
        b'{"id": "evt_1", "object": "event", "type": "payment_intent.succeeded", '
        b'"created": 1764590700, "data": {"object": {"id": "pi_1"}}}'
    )
    header = gateway.webhook_sign(payload)

    assert gateway.webhook_event(payload, header)["id"] == "evt_1"
    with pytest.raises(gateway.GatewayError):
        gateway.webhook_event(payload.replace(b"evt_1", b"evt_2"), header)


def test_only_the_gateway_imports_the_stripe_sdk():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    importer = re.compile(r"^\s*(import stripe\b|from stripe\b)", re.MULTILINE)
    importers = [
        str(path.relative_to(root))
        for folder in ("site", "studio", "portal", "cms")
        for path in (root / folder).rglob("*.py")
        if importer.search(path.read_text())
    ]
    assert importers == ["site/stripe_gateway.py"]
