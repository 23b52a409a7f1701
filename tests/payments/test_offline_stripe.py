"""The offline loop: localstripe signs and posts its events, Stripe.js may run on portal pages."""

from __future__ import annotations

import http.server
import threading
import time

import pytest
from django.conf import settings

from siteconf import localstripe
from siteconf import stripe_gateway as gateway
from tests.payments.conftest import saved_card


@pytest.fixture
def receiver():
    """A bare HTTP endpoint that keeps what is posted to it, as the platform's webhook would."""
    received: list[tuple[bytes, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers.get("Stripe-Signature", "")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/stripe/webhook/", received
    server.shutdown()


def test_localstripe_posts_signed_events_the_gateway_verifies(
    localstripe_server, receiver, settings
):
    url, received = receiver
    endpoint = f"tests-{time.time_ns()}"
    localstripe.webhook_register(localstripe_server, url, endpoint_id=endpoint)
    settings.STRIPE_WEBHOOK_SECRET = localstripe_server.webhook_secret or "unset"
    customer = gateway.customer_create(account=None, email="a@example.com", name="A", metadata={})

    intent = gateway.payment_intent_create(
        account=None,
        customer=customer,
        payment_method=saved_card(customer=customer),
        amount=2000,
        currency="eur",
        metadata={"studio_schema": "studio_a"},
        idempotency_key=endpoint,
    )

    def ours(events):
        # The server is shared by the whole run: other tests' intents are posted here too.
        return [
            e
            for e in events
            if e["type"] == "payment_intent.succeeded" and e["data"]["object"]["id"] == intent.id
        ]

    deadline = time.monotonic() + 10
    events = []
    while time.monotonic() < deadline and not ours(events):
        time.sleep(0.2)
        events = [gateway.webhook_event(body, header) for body, header in received]
    [paid] = ours(events)
    assert paid["data"]["object"]["metadata"] == {"studio_schema": "studio_a"}
    assert paid.get("account") is None  # localstripe never says; the metadata maps it


def test_an_address_that_does_not_answer_is_not_reused():
    assert not localstripe.answers("http://127.0.0.1:9")


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [part.strip().split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


@pytest.mark.django_db
def test_portal_pages_may_load_stripe_js_and_nothing_else_does(client_a, platform_client):
    stripe_origins = settings.CONTENT_SECURITY_POLICY_PORTAL["update"]
    origin = stripe_origins["script-src"][0]

    portal = policy(client_a.get("/"))
    admin = policy(client_a.get("/admin/login/"))
    marketing = policy(platform_client.get("/signup/"))

    assert origin in portal["script-src"]
    assert set(stripe_origins["frame-src"]) <= set(portal["frame-src"])
    assert set(stripe_origins["connect-src"]) <= set(portal["connect-src"])
    for other in (admin, marketing):
        assert origin not in other["script-src"]
        assert "frame-src" not in other and "connect-src" not in other
