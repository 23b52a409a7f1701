"""Every call the project makes to Stripe, and the only module that imports `stripe`.

The rest of the code sees small frozen values (`Intent`, `Refund`), ids and one error type,
`GatewayError`, whose message is safe to show a client. Settings are read on every call (tests
override them), and each call uses a `StripeClient` built for the configured key and address:
no global SDK state is set, so one request can never leak its connected account into another.

`account` is the studio's connected account (Stripe Connect, Standard, direct charges): when it
is given, every call carries `stripe_account=` (localstripe ignores the header, Stripe needs it).

Offline (STRIPE_API_BASE points at localstripe) the same calls go to localstripe, with three
differences it forces, each kept to this module:
- a PaymentIntent is created with its payment method and then confirmed without arguments
  (localstripe answers 500 to `confirm(payment_method=)` and refuses `description`,
  `return_url`, `automatic_payment_methods` and `application_fee_amount`);
- Accounts and Account Links do not exist there: they are answered from responses recorded in
  Stripe's exact shape under fixtures/stripe/, with an account id made from the studio;
- the onboarding link points at the platform's own offline onboarding page.

Billing (the platform's own account bills the studios' subscriptions, `billing_*`: never
`stripe_account=`) meets six more offline differences, kept to this module too:
- localstripe has no Prices: a price is created as a legacy Plan whose id is a Stripe-shaped
  price id, so subscriptions name it as `items[0][plan]` and read it back from `plan`;
- its Subscriptions take no `default_payment_method` and no `proration_behavior`: the card
  becomes the customer's `invoice_settings.default_payment_method` (which it charges), and a
  price change says `prorate=`;
- a subscription in trial stays `incomplete` there and its period ignores the trial: it is read
  as `trialing`, paid until the trial's end, as Stripe reports it;
- a first payment declined leaves an `incomplete` subscription there: it is cancelled and the
  decline raised, as Stripe does when told `error_if_incomplete`;
- there is no Customer Portal: `billing_portal_url` answers None and the page says so.
Newer API versions keep `current_period_end` on the subscription's items, older ones and
localstripe on the subscription: both are read.

A declined card is not an exception: `payment_intent_create` returns the intent in
`requires_payment_method` with `error` holding Stripe's message (the intent exists and is
recorded, and a second card can be tried). Everything else Stripe refuses is a GatewayError.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import stripe
from django.conf import settings
from django.core import signing

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "stripe"
REAL_JS_URL = "https://js.stripe.com/v3/"
# The SDK's own default, and what the architecture asks for: a replay older than this is refused.
WEBHOOK_TOLERANCE_SECONDS = 300

UNAVAILABLE = "Card payments are not available at the moment. Please try again later."
NOT_CONFIGURED = "Card payments are not set up on this platform."
DECLINED = "The card was declined."
BAD_SIGNATURE = "The webhook signature does not match."
BAD_PAYLOAD = "The webhook payload is not a Stripe event."
OFFLINE_ONBOARDING_SALT = "stripe.offline-onboarding"
OFFLINE_ONBOARDING_SECONDS = 3600
OFFLINE_ONLY = "Test cards are entered by the browser; the server takes them only offline."


class GatewayError(Exception):
    """Stripe refused or could not be reached. `message` can be shown to a client as it is;
    `code` is Stripe's error code (card_declined, resource_missing...) or ""."""

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    amount: int
    currency: str
    client_secret: str
    payment_method: str | None
    error: str = ""
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Refund:
    id: str
    amount: int
    status: str


# --- configuration -------------------------------------------------------------------------


def offline() -> bool:
    """Talking to localstripe (STRIPE_API_BASE set) rather than to Stripe."""
    return bool(getattr(settings, "STRIPE_API_BASE", ""))


def enabled() -> bool:
    """A secret key is configured (the offline one counts)."""
    return bool(getattr(settings, "STRIPE_SECRET_KEY", ""))


def publishable_key() -> str:
    return settings.STRIPE_PUBLISHABLE_KEY


def js_url() -> str:
    return getattr(settings, "STRIPE_JS_URL", "") or REAL_JS_URL


@functools.lru_cache(maxsize=8)
def _client_for(api_key: str, api_base: str) -> stripe.StripeClient:
    addresses = {"api": api_base.rstrip("/")} if api_base else None
    # No retries offline: localstripe answers at once or is down, and a test should say so.
    return stripe.StripeClient(
        api_key, base_addresses=addresses, max_network_retries=0 if api_base else 2
    )


def _client() -> stripe.StripeClient:
    if not enabled():
        raise GatewayError(NOT_CONFIGURED, code="not_configured")
    return _client_for(settings.STRIPE_SECRET_KEY, getattr(settings, "STRIPE_API_BASE", ""))


def _options(account: str | None, idempotency_key: str | None = None) -> dict:
    options: dict = {}
    if account:
        options["stripe_account"] = account
    if idempotency_key:
        options["idempotency_key"] = idempotency_key
    return options


def _error(exc: stripe.StripeError) -> GatewayError:
    """Stripe's own message for card errors (written for the cardholder); a generic one for
    the rest, whose text speaks to the developer, not to a client."""
    code = getattr(exc, "code", None) or ""
    if isinstance(exc, stripe.CardError):
        return GatewayError(exc.user_message or DECLINED, code=code or "card_declined")
    return GatewayError(UNAVAILABLE, code=code)


def _call(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except stripe.StripeError as exc:
        raise _error(exc) from exc


def _intent(obj) -> Intent:
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    error = data.get("last_payment_error") or {}
    method = data.get("payment_method")
    if isinstance(method, dict):
        method = method.get("id")
    return Intent(
        id=data["id"],
        status=data["status"],
        amount=int(data["amount"]),
        currency=str(data["currency"]).lower(),
        client_secret=data.get("client_secret") or "",
        payment_method=method or None,
        error=(error.get("message") or "") if isinstance(error, dict) else "",
        metadata=dict(data.get("metadata") or {}),
    )


# --- customers and cards -------------------------------------------------------------------


def customer_create(*, account: str | None, email: str, name: str, metadata: dict) -> str:
    customer = _call(
        _client().v1.customers.create,
        params={"email": email, "name": name, "metadata": metadata},
        options=_options(account),
    )
    return customer.id


def setup_intent_create(*, account: str | None, customer: str, metadata: dict) -> tuple[str, str]:
    """A SetupIntent the browser confirms with the card element: (id, client_secret)."""
    intent = _call(
        _client().v1.setup_intents.create,
        params={
            "customer": customer,
            "payment_method_types": ["card"],
            "usage": "off_session",
            "metadata": metadata,
        },
        options=_options(account),
    )
    return intent.id, intent.client_secret


def setup_intent_payment_method(*, account: str | None, setup_intent: str) -> str | None:
    """The card the client entered, once the SetupIntent succeeded in the browser."""
    intent = _call(_client().v1.setup_intents.retrieve, setup_intent, options=_options(account))
    if intent.status != "succeeded" or not intent.payment_method:
        return None
    method = intent.payment_method
    return method if isinstance(method, str) else method.id


def card_label(*, account: str | None, payment_method: str) -> str:
    """ "Visa •••• 4242", for the client's card on file."""
    method = _call(_client().v1.payment_methods.retrieve, payment_method, options=_options(account))
    return _card_text(method.to_dict().get("card") or {})


def _card_text(card: dict) -> str:
    brand = str(card.get("brand") or "card").replace("_", " ")
    brand = {"amex": "American Express", "mastercard": "Mastercard"}.get(brand, brand.title())
    return f"{brand} •••• {card.get('last4', '????')}"


def setup_intent_confirm_test_card(
    *, account: str | None, setup_intent: str, client_secret: str, number: str
) -> str:
    """What the browser's `confirmCardSetup` does, for tests, the benchmark and the demo:
    confirm the SetupIntent with a test card number and return the payment method's id.
    Offline only (Stripe accepts raw card numbers from a browser, not from a server). A card
    Stripe declines on saving (4000 0000 0000 0002) raises GatewayError with its message."""
    if not offline():
        raise GatewayError(OFFLINE_ONLY, code="offline_only")
    card = {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    intent = _call(
        _client().v1.setup_intents.confirm,
        setup_intent,
        params={
            "client_secret": client_secret,
            "payment_method_data": {"type": "card", "card": card},
        },
        options=_options(account),
    )
    method = intent.payment_method
    return method if isinstance(method, str) else method.id


# --- payment intents -----------------------------------------------------------------------


def payment_intent_create(
    *,
    account: str | None,
    customer: str,
    payment_method: str,
    amount: int,
    currency: str,
    metadata: dict,
    idempotency_key: str,
    application_fee: int | None = None,
) -> Intent:
    """Create the PaymentIntent for a saved card and confirm it on the server.

    The result's status is Stripe's: `succeeded`, `requires_action` (3-D Secure: the browser
    runs `confirmCardPayment` with the client secret), or `requires_payment_method` with
    `error` set when the card was declined. The idempotency key makes a double click one
    intent (`<key>:create` and `<key>:confirm` on Stripe)."""
    client = _client()
    created = None
    params: dict = {
        "customer": customer,
        "payment_method": payment_method,
        "amount": int(amount),
        "currency": currency.lower(),
        "payment_method_types": ["card"],
        "metadata": metadata,
    }
    if not offline():
        # Stripe confirms in the same call; localstripe only through a separate confirm.
        params["confirm"] = True
        if application_fee:
            params["application_fee_amount"] = int(application_fee)
    try:
        created = client.v1.payment_intents.create(
            params=params, options=_options(account, f"{idempotency_key}:create")
        )
        if created.status != "requires_confirmation":
            return _intent(created)
        confirmed = client.v1.payment_intents.confirm(
            created.id, options=_options(account, f"{idempotency_key}:confirm")
        )
        return _intent(confirmed)
    except stripe.CardError as exc:
        # The intent exists and now waits for another card; say so with Stripe's message.
        intent_id = _declined_intent_id(exc) or (created.id if created is not None else None)
        if not intent_id:
            raise _error(exc) from exc
        current = _intent(
            _call(client.v1.payment_intents.retrieve, intent_id, options=_options(account))
        )
        message = exc.user_message or DECLINED
        return Intent(**{**current.__dict__, "error": current.error or message})
    except stripe.StripeError as exc:
        raise _error(exc) from exc


def _declined_intent_id(exc: stripe.CardError) -> str | None:
    body = exc.json_body or {}
    intent = (body.get("error") or {}).get("payment_intent") or {}
    return intent.get("id") if isinstance(intent, dict) else None


def payment_intent_retrieve(*, account: str | None, intent: str) -> Intent:
    return _intent(_call(_client().v1.payment_intents.retrieve, intent, options=_options(account)))


def payment_intent_cancel(*, account: str | None, intent: str) -> Intent:
    """Cancel an intent that has not been paid. One that is already cancelled is returned as
    it is; one that succeeded in the meantime is returned too (the caller refunds instead)."""
    client = _client()
    try:
        return _intent(client.v1.payment_intents.cancel(intent, options=_options(account)))
    except stripe.StripeError as exc:
        try:
            current = client.v1.payment_intents.retrieve(intent, options=_options(account))
        except stripe.StripeError:
            raise _error(exc) from exc
        if current.status in {"canceled", "succeeded"}:
            return _intent(current)
        raise _error(exc) from exc


def refund_create(*, account: str | None, intent: str, amount: int, idempotency_key: str) -> Refund:
    """Give back `amount` (minor units) of an intent's charge. The amount is always sent:
    localstripe refunds the whole charge again when it is left out."""
    if int(amount) <= 0:
        raise GatewayError("A refund must be for a positive amount.", code="amount_too_small")
    refund = _call(
        _client().v1.refunds.create,
        params={"payment_intent": intent, "amount": int(amount)},
        options=_options(account, idempotency_key),
    )
    return Refund(id=refund.id, amount=int(refund.amount), status=refund.status)


# --- webhooks ------------------------------------------------------------------------------


def webhook_event(payload: bytes, signature: str) -> dict:
    """The event in `payload`, as a dict, once its Stripe-Signature header is checked against
    STRIPE_WEBHOOK_SECRET on the raw bytes (a replay older than five minutes is refused)."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise GatewayError(NOT_CONFIGURED, code="not_configured")
    try:
        event = stripe.Webhook.construct_event(
            payload,
            signature or "",
            secret,
            tolerance=WEBHOOK_TOLERANCE_SECONDS,
            api_key=settings.STRIPE_SECRET_KEY or "unused",
        )
    except stripe.SignatureVerificationError as exc:
        raise GatewayError(BAD_SIGNATURE, code="bad_signature") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise GatewayError(BAD_PAYLOAD, code="bad_payload") from exc
    data = event.to_dict()
    body = data.get("data")
    if (
        not isinstance(data.get("id"), str)
        or not isinstance(data.get("type"), str)
        or not isinstance(data.get("created", 0), int)
        or not isinstance(body, dict)
        or not isinstance(body.get("object"), dict)
    ):
        raise GatewayError(BAD_PAYLOAD, code="bad_payload")
    return data


def webhook_sign(payload: bytes, *, secret: str | None = None, timestamp: int | None = None) -> str:
    """A Stripe-Signature header for `payload`, as Stripe writes it: for the tests and for the
    events localstripe never sends (Connect's account.updated)."""
    return stripe.WebhookSignature.generate_signature_header(
        payload.decode("utf-8"),
        secret or settings.STRIPE_WEBHOOK_SECRET,
        timestamp=int(time.time()) if timestamp is None else int(timestamp),
    )


# --- the studio's connected account (Connect, Standard) ------------------------------------


def _recorded(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def offline_account_id(seed: str) -> str:
    """A stable, Stripe-shaped account id for a studio offline (acct_ + 16 characters)."""
    return "acct_1" + hashlib.sha256(seed.encode()).hexdigest()[:15].upper()


def offline_account(*, account: str, email: str = "", country: str = "GB", metadata=None) -> dict:
    """The recorded account object, made out to `account`."""
    data = copy.deepcopy(_recorded("account.json"))
    data["id"] = account
    data["email"] = email or data.get("email")
    data["country"] = country or data.get("country")
    data["metadata"] = dict(metadata or {})
    return data


def account_create(*, email: str, country: str, metadata: dict) -> str:
    """A Standard connected account for a studio; its owner completes it on Stripe."""
    if offline():
        seed = metadata.get("studio_schema") or email
        return offline_account(account=offline_account_id(seed), email=email)["id"]
    account = _call(
        _client().v1.accounts.create,
        params={"type": "standard", "email": email, "country": country, "metadata": metadata},
    )
    return account.id


def account_link(*, account: str, refresh_url: str, return_url: str) -> str:
    """Where to send the studio's owner to finish (or resume) Stripe's onboarding."""
    if offline():
        # Stripe's link is a secret that expires; the offline one is signed and expires too.
        token = signing.dumps(
            {"account": account, "return": return_url, "refresh": refresh_url},
            salt=OFFLINE_ONBOARDING_SALT,
        )
        parts = urlsplit(return_url)
        port = f":{parts.port}" if parts.port else ""
        link = _recorded("account_link.json")
        link["created"] = int(time.time())
        link["expires_at"] = link["created"] + OFFLINE_ONBOARDING_SECONDS
        link["url"] = (
            f"{parts.scheme}://{settings.PLATFORM_DOMAIN}{port}"
            f"/stripe/offline-onboarding/{account}/?token={token}"
        )
        return link["url"]
    link = _call(
        _client().v1.account_links.create,
        params={
            "account": account,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "type": "account_onboarding",
        },
    )
    return link.url


def account_status(*, account: str) -> tuple[bool, bool]:
    """(charges_enabled, details_submitted) as Stripe has them now. Offline there is no
    account to ask: the state is what the last signed account.updated event set on the
    studio (the offline onboarding page sends it), which is what this platform recorded."""
    if offline():
        from siteconf.tenancy.models import Studio

        row = (
            Studio.objects.filter(stripe_account_id=account)
            .values_list("stripe_charges_enabled", "stripe_details_submitted")
            .first()
        )
        return (bool(row[0]), bool(row[1])) if row else (False, False)
    data = _call(_client().v1.accounts.retrieve, account).to_dict()
    return bool(data.get("charges_enabled")), bool(data.get("details_submitted"))


def offline_onboarding_link_read(token: str, *, account: str) -> dict | None:
    """What an offline onboarding link says ({"account", "return", "refresh"}), or None when
    it is forged, expired or for another account."""
    try:
        data = signing.loads(
            token, salt=OFFLINE_ONBOARDING_SALT, max_age=OFFLINE_ONBOARDING_SECONDS
        )
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) and data.get("account") == account else None


def offline_account_updated_event(
    *, account: str, schema_name: str, charges_enabled: bool, details_submitted: bool
) -> bytes:
    """The recorded `account.updated` event for `account`, as the bytes Stripe would post."""
    event = _recorded("account_updated_event.json")
    now = int(time.time())
    seed = f"{account}:{time.time_ns()}".encode()
    event["id"] = "evt_1" + hashlib.sha256(seed).hexdigest()[:23].upper()
    event["created"] = now
    event["account"] = account
    obj = offline_account(account=account, metadata={"studio_schema": schema_name})
    obj["charges_enabled"] = charges_enabled
    obj["payouts_enabled"] = charges_enabled
    obj["details_submitted"] = details_submitted
    obj["requirements"]["currently_due"] = (
        [] if details_submitted else obj["requirements"]["currently_due"]
    )
    event["data"]["object"] = obj
    return json.dumps(event, indent=2).encode()


# --- the platform bills its studios (the platform's own account) ---------------------------

BILLING_UNAVAILABLE = (
    "Stripe cannot be reached for billing at the moment: nothing was changed. "
    "Please try again in a few minutes."
)
# Statuses Stripe gives a subscription (what `Subscription.status` holds).
SUBSCRIPTION_STATUSES = frozenset(
    {"trialing", "active", "past_due", "unpaid", "canceled", "incomplete", "incomplete_expired"}
)
# A trial that ends this soon is no trial: Stripe refuses a trial end in the past.
TRIAL_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class Subscription:
    """A studio's subscription on the platform's account, as Stripe states it now."""

    id: str
    customer: str
    status: str  # Stripe's: trialing, active, past_due, unpaid, canceled, incomplete...
    price_id: str
    interval: str  # month or year
    current_period_end: int | None
    trial_end: int | None
    cancel_at_period_end: bool
    created: int
    card_label: str = ""
    metadata: dict = field(default_factory=dict)


def _billing_call(func, *args, **kwargs):
    """A call on the platform's account. A card error keeps Stripe's message (written for the
    cardholder); anything else says Stripe could not do it, and nothing changed here."""
    try:
        return func(*args, **kwargs)
    except stripe.CardError as exc:
        raise _error(exc) from exc
    except stripe.StripeError as exc:
        code = getattr(exc, "code", None) or ""
        if not code and getattr(exc, "http_status", None) == 404:
            code = "resource_missing"  # Stripe says so; localstripe's 404 has no code
        raise GatewayError(BILLING_UNAVAILABLE, code=code) from exc


def _dict(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _id_of(value) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _subscription(data: dict, *, card_label: str = "") -> Subscription:
    """Read a subscription object (retrieved, or an event's data.object) into our value."""
    items = (data.get("items") or {}).get("data") or [{}]
    item = items[0] or {}
    price = item.get("price") or item.get("plan") or data.get("plan") or {}
    interval = ""
    if isinstance(price, dict):
        interval = (price.get("recurring") or {}).get("interval") or price.get("interval") or ""
    status = str(data.get("status") or "")
    trial_end = data.get("trial_end") or None
    period_end = data.get("current_period_end") or item.get("current_period_end") or None
    if offline() and status == "incomplete" and trial_end:
        # localstripe leaves a subscription in trial `incomplete`; a failed first payment
        # never stays (error_if_incomplete removes it), so this one is in its trial.
        status = "trialing"
    if offline() and status == "trialing" and trial_end:
        period_end = trial_end  # Stripe's first period ends with the trial
    if not card_label:
        card_label = _subscription_card(data)
    return Subscription(
        id=str(data["id"]),
        customer=_id_of(data.get("customer")),
        status=status,
        price_id=_id_of(price),
        interval=str(interval),
        current_period_end=int(period_end) if period_end else None,
        trial_end=int(trial_end) if trial_end else None,
        cancel_at_period_end=bool(data.get("cancel_at_period_end")),
        created=int(data.get("created") or 0),
        card_label=card_label,
        metadata=dict(data.get("metadata") or {}),
    )


def _subscription_card(data: dict) -> str:
    """ "Visa •••• 4242" when the card is in the object (expanded); "" when only its id is."""
    method = data.get("default_payment_method")
    customer = data.get("customer")
    if not isinstance(method, dict) and isinstance(customer, dict):
        method = (customer.get("invoice_settings") or {}).get("default_payment_method")
    if isinstance(method, dict) and isinstance(method.get("card"), dict):
        return _card_text(method["card"])
    return ""


def _subscription_expand() -> list[str]:
    # localstripe's subscription has no default_payment_method: its card is the customer's.
    if offline():
        return ["customer.invoice_settings.default_payment_method"]
    return ["default_payment_method"]


def billing_subscription_from_payload(obj: dict) -> Subscription:
    """An event's data.object (customer.subscription.*) as a `Subscription`. Raises
    GatewayError when it is not a subscription object."""
    if not isinstance(obj, dict) or obj.get("object") != "subscription" or not obj.get("id"):
        raise GatewayError(BAD_PAYLOAD, code="bad_payload")
    return _subscription(obj)


def billing_customer_create(*, email: str, name: str, metadata: dict) -> str:
    """The studio as a customer of the platform's account."""
    customer = _billing_call(
        _client().v1.customers.create,
        params={"email": email, "name": name, "metadata": metadata},
    )
    return customer.id


def billing_setup_intent_create(*, customer: str, metadata: dict) -> tuple[str, str]:
    """A SetupIntent for the owner's card, on the platform's account: (id, client_secret)."""
    intent = _billing_call(
        _client().v1.setup_intents.create,
        params={
            "customer": customer,
            "payment_method_types": ["card"],
            "usage": "off_session",
            "metadata": metadata,
        },
    )
    return intent.id, intent.client_secret


def billing_subscription_create(
    *,
    customer: str,
    price: str,
    payment_method: str | None,
    trial_end: int | None,
    metadata: dict,
    idempotency_key: str,
) -> Subscription:
    """Subscribe `customer` to `price`, charged to `payment_method` from the trial's end (or at
    once when there is no trial left). A card declined for the first payment raises
    GatewayError with Stripe's message, and no subscription is left behind
    (`error_if_incomplete`)."""
    client = _client()
    params: dict = {"customer": customer, "metadata": metadata}
    params["payment_behavior"] = "error_if_incomplete"
    if trial_end and int(trial_end) > time.time() + TRIAL_MARGIN_SECONDS:
        params["trial_end"] = int(trial_end)
    if offline():
        params["items"] = [{"plan": price}]
        if payment_method:
            _billing_call(
                client.v1.customers.update,
                customer,
                params={"invoice_settings": {"default_payment_method": payment_method}},
            )
    else:
        params["items"] = [{"price": price}]
        params["expand"] = ["default_payment_method"]
        if payment_method:
            params["default_payment_method"] = payment_method
    created = _billing_call(
        client.v1.subscriptions.create,
        params=params,
        options=_options(None, f"{idempotency_key}:subscription"),
    )
    data = _dict(created)
    if offline() and data.get("status") == "incomplete" and not data.get("trial_end"):
        # localstripe keeps a subscription whose first payment was declined; Stripe, told
        # error_if_incomplete, refuses it with the card's error. Do what Stripe does.
        _billing_call(client.v1.subscriptions.cancel, data["id"])
        raise GatewayError(DECLINED, code="card_declined")
    label = ""
    if offline() and payment_method:
        label = _billing_call(card_label, account=None, payment_method=payment_method)
    return _subscription(data, card_label=label)


def billing_subscription_retrieve(*, subscription: str) -> Subscription:
    found = _billing_call(
        _client().v1.subscriptions.retrieve,
        subscription,
        params={"expand": _subscription_expand()},
    )
    return _subscription(_dict(found))


def billing_subscription_change_price(
    *, subscription: str, price: str, prorate: bool = True
) -> Subscription:
    """Move the subscription to `price`: with `prorate`, the unused time on the old price is
    credited and the new one charged for the rest of the period (an upgrade or downgrade by
    the owner); without it, the new price applies from the next period (an operator moving
    studios to a plan's current price)."""
    client = _client()
    current = _dict(_billing_call(client.v1.subscriptions.retrieve, subscription))
    item_id = ((current.get("items") or {}).get("data") or [{}])[0].get("id")
    if not item_id:
        raise GatewayError(BILLING_UNAVAILABLE, code="resource_missing")
    if offline():
        params: dict = {"items": [{"id": item_id, "plan": price}], "prorate": prorate}
    else:
        params = {
            "items": [{"id": item_id, "price": price}],
            "proration_behavior": "create_prorations" if prorate else "none",
            "expand": ["default_payment_method"],
        }
    updated = _billing_call(client.v1.subscriptions.update, subscription, params=params)
    return _with_card(_dict(updated))


def billing_subscription_cancel_at_period_end(*, subscription: str, cancel: bool) -> Subscription:
    """Cancel at the end of the paid period (`cancel=True`), or resume a subscription that was
    going to end (`cancel=False`, only before that end)."""
    params: dict = {"cancel_at_period_end": bool(cancel)}
    if not offline():
        params["expand"] = ["default_payment_method"]
    updated = _billing_call(_client().v1.subscriptions.update, subscription, params=params)
    return _with_card(_dict(updated))


def _with_card(data: dict) -> Subscription:
    """The subscription an update returned, with its card: localstripe cannot expand it on an
    update, so offline it is read again."""
    if offline():
        return billing_subscription_retrieve(subscription=data["id"])
    return _subscription(data)


def billing_portal_url(*, customer: str, return_url: str) -> str | None:
    """A Stripe Customer Portal session (cards, invoices) that comes back to `return_url`.
    None offline: localstripe has no portal."""
    if offline():
        return None
    session = _billing_call(
        _client().v1.billing_portal.sessions.create,
        params={"customer": customer, "return_url": return_url},
    )
    return session.url


def billing_product_upsert(*, product: str | None, name: str, metadata: dict) -> str:
    """The plan's product on the platform's account: created when `product` is empty, else
    renamed (a product id Stripe no longer knows raises GatewayError, code resource_missing)."""
    client = _client()
    if product:
        updated = _billing_call(
            client.v1.products.update, product, params={"name": name, "metadata": metadata}
        )
        return updated.id
    created = _billing_call(client.v1.products.create, params={"name": name, "metadata": metadata})
    return created.id


def offline_price_id() -> str:
    """A Stripe-shaped price id (price_ + 24 characters) for a price made offline."""
    return "price_1" + secrets.token_hex(12).upper()[:23]


def billing_price_create(
    *,
    product: str,
    amount: int,
    currency: str,
    interval: str,
    metadata: dict,
    idempotency_key: str | None = None,
) -> str:
    """A recurring price (`amount` in minor units, every `interval`: month or year) for
    `product`, and its id. Stripe prices never change: a new amount is a new price."""
    if interval not in ("month", "year"):
        raise ValueError(f"A plan is billed by month or by year, not by {interval!r}.")
    if int(amount) < 0:
        raise GatewayError("A price cannot be negative.", code="amount_too_small")
    client = _client()
    options = _options(None, idempotency_key)
    if offline():
        plan = _billing_call(
            client.v1.plans.create,
            params={
                "id": offline_price_id(),
                "product": product,
                "amount": int(amount),
                "currency": currency.lower(),
                "interval": interval,
                "metadata": metadata,
            },
            options=options,
        )
        return plan.id
    price = _billing_call(
        client.v1.prices.create,
        params={
            "product": product,
            "unit_amount": int(amount),
            "currency": currency.lower(),
            "recurring": {"interval": interval},
            "metadata": metadata,
        },
        options=options,
    )
    return price.id


def offline_billing_restore(*, products: dict[str, str], prices: list[dict]) -> int:
    """Offline only: make the plans' products and prices again on a localstripe that started
    empty, under the ids the database already holds (localstripe keeps nothing between runs).
    An id it already knows is left alone. Returns how many objects were made."""
    if not offline():
        raise GatewayError(OFFLINE_ONLY, code="offline_only")
    client = _client()
    made = 0
    for product, name in products.items():
        try:
            client.v1.products.retrieve(product)
        except stripe.InvalidRequestError:
            _billing_call(client.v1.products.create, params={"id": product, "name": name})
            made += 1
    for price in prices:
        try:
            client.v1.plans.retrieve(price["id"])
        except stripe.InvalidRequestError:
            _billing_call(
                client.v1.plans.create,
                params={
                    "id": price["id"],
                    "product": price["product"],
                    "amount": int(price["amount"]),
                    "currency": price["currency"].lower(),
                    "interval": price["interval"],
                },
            )
            made += 1
    return made
