"""Portal booking figures: the booking request's server time on a large studio, and fifty
clients racing to book and pay for the same slot.

The race runs the whole portal path for every racer (hold the slot, open the card form, save a
card, pay the deposit) against the configured Stripe (localstripe offline). It reports how many
held the slot, the overlaps left in the database, and the PaymentIntents no booking accounts for:
an intent of this studio that is not the winner's recorded, succeeded deposit.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import time as clock
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client as HttpClient
from django.utils import timezone
from django_tenants.utils import schema_context

from portal.models import USERNAME_PREFIX, PortalAccount
from siteconf import stripe_gateway
from siteconf.bench.backoffice import _load
from siteconf.bench.stats import p95
from siteconf.bench.studios import bench_studio
from siteconf.tenancy.features import plans_with
from siteconf.tenancy.models import Studio
from siteconf.tenancy.services.provisioning import studio_destroy
from studio.models import CardPayment, Client, OpeningHours, Room, Session, StudioSettings
from studio.selectors.availability import free_slots
from studio.services import online_bookings
from studio.services.errors import StudioError

SLUG = "bench-portal"


def _open_for_booking(studio: Studio) -> None:
    """Open every day from 08:00 to midnight, take cards (Pro plan, a ready Stripe account)."""
    Studio.objects.filter(pk=studio.pk).update(
        plan=plans_with("card_payments")[0],
        stripe_account_id=f"acct_bench{studio.pk:010d}",
        stripe_charges_enabled=True,
        stripe_details_submitted=True,
    )
    with schema_context(studio.schema_name):
        rules = StudioSettings.objects.get()
        rules.lead_time_hours, rules.max_advance_days, rules.slot_minutes = 1, 400, 60
        rules.save()
        rules.hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(settings=rules, weekday=d, opens=clock(8), closes=clock(0))
            for d in range(7)
        )


def _portal_client(name: str) -> tuple[Client, User]:
    client = Client.objects.create(
        name=name, email=f"{name.lower().replace(' ', '-')}@bench.example"
    )
    user = User.objects.create_user(username=f"{USERNAME_PREFIX}{client.email}", email=client.email)
    PortalAccount.objects.create(user=user, client=client, email=client.email)
    return client, user


def bench_portal_book(*, sessions: int, repeat: int, progress: Callable[[str], None]) -> dict:
    """p95 server time of the portal's booking request (POST /book/hold/: the slot checked
    against every rule and the sessions around it, then held) on 20 rooms and `sessions`
    sessions."""
    studio = bench_studio(slug=SLUG, name="Bench Portal")
    try:
        progress(f"  loading {sessions:,} sessions over 20 rooms ...")
        _load(studio, clients=2000, sessions=sessions, progress=progress)
        with schema_context(studio.schema_name), connection.cursor() as cursor:
            # The generated calendar is full from 09:00 to 23:30: free a third of what is to
            # come, as cancellations would, so there is time left to book.
            cursor.execute(
                "UPDATE studio_session SET status = 'cancelled' WHERE start >= now() AND id % 3 = 0"
            )
        _open_for_booking(studio)
        browser = HttpClient(HTTP_HOST=f"{SLUG}.localhost")
        with schema_context(studio.schema_name):
            _client, user = _portal_client("Bench Booker")
            browser.force_login(user)
            room_ids = list(Room.objects.order_by("name").values_list("pk", flat=True))
            tz = StudioSettings.objects.get().tz
        times = []
        first_day = timezone.localtime(timezone.now(), tz).date() + timedelta(days=2)
        for i in range(repeat):
            # A time the selector says is free (the loaded calendar is dense), then booked as a
            # client would: the request checks every rule again and holds it.
            with schema_context(studio.schema_name):
                day = first_day + timedelta(days=i // 4)
                room = Room.objects.get(pk=room_ids[i % len(room_ids)])
                slot = free_slots(
                    day_from=day, day_to=day + timedelta(days=14), minutes=120, room=room
                )[0]
            connection.set_schema_to_public()
            data = {
                "start": slot.start.isoformat(),
                "end": slot.end.isoformat(),
                "room": str(slot.room.pk),
            }
            began = time.perf_counter()
            response = browser.post("/book/hold/", data)
            times.append((time.perf_counter() - began) * 1000)
            if response.status_code != 302 or "/pay/" not in response.url:
                raise RuntimeError(f"booking {data} was not held: {response.status_code}")
        with schema_context(studio.schema_name):
            loaded = Session.objects.count()
            held = Session.objects.filter(booked_online=True).count()
        ms = p95(times)
        progress(f"  portal booking: p95 {ms:.1f} ms over {repeat} bookings, {held} held")
        return {
            "portal_book_p95_ms": round(ms, 1),
            "portal_book_sessions": loaded,
            "portal_book_held": held,
        }
    finally:
        connection.set_schema_to_public()
        studio_destroy(studio=Studio.objects.get(slug=SLUG))


def bench_portal_race(*, racers: int, progress: Callable[[str], None]) -> dict:
    if not stripe_gateway.enabled():
        raise RuntimeError("The portal race needs Stripe (localstripe offline): none configured.")
    studio = bench_studio(slug=SLUG, name="Bench Portal")
    try:
        _open_for_booking(studio)
        with schema_context(studio.schema_name):
            room = Room.objects.create(name="Race Room", hourly_rate=Decimal("50"))
            clients = [_portal_client(f"Racer {i:02d}")[0] for i in range(racers)]
            tz = StudioSettings.objects.get().tz
        day = timezone.localtime(timezone.now(), tz).date() + timedelta(days=20)
        start = timezone.make_aware(timezone.datetime.combine(day, clock(14)), tz)
        barrier = threading.Barrier(racers)
        outcomes: list[str] = []
        # The fake Stripe keeps earlier runs' intents (same schema name): count only this run's.
        began = int(time.time()) - 1

        def attempt(client: Client):
            try:
                connection.set_tenant(studio)
                barrier.wait()
                session = online_bookings.booking_hold(
                    client=client, start=start, end=start + timedelta(hours=3), room=room
                )
                _pay(client, session)
                outcomes.append("paid")
            except StudioError:
                outcomes.append("taken")
            except Exception as exc:  # reported, so a broken run is visible in the figures
                outcomes.append(f"error: {exc}")
            finally:
                connection.close()

        threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with schema_context(studio.schema_name):
            overlaps = _overlaps()
            winners = Session.objects.filter(
                status__in=[Session.Status.CONFIRMED, Session.Status.HELD]
            )
            paid = set(
                CardPayment.objects.filter(
                    status=CardPayment.Status.SUCCEEDED, session__in=winners
                ).values_list("intent_id", flat=True)
            )
            successes = winners.count()
        intents = [i for i in _intents_of(studio.schema_name) if i["created"] >= began]
        orphans = [i for i in intents if i["id"] not in paid]
        errors = [o for o in outcomes if o.startswith("error")]
        progress(
            f"  portal race: {outcomes.count('paid')} paid, {outcomes.count('taken')} told "
            f"the slot was taken, {len(errors)} errors, {len(intents)} intents, "
            f"{len(orphans)} orphans"
        )
        for error in errors[:3]:
            progress(f"    {error}")
        return {
            "portal_book_race_successes": successes,
            "portal_book_race_overlaps": overlaps,
            "portal_book_race_orphan_intents": len(orphans),
            "portal_book_race_errors": len(errors),
        }
    finally:
        connection.set_schema_to_public()
        studio_destroy(studio=Studio.objects.get(slug=SLUG))


def _pay(client: Client, session: Session) -> None:
    """What the browser does: open the card form, save 4242…, pay."""
    online_bookings.deposit_card_form(session_id=session.pk, client=client)
    customer = Client.objects.get(pk=client.pk).stripe
    secret = _stripe_get(f"/v1/setup_intents/{customer.setup_intent_id}")["client_secret"]
    stripe_gateway.setup_intent_confirm_test_card(
        account=None,
        setup_intent=customer.setup_intent_id,
        client_secret=secret,
        number="4242424242424242",
    )
    online_bookings.deposit_pay(
        session_id=session.pk, client=client, setup_intent=customer.setup_intent_id
    )


def _overlaps() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM studio_session a JOIN studio_session b
               ON a.id < b.id AND a.room_id = b.room_id
               AND tstzrange(a.start, a.blocked_until) && tstzrange(b.start, b.blocked_until)
               WHERE a.status NOT IN ('cancelled', 'no_show')
                 AND b.status NOT IN ('cancelled', 'no_show')"""
        )
        return cursor.fetchone()[0]


def _stripe_get(path: str) -> dict:
    request = urllib.request.Request(
        settings.STRIPE_API_BASE + path,
        headers={"Authorization": f"Bearer {settings.STRIPE_SECRET_KEY}"},
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def _intents_of(schema: str) -> list[dict]:
    """Every PaymentIntent the fake Stripe holds for this studio (by the metadata we send)."""
    found, after = [], None
    while True:
        page = _stripe_get(
            "/v1/payment_intents?limit=100" + (f"&starting_after={after}" if after else "")
        )
        found += [
            i for i in page["data"] if (i.get("metadata") or {}).get("studio_schema") == schema
        ]
        if not page.get("has_more"):
            return found
        after = page["data"][-1]["id"]
