"""Demo content for one studio: settings, rooms, staff, clients, gear and a year of sessions.

`demo_fill()` works in the current schema (activate the studio with `schema_context` first). It is
idempotent (a studio that already has rooms is left alone) and deterministic for a given `seed`
and `now`: every random choice comes from one `random.Random(seed)`, made in the order below.
Sessions are booked and moved through their life cycle by the booking services, exactly as staff
would, so prices, deposits, reservations and the audit trail are the real thing.

studio.py    settings, opening hours, rooms and staff
clients.py   artists, bands, labels and companies
gear.py      equipment, repairs and maintenance history
sessions.py  the bookings and their life cycle
money.py     invoices, payments, quotes and contracts from the completed sessions
projects.py  projects on the board, tracks, credits, splits, and mixes in review
"""

from __future__ import annotations

import calendar
import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from siteconf.tenancy.models import Studio
from studio.demo.catalogue import LOCALES, Progress
from studio.demo.clients import clients_fill
from studio.demo.gear import equipment_fill
from studio.demo.money import money_fill
from studio.demo.portal import portal_fill
from studio.demo.projects import projects_fill
from studio.demo.sessions import SessionCalendar
from studio.demo.studio import rooms_fill, settings_fill, staff_fill
from studio.models import (
    AudioVersion,
    Client,
    Engineer,
    Equipment,
    Invoice,
    MaintenanceEntry,
    Project,
    Room,
    Session,
)
from studio.roles import OWNER_ROLE


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _counts() -> dict[str, int]:
    return {
        "rooms": Room.objects.count(),
        "engineers": Engineer.objects.count(),
        "clients": Client.objects.count(),
        "equipment": Equipment.objects.count(),
        "maintenance": MaintenanceEntry.objects.count(),
        "sessions": Session.objects.count(),
        "invoices": Invoice.objects.count(),
        "projects": Project.objects.count(),
        "audio_versions": AudioVersion.objects.count(),
    }


def _studio_identity(seed: int) -> tuple[str, str]:
    """The studio's display name and the e-mail domain of its staff."""
    studio = Studio.objects.filter(schema_name=connection.schema_name).first()
    if studio is not None and studio.slug:
        return studio.name, f"{studio.slug}.example"
    return f"Demo Studio {seed}", f"demo-studio-{seed}.example"


def demo_fill(
    *,
    seed: int,
    now: datetime | None = None,
    progress: Progress | None = None,
    months_back: int = 9,
    months_ahead: int = 3,
) -> dict[str, int]:
    """Fill the current studio schema with demo data; return how many of each thing it has.

    A studio that already has rooms is left as it is. Everything is written in one transaction.
    """
    if connection.schema_name == get_public_schema_name():
        raise RuntimeError("demo_fill() runs in a studio's schema: use schema_context() first.")
    if Room.objects.exists():
        return _counts()
    now = now or timezone.now()
    if timezone.is_naive(now):
        raise ValueError("`now` must be timezone-aware.")
    rng = random.Random(seed)
    locale = LOCALES[seed % len(LOCALES)]
    tz = ZoneInfo(locale.timezone)
    today = now.astimezone(tz).date()
    studio_name, domain = _studio_identity(seed)
    User = get_user_model()

    with transaction.atomic():
        owner = User.objects.filter(groups__name=OWNER_ROLE).order_by("pk").first()
        settings_fill(rng, locale, studio_name)
        rooms = rooms_fill(rng, locale)
        engineers = staff_fill(rng, locale, domain)
        clients = clients_fill(rng, locale, now)
        equipment = equipment_fill(rng, locale, rooms, today, engineers, owner)
        if progress:
            progress(
                f"{len(rooms)} rooms, {len(engineers)} engineers, {len(clients)} clients, "
                f"{len(equipment)} pieces of gear"
            )
        bookings = SessionCalendar(
            rng,
            tz=tz,
            now=now,
            rooms=rooms,
            engineers=engineers,
            equipment=equipment,
            clients=clients,
            by=owner,
            progress=progress,
        )
        bookings.fill(_add_months(today, -months_back), _add_months(today, months_ahead))
        if progress:
            progress(f"{bookings.booked} sessions booked, {bookings.skipped} skipped (conflicts)")
        money_fill(rng, locale=locale, today=today, domain=domain, by=owner, progress=progress)
        account = portal_fill(domain=domain, now=now)
        if progress and account:
            progress(f"portal account for {account.client} ({account.email})")
        projects_fill(
            rng,
            locale=locale,
            today=today,
            by=owner,
            portal_client=account.client if account else None,
            progress=progress,
        )
    return _counts()
