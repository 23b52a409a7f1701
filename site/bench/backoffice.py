"""Back-office figures: the booking race, and page times on a large generated studio.

The large studio is loaded with PostgreSQL COPY (100k clients, 300k sessions over several
years, non-overlapping by construction), then the pages are requested through Django's test
client, so the figures are server time without a network: the owner's lists and record pages,
and the Today of an engineer, a front desk and an accountant (each signed in as themselves).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf.bench.stats import p95
from siteconf.bench.studios import bench_studio, owner_email
from siteconf.tenancy.models import Studio
from siteconf.tenancy.services.provisioning import studio_destroy
from studio.models import Client, Engineer, Invoice, Room, Session
from studio.selectors.settings import studio_settings_get
from studio.services.errors import BookingConflict
from studio.services.sessions import session_create

SLUG = "bench-backoffice"
ROOMS = 20
ENGINEERS = 10
SLOTS_PER_DAY = 5


def bench_booking_race(*, racers: int, progress: Callable[[str], None]) -> dict:
    studio = bench_studio(slug=SLUG, name="Bench Backoffice")
    try:
        with schema_context(studio.schema_name):
            room = Room.objects.create(name="Race Room", hourly_rate=Decimal("50"))
            client = Client.objects.create(name="Race Band", email="band@race.example")
        start = timezone.now().replace(microsecond=0) + timedelta(days=30)
        barrier = threading.Barrier(racers)
        outcomes: list[str] = []

        def attempt():
            try:
                connection.set_tenant(studio)
                barrier.wait()
                session_create(
                    client=client, room=room, start=start, end=start + timedelta(hours=2)
                )
                outcomes.append("ok")
            except BookingConflict:
                outcomes.append("conflict")
            except Exception as exc:  # reported, so a broken run is visible in the figures
                outcomes.append(f"error: {exc}")
            finally:
                connection.close()

        threads = [threading.Thread(target=attempt) for _ in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with schema_context(studio.schema_name), connection.cursor() as cursor:
            cursor.execute(
                """SELECT count(*) FROM studio_session a JOIN studio_session b
                   ON a.id < b.id AND a.room_id = b.room_id
                   AND tstzrange(a.start, a.blocked_until) && tstzrange(b.start, b.blocked_until)
                   WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'"""
            )
            overlaps = cursor.fetchone()[0]
        progress(f"  booking race: {outcomes.count('ok')} of {racers} succeeded")
        return {
            "booking_race_successes": outcomes.count("ok"),
            "booking_race_conflicts": outcomes.count("conflict"),
            "booking_race_errors": len([o for o in outcomes if o.startswith("error")]),
            "booking_race_overlaps": overlaps,
        }
    finally:
        connection.set_schema_to_public()
        studio_destroy(studio=Studio.objects.get(slug=SLUG))


def _load(studio: Studio, *, clients: int, sessions: int, progress) -> None:
    """Bulk-load clients and sessions with COPY; slots never overlap by construction."""
    rng = random.Random(7)
    with schema_context(studio.schema_name):
        rooms = [
            Room.objects.get_or_create(
                name=f"Room {i:02d}", defaults={"hourly_rate": Decimal("45"), "buffer_minutes": 30}
            )[0]
            for i in range(ROOMS)
        ]
        engineers = [
            Engineer.objects.get_or_create(name=f"Engineer {i:02d}")[0] for i in range(ENGINEERS)
        ]
        first_client = Client.objects.count()
        with connection.cursor() as cursor:
            with cursor.copy(
                "COPY studio_client (kind, name, artist_name, email, phone, address, country, "
                "vat_number, tags, notes, terms, no_show_count, created_at) FROM STDIN"
            ) as copy:
                now = timezone.now()
                for i in range(first_client, first_client + clients):
                    copy.write_row(
                        (
                            "artist",
                            f"Client {i:06d}",
                            f"Artist {i:06d}",
                            f"client{i}@bench.example",
                            "",
                            "",
                            "FR",
                            "",
                            "{}",
                            "",
                            "independent",
                            1 if i % 97 == 0 else 0,
                            now,
                        )
                    )
            cursor.execute("SELECT min(id), max(id) FROM studio_client")
            low, high = cursor.fetchone()
            cursor.execute("SELECT coalesce(max(id), 0) FROM studio_session")
            first_session = cursor.fetchone()[0] + 1
            per_room = sessions // ROOMS
            # Five 2-hour sessions a day per room (09:00 to 23:00), 30-minute changeovers: a
            # busy 20-room studio whose slots never overlap by construction.
            tz = timezone.get_current_timezone()
            cursor.execute("SELECT min(start) FROM studio_session")
            earliest = cursor.fetchone()[0]
            days = per_room // SLOTS_PER_DAY
            if earliest is None:
                # The first load: mostly past, a few weeks ahead, like a working studio.
                first_day = timezone.localdate() - timedelta(days=int(days * 0.8))
            else:
                # Later loads add older history before what is there.
                first_day = timezone.localtime(earliest).date() - timedelta(days=days)
            slots = [
                datetime.combine(first_day + timedelta(days=d), datetime.min.time(), tzinfo=tz)
                + timedelta(hours=9 + 3 * k)
                for d in range(days)
                for k in range(SLOTS_PER_DAY)
            ]
            now = timezone.now()
            with cursor.copy(
                'COPY studio_session (id, client_id, room_id, start, "end", blocked_until, status, '
                "price, currency, deposit_due, notes, recall_notes, overtime_minutes, gear_alert, "
                "booked_online, created_at) FROM STDIN"
            ) as copy:
                session_id = first_session
                for start in slots:
                    for room in rooms:
                        status = "completed" if start < now else "confirmed"
                        copy.write_row(
                            (
                                session_id,
                                rng.randint(low, high),
                                room.pk,
                                start,
                                start + timedelta(hours=2),
                                start + timedelta(hours=2, minutes=30),
                                status,
                                "90.00",
                                "EUR",
                                "27.00",
                                "",
                                "",
                                0,
                                "",
                                False,
                                now,
                            )
                        )
                        session_id += 1
            with cursor.copy(
                'COPY studio_sessionengineer (session_id, engineer_id, start, "end", active) '
                "FROM STDIN"
            ) as copy:
                # Rooms 0-9 each have their own engineer, so engineers never overlap either.
                session_id = first_session
                for start in slots:
                    for index in range(ROOMS):
                        if index < ENGINEERS:
                            copy.write_row(
                                (
                                    session_id,
                                    engineers[index].pk,
                                    start,
                                    start + timedelta(hours=2),
                                    True,
                                )
                            )
                        session_id += 1
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('studio_session', 'id'), %s)", [session_id]
            )
            invoices = _load_invoices(cursor, rng, count=sessions // 6, clients=(low, high))
            cursor.execute(
                "ANALYZE studio_client; ANALYZE studio_session; ANALYZE studio_sessionengineer; "
                "ANALYZE studio_invoice"
            )
    progress(f"  loaded {clients} clients, {len(slots) * ROOMS} sessions, {invoices} invoices")


def _load_invoices(cursor, rng: random.Random, *, count: int, clients: tuple[int, int]) -> int:
    """Issued invoices over the past years, one in ten still open (some overdue), numbered
    per year after those already there."""
    cursor.execute("SELECT year, max(sequence) FROM studio_invoice GROUP BY year")
    last = dict(cursor.fetchall())
    today = timezone.localdate()
    now = timezone.now()
    with cursor.copy(
        "COPY studio_invoice (number, year, sequence, currency, studio_currency, exchange_rate, "
        "issue_date, bill_to, notes, gross, discount, net, tax, total, created_at, client_id, "
        "status, due_date, amount_paid, amount_credited, balance, total_in_studio_currency, "
        "issued_at, void_reason) FROM STDIN"
    ) as copy:
        for i in range(count):
            issued = today - timedelta(days=(i * 1500) // max(count, 1))
            year = issued.year
            last[year] = sequence = last.get(year, 0) + 1
            net = Decimal(90 * rng.randint(1, 12))
            total = net * Decimal("1.2")
            open_ = i % 10 == 0
            paid = Decimal(0) if open_ else total
            copy.write_row(
                (
                    f"INV-{year}-{sequence:05d}",
                    year,
                    sequence,
                    "EUR",
                    "EUR",
                    "1",
                    issued,
                    f"Client {i:06d}",
                    "",
                    net,
                    "0",
                    net,
                    total - net,
                    total,
                    now,
                    rng.randint(*clients),
                    "issued" if open_ else "paid",
                    issued + timedelta(days=30),
                    paid,
                    "0",
                    total - paid,
                    total,
                    now,
                    "",
                )
            )
    return count


def _pages(today) -> dict[str, str]:
    monday = today - timedelta(days=today.weekday())
    return {
        "dashboard": "/admin/",
        "calendar_week": f"/admin/calendar/feed/?start={monday}T00:00:00"
        f"&end={monday + timedelta(days=7)}T00:00:00",
        "session_list": "/admin/studio/session/",
        "client_list": "/admin/studio/client/",
        "invoice_list": "/admin/studio/invoice/",
        "receivables": "/admin/money/receivables/",
    }


# Today as each role sees it (studio/selectors/today.py): the pages those people open first.
ROLE_TODAYS = {
    "today_engineer": "Engineer",
    "today_front_desk": "Front desk",
    "today_accountant": "Accountant",
}


def _role_users(studio: Studio) -> dict[str, User]:
    """One member of staff per role in ROLE_TODAYS; the engineer is Engineer 00, who works
    room 0 every day, so their Today is as full as an engineer's gets."""
    users = {}
    with schema_context(studio.schema_name):
        for page, role in ROLE_TODAYS.items():
            user = User.objects.create_user(
                username=page, email=f"{page}@{SLUG}.example", is_staff=True
            )
            user.groups.add(Group.objects.get(name=role))
            users[page] = user
        Engineer.objects.update_or_create(
            name="Engineer 00", defaults={"user": users["today_engineer"]}
        )
    return users


def _record_pages() -> dict[str, str]:
    """The change pages the studio opens most: the busiest client and their latest session,
    the latest invoice, and the studio's settings."""
    client = _busiest_client()
    session = Session.objects.filter(client_id=client).order_by("-start").first()
    invoice = Invoice.objects.order_by("-issue_date").first()
    pages = {"client_page": f"/admin/studio/client/{client}/change/"}
    if session is not None:
        pages["session_change"] = f"/admin/studio/session/{session.pk}/change/"
    if invoice is not None:
        pages["invoice_change"] = f"/admin/studio/invoice/{invoice.pk}/change/"
    pages["settings"] = f"/admin/studio/studiosettings/{studio_settings_get().pk}/change/"
    return pages


def _busiest_client() -> int:
    """The client with the longest history: the page whose cost must not grow with it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_id FROM studio_session GROUP BY client_id ORDER BY count(*) DESC LIMIT 1"
        )
        row = cursor.fetchone()
        if row is None:  # a studio too small for sessions: any client
            cursor.execute("SELECT min(id) FROM studio_client")
            row = cursor.fetchone()
    return row[0]


def _measure(http, url: str, repeat: int) -> tuple[float, int]:
    http.get(url)  # warm-up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = http.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        http.get(url)
    return p95(timings), len(queries)


def bench_backoffice(
    *, clients: int, sessions: int, repeat: int, progress: Callable[[str], None]
) -> dict:
    studio = bench_studio(slug=SLUG, name="Bench Backoffice")
    try:
        host = f"{SLUG}.localhost"
        owner = HttpClient(HTTP_HOST=host)
        with schema_context(studio.schema_name):
            owner.force_login(User.objects.get(email=owner_email(SLUG)))
        browsers = {}
        for page, user in _role_users(studio).items():
            browsers[page] = HttpClient(HTTP_HOST=host)
            with schema_context(studio.schema_name):
                browsers[page].force_login(user)
        figures: dict[str, float] = {}
        sizes = [(clients // 100, sessions // 100), (clients, sessions)]
        loaded = (0, 0)
        for label, (n_clients, n_sessions) in zip(("small", "large"), sizes, strict=True):
            _load(
                studio,
                clients=n_clients - loaded[0],
                sessions=n_sessions - loaded[1],
                progress=progress,
            )
            loaded = (n_clients, n_sessions)
            pages = _pages(timezone.localdate())
            with schema_context(studio.schema_name):
                pages.update(_record_pages())
            pages.update(dict.fromkeys(ROLE_TODAYS, "/admin/"))
            for name, url in pages.items():
                ms, queries = _measure(browsers.get(name, owner), url, repeat)
                figures[f"queries_{name}_{label}"] = queries
                if label == "large":
                    figures[f"backoffice_p95_ms_{name}"] = round(ms, 1)
                progress(f"  {label} studio, {name}: p95 {ms:.1f} ms, {queries} queries")
            connection.set_schema_to_public()
        figures["backoffice_p95_ms"] = max(
            v for k, v in figures.items() if k.startswith("backoffice_p95_ms_")
        )
        figures["backoffice_clients"], figures["backoffice_sessions"] = clients, sessions
        with schema_context(studio.schema_name):
            figures["backoffice_sessions_loaded"] = Session.objects.count()
        return figures
    finally:
        connection.set_schema_to_public()
        studio_destroy(studio=Studio.objects.get(slug=SLUG))
