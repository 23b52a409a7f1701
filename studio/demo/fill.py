"""Demo content for one studio: settings, rooms, staff, clients, gear and a year of sessions.

`demo_fill()` works in the current schema (activate the studio with `schema_context` first). It is
idempotent (a studio that already has rooms is left alone) and deterministic for a given `seed`
and `now`: every random choice comes from one `random.Random(seed)`. Sessions are booked and moved
through their life cycle by the booking services, exactly as staff would, so prices, deposits,
reservations and the audit trail are the real thing.
"""

from __future__ import annotations

import calendar
import random
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from studio.demo.catalogue import (
    ACCOUNTANT_PASSWORD,
    ADDRESSES,
    BAND_ADJECTIVES,
    BAND_NOUNS,
    CALLING_CODES,
    CLIENT_NOTES,
    CLOSES,
    COMPANY_SUFFIXES,
    COMPANY_TAGS,
    CORE_GEAR,
    CREW_WEIGHTS,
    ENGINEER_PASSWORD,
    ENGINEERS,
    EXTRA_GEAR,
    FAULTS,
    FIRST_NAMES,
    FOREIGN_COUNTRIES,
    GENRES,
    LABEL_SUFFIXES,
    LAST_NAMES,
    LEGAL_SUFFIX,
    LENGTH_WEIGHTS,
    LENGTHS,
    LOCALES,
    NAME_GROUP,
    OPENS,
    ORG_WORDS,
    OUTSIDE_TECHS,
    PORTABLE,
    RECALL_NOTES,
    ROOM_FALLBACK,
    ROOM_KIND,
    ROOMS,
    SERVICE_DAYS,
    SERVICE_WORK,
    SESSION_NOTES,
    STAGE_PREFIXES,
    STAGE_WORDS,
    Locale,
    Progress,
)
from studio.demo.money import money_fill
from studio.models import (
    Client,
    Engineer,
    Equipment,
    Invoice,
    MaintenanceEntry,
    Room,
    RoomPeakRate,
    Session,
    StudioSettings,
)
from studio.selectors.settings import studio_settings_get
from studio.services.equipment import equipment_status_set, maintenance_record
from studio.services.errors import StudioError
from studio.services.sessions import (
    session_cancel,
    session_check_in,
    session_check_out,
    session_create,
    session_mark_no_show,
)

# --- helpers ------------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _slug(text: str, sep: str = "-") -> str:
    return re.sub(r"[^a-z0-9]+", sep, _ascii(text)).strip(sep)


def _money(euros: float, locale: Locale, step: int = 5) -> Decimal:
    return Decimal(max(step, round(euros * locale.money_factor / step) * step))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _ceil_half_hour(minutes: int) -> int:
    return -(-minutes // 30) * 30


def _at(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)


def _counts() -> dict[str, int]:
    return {
        "rooms": Room.objects.count(),
        "engineers": Engineer.objects.count(),
        "clients": Client.objects.count(),
        "equipment": Equipment.objects.count(),
        "maintenance": MaintenanceEntry.objects.count(),
        "sessions": Session.objects.count(),
        "invoices": Invoice.objects.count(),
    }


def _studio_identity(seed: int) -> tuple[str, str]:
    """The studio's display name and the e-mail domain of its staff."""
    from siteconf.tenancy.models import Studio

    studio = Studio.objects.filter(schema_name=connection.schema_name).first()
    if studio is not None and studio.slug:
        return studio.name, f"{studio.slug}.example"
    return f"Demo Studio {seed}", f"demo-studio-{seed}.example"


# --- the parts ----------------------------------------------------------------------------------


def _settings_fill(rng: random.Random, locale: Locale, studio_name: str) -> None:
    settings: StudioSettings = studio_settings_get()
    settings.legal_name = f"{studio_name} {locale.legal_suffix}"
    settings.address = locale.address
    settings.timezone = locale.timezone
    settings.currency = locale.currency
    settings.default_tax_rate = locale.tax_rate
    settings.deposit_percent = Decimal(rng.choice((25, 30, 50)))
    settings.onboarding_done = True  # a lived-in studio, past its first-run wizard
    settings.save()
    # Sessions run from 09:00 to 23:00, Monday to Saturday.
    settings.hours.all().delete()
    settings.hours.bulk_create(
        [
            settings.hours.model(settings=settings, weekday=day, opens=time(9), closes=time(23))
            for day in range(6)
        ]
    )


def _rooms_fill(rng: random.Random, locale: Locale) -> list[Room]:
    count = rng.choice((3, 4))
    specs = [ROOMS[0], *sorted(rng.sample(ROOMS[1:], count - 1), key=ROOMS.index)]
    rooms = []
    for spec in specs:
        room = Room.objects.create(
            name=spec.name,
            description=spec.description,
            capacity=spec.capacity,
            hourly_rate=_money(spec.rate * rng.uniform(0.9, 1.15), locale),
            min_minutes=spec.min_minutes,
            buffer_minutes=spec.buffer_minutes,
            colour=spec.colour,
        )
        rooms.append(room)
    live = rooms[0]
    RoomPeakRate.objects.create(
        room=live,
        label="Weekend evenings",
        weekdays=[4, 5],
        starts=time(18),
        ends=time(23),
        hourly_rate=(live.hourly_rate * Decimal("1.3")).quantize(Decimal("1")),
    )
    cheaper = rooms[1]
    RoomPeakRate.objects.create(
        room=cheaper,
        label="Off-peak mornings",
        weekdays=[0, 1, 2, 3, 4],
        starts=time(9),
        ends=time(12),
        hourly_rate=(cheaper.hourly_rate * Decimal("0.75")).quantize(Decimal("1")),
    )
    # The booking services read room.peak_rates.all(): prefetch them once for every booking.
    return list(Room.objects.prefetch_related("peak_rates").order_by("pk"))


def _staff_fill(rng: random.Random, locale: Locale, domain: str) -> list[Engineer]:
    User = get_user_model()
    specs = rng.sample(ENGINEERS, rng.choice((4, 5)))
    engineers = []
    for index, (name, specialties, colour) in enumerate(specs):
        user = None
        first, _, last = name.partition(" ")
        if index < 2:
            email = f"{_slug(first, '.')}@{domain}"
            user = User.objects.create_user(
                username=email,
                email=email,
                password=ENGINEER_PASSWORD,
                first_name=first,
                last_name=last,
                is_staff=True,
            )
            user.groups.add(Group.objects.get(name="Engineer"))
        engineers.append(
            Engineer.objects.create(
                user=user,
                name=name,
                hourly_rate=_money(rng.randint(35, 70), locale),
                specialties=specialties,
                colour=colour,
            )
        )
    email = f"accountant@{domain}"
    accountant = User.objects.create_user(
        username=email,
        email=email,
        password=ACCOUNTANT_PASSWORD,
        first_name=rng.choice(("Nadia", "Paul", "Helen", "Omar")),
        last_name=rng.choice(("Haddad", "Keller", "Price", "Silva")),
        is_staff=True,
    )
    accountant.groups.add(Group.objects.get(name="Accountant"))
    return engineers


class _Clients:
    """Builds unique, plausible client rows."""

    def __init__(self, rng: random.Random, locale: Locale):
        self.rng = rng
        self.locale = locale
        bases = [
            "example.com",
            "example.org",
            "example.net",
            "mail.example.com",
            "inbox.example.org",
        ]
        self.domains = rng.sample(bases, 4)
        self.emails: set[str] = set()
        self.names: set[str] = set()

    def country(self) -> str:
        if self.rng.random() < 0.55:
            return self.locale.country
        return self.rng.choice(FOREIGN_COUNTRIES)

    def person(self, country: str) -> tuple[str, str]:
        group = NAME_GROUP[country]
        return self.rng.choice(FIRST_NAMES[group]), self.rng.choice(LAST_NAMES[group])

    def unique(self, name: str, alternatives: Callable[[], str]) -> str:
        for _ in range(20):
            if name.lower() not in self.names:
                break
            name = alternatives()
        self.names.add(name.lower())
        return name

    def email(self, local: str, domain: str) -> str:
        local = re.sub(r"[^a-z0-9.]+", "", _ascii(local).replace(" ", ".")).strip(".") or "hello"
        candidate, n = f"{local}@{domain}", 1
        while candidate in self.emails:
            n += 1
            candidate = f"{local}{n}@{domain}"
        self.emails.add(candidate)
        return candidate

    def phone(self, country: str) -> str:
        r = self.rng
        code = CALLING_CODES[country]
        if country == "FR":
            return f"{code} {r.choice((6, 7))} " + " ".join(
                f"{r.randint(0, 99):02d}" for _ in "1234"
            )
        if country == "GB":
            return f"{code} 7700 900{r.randint(0, 999):03d}"  # Ofcom's range for drama
        if country in ("US", "CA"):
            return f"{code} {r.choice((212, 646, 718, 615, 404, 512))} 555 01{r.randint(0, 99):02d}"
        return f"{code} {r.randint(60, 99)} {r.randint(100, 999)} {r.randint(1000, 9999)}"

    def address(self, country: str) -> str:
        if country not in ADDRESSES:
            return ""
        street, town = self.rng.choice(ADDRESSES[country])
        return f"{self.rng.randint(1, 180)} {street}\n{town}"

    def vat(self, country: str) -> str:
        r = self.rng

        def digits(n: int) -> str:
            return "".join(str(r.randint(0, 9)) for _ in range(n))

        return {
            "FR": f"FR{digits(2)}{digits(9)}",
            "BE": f"BE0{digits(9)}",
            "GB": f"GB{digits(9)}",
            "IE": f"IE{digits(7)}A",
            "DE": f"DE{digits(9)}",
            "NL": f"NL{digits(9)}B01",
            "SE": f"SE{digits(10)}01",
            "ES": f"ESB{digits(8)}",
            "IT": f"IT{digits(11)}",
        }.get(country, "")

    def build(self, kind: str) -> Client:
        r = self.rng
        country = self.country()
        domain = r.choice(self.domains)
        tags = [r.choice(GENRES)]
        artist_name, vat, address, terms = "", "", "", Client.Terms.INDEPENDENT
        if kind == Client.Kind.ARTIST:
            first, last = self.person(country)
            name = f"{first} {last}"
            if r.random() < 0.7:
                artist_name = self.unique(self.stage_name(first), lambda: self.stage_name(first))
            email = self.email(f"{first}.{last}", domain)
            if r.random() < 0.3:
                address = self.address(country)
        elif kind == Client.Kind.BAND:
            name = artist_name = self.unique(self.band_name(), self.band_name)
            mailbox = _slug(name.removeprefix("The "), ".")
            email = self.email(r.choice(("", "booking.", "hello.")) + mailbox, domain)
            if r.random() < 0.3:
                tags.append(r.choice(GENRES))
        else:
            suffixes = LABEL_SUFFIXES if kind == Client.Kind.LABEL else COMPANY_SUFFIXES
            words = r.choice(ORG_WORDS)
            suffix = r.choice(suffixes)
            base = self.unique(f"{words} {suffix}", lambda: f"{r.choice(ORG_WORDS)} {suffix}")
            legal = LEGAL_SUFFIX.get(country)
            name = f"{base} {legal}" if legal else base
            mailbox = r.choice(("hello", "studio", "production", "bookings", "accounts"))
            email = self.email(mailbox, f"{_slug(base)}.{domain}")
            vat = self.vat(country)
            address = self.address(country) or r.choice(("", "PO box on file"))
            terms = Client.Terms.ACCOUNT if r.random() < 0.85 else Client.Terms.INDEPENDENT
            if kind == Client.Kind.COMPANY:
                tags = list(COMPANY_TAGS[suffix])
        if r.random() < 0.1:
            tags.append("vip")
        if r.random() < 0.04 and kind in (Client.Kind.ARTIST, Client.Kind.BAND):
            email = ""  # some people only ever call
        return Client(
            kind=kind,
            name=name,
            artist_name=artist_name,
            email=email,
            phone=self.phone(country) if r.random() < 0.9 else "",
            address=address,
            country=country,
            vat_number=vat,
            tags=sorted(set(tags)),
            notes=r.choice(CLIENT_NOTES) if r.random() < 0.15 else "",
            terms=terms,
        )

    def stage_name(self, first: str) -> str:
        r = self.rng
        roll = r.random()
        if roll < 0.45:
            return r.choice(STAGE_PREFIXES) + r.choice(STAGE_WORDS)
        if roll < 0.75:
            return r.choice(STAGE_WORDS).upper() if r.random() < 0.3 else r.choice(STAGE_WORDS)
        if roll < 0.9:
            return f"{first} {r.choice(STAGE_WORDS)}"
        return _ascii(first)

    def band_name(self) -> str:
        r = self.rng
        name = f"{r.choice(BAND_ADJECTIVES)} {r.choice(BAND_NOUNS)}"
        if r.random() < 0.3:
            return f"The {name}"
        if r.random() < 0.1:
            return f"{r.choice(STAGE_WORDS)} & the {r.choice(BAND_NOUNS)}"
        return name


def _clients_fill(rng: random.Random, locale: Locale, now: datetime) -> list[Client]:
    builder = _Clients(rng, locale)
    kinds = rng.choices(
        [Client.Kind.ARTIST, Client.Kind.BAND, Client.Kind.LABEL, Client.Kind.COMPANY],
        weights=(50, 20, 12, 18),
        k=rng.randint(225, 260),
    )
    clients = Client.objects.bulk_create([builder.build(kind) for kind in kinds])
    # Spread the sign-up dates over the last three years (auto_now_add set them all to now).
    for client in clients:
        client.created_at = now - timedelta(days=rng.triangular(1, 1100, 200))
    Client.objects.bulk_update(clients, ["created_at"])
    return clients


def _equipment_fill(
    rng: random.Random,
    locale: Locale,
    rooms: list[Room],
    today: date,
    engineers: list[Engineer],
    by,
) -> list[Equipment]:
    by_kind = {ROOM_KIND[room.name]: room for room in rooms}
    extras = rng.sample(EXTRA_GEAR, rng.randint(6, 12))
    specs = [*CORE_GEAR, *sorted(extras, key=EXTRA_GEAR.index)]
    items: list[Equipment] = []
    serials: set[str] = set()
    for spec in specs:
        room = by_kind.get(spec.room_kind) or by_kind.get(ROOM_FALLBACK[spec.room_kind])
        for _ in range(spec.units):
            serial = ""
            while not serial or serial in serials:
                prefix = re.sub(r"[^A-Z]", "", spec.make.upper())[:2]
                serial = f"{prefix}{rng.randint(10_000, 999_999)}"
            serials.add(serial)
            years = rng.uniform(3, 15) if spec.vintage else rng.uniform(1.2, 8)
            bought = today - timedelta(days=int(years * 365))
            warranty = None
            if not spec.vintage:
                warranty = bought + timedelta(days=365 * rng.choice((1, 2, 2, 3, 5)))
            items.append(
                Equipment(
                    category=spec.category,
                    make=spec.make,
                    model=spec.model,
                    serial=serial,
                    room=room if rng.random() < 0.9 else None,  # a few live in the store room
                    purchase_date=bought,
                    purchase_price=_money(spec.price * rng.uniform(0.85, 1.1), locale, step=1),
                    warranty_end=warranty,
                    notes="Bought used; serviced on arrival." if spec.vintage else "",
                )
            )
    items = Equipment.objects.bulk_create(items)

    # A couple of items at the tech, one retired: out of service before anything is booked.
    picked = rng.sample([item for item in items if item.category in PORTABLE], 3)
    repair, retired = picked[:2], picked[2:]
    for item in repair:
        equipment_status_set(equipment=item, status=Equipment.Status.IN_REPAIR, by=by)
        item.status = Equipment.Status.IN_REPAIR
        item.notes = f"At {rng.choice(OUTSIDE_TECHS)}: {rng.choice(FAULTS)}."
    for item in retired:
        equipment_status_set(equipment=item, status=Equipment.Status.RETIRED, by=by)
        item.status = Equipment.Status.RETIRED
        item.notes = "Retired: replaced by a newer unit, kept for spares."
    Equipment.objects.bulk_update([*repair, *retired], ["notes"])

    # Maintenance history; several in-service items fall due within the next 30 days.
    in_service = [item for item in items if item.in_service]
    due_soon = set(rng.sample(range(len(in_service)), min(len(in_service), rng.randint(5, 8))))
    soon_ids = {in_service[i].pk for i in due_soon}
    in_house = [f"In-house ({engineer.name.split()[0]})" for engineer in engineers]
    for item in items:
        interval = SERVICE_DAYS[item.category]
        if item.pk in soon_ids:
            next_due = today + timedelta(days=rng.randint(-12, 28))
        else:
            next_due = today + timedelta(days=rng.randint(35, 330))
        last_done = min(next_due - timedelta(days=interval), today - timedelta(days=3))
        dates = [last_done]
        for _ in range(rng.randint(0, 3)):
            earlier = dates[-1] - timedelta(days=interval + rng.randint(-10, 10))
            if earlier < item.purchase_date + timedelta(days=14):
                break
            dates.append(earlier)
        for done in reversed(dates):
            outside = rng.random() < 0.4
            maintenance_record(
                equipment=item,
                date=done,
                description=rng.choice(SERVICE_WORK[item.category]),
                cost=_money(rng.randint(40, 320), locale, step=1) if outside else None,
                done_by=rng.choice(OUTSIDE_TECHS) if outside else rng.choice(in_house),
                next_due=next_due if done == last_done else None,
                by=by,
            )
    return items


# --- sessions -----------------------------------------------------------------------------------


class _Calendar:
    """Generates a day's bookings and walks them through their life cycle."""

    def __init__(
        self,
        rng: random.Random,
        *,
        tz: ZoneInfo,
        now: datetime,
        rooms: list[Room],
        engineers: list[Engineer],
        equipment: list[Equipment],
        clients: list[Client],
        by,
        progress: Progress | None,
    ):
        self.rng, self.tz, self.now, self.by, self.progress = rng, tz, now, by, progress
        self.rooms, self.engineers = rooms, engineers
        self.gear = [item for item in equipment if item.in_service and item.category in PORTABLE]
        self.clients = clients
        # Regulars book much more often than one-off visitors.
        weights = [
            (8 if i % 9 == 0 else 1) * (3 if c.kind == Client.Kind.LABEL else 1)
            for i, c in enumerate(clients)
        ]
        self.client_weights = list(accumulate(weights))
        self.companies = [c for c in clients if c.kind == Client.Kind.COMPANY] or clients
        self.booked = self.skipped = self.past = 0

    def day_plan(self, day: date) -> list[tuple[Room, int, int]]:
        """Non-overlapping (room, start, end) slots, changeover included, in local minutes."""
        r = self.rng
        wanted = r.randint(3, 6) if day.weekday() < 5 else r.randint(1, 3)
        cursor = {room.pk: OPENS + r.choice((0, 0, 60, 60, 120, 180)) for room in self.rooms}
        free = list(self.rooms)
        plan = []
        while len(plan) < wanted and free:
            room = r.choice(free)
            start = cursor[room.pk] + r.choice((0, 0, 0, 30, 60, 120))
            length = min(r.choices(LENGTHS, weights=LENGTH_WEIGHTS)[0], CLOSES - start)
            if length < max(120, _ceil_half_hour(room.min_minutes)):
                free.remove(room)
                continue
            plan.append((room, start, start + length))
            cursor[room.pk] = start + length + _ceil_half_hour(room.buffer_minutes)
        return sorted(plan, key=lambda slot: (slot[1], slot[0].pk))

    def pick_free(self, pool: list, busy: dict, start: datetime, end: datetime, count: int):
        free = [x for x in pool if all(e <= start or s >= end for s, e in busy.get(x.pk, ()))]
        picked = self.rng.sample(free, min(count, len(free)))
        for x in picked:
            busy.setdefault(x.pk, []).append((start, end))
        return picked

    def client_for(self, room: Room) -> Client:
        if ROOM_KIND[room.name] == "booth" and self.rng.random() < 0.4:
            return self.rng.choice(self.companies)
        return self.rng.choices(self.clients, cum_weights=self.client_weights)[0]

    def fill(self, first: date, last: date) -> None:
        day = first
        while day <= last:
            if day.weekday() != 6:  # closed on Sundays
                self.book_day(day)
            day += timedelta(days=1)

    def book_day(self, day: date) -> None:
        r = self.rng
        crew_busy: dict[int, list] = {}
        gear_busy: dict[int, list] = {}
        for room, start_min, end_min in self.day_plan(day):
            start, end = _at(day, start_min, self.tz), _at(day, end_min, self.tz)
            crew_size = r.choices((0, 1, 2), weights=CREW_WEIGHTS[ROOM_KIND[room.name]])[0]
            crew = self.pick_free(self.engineers, crew_busy, start, end, crew_size)
            gear = []
            if r.random() < 0.12:
                gear = self.pick_free(self.gear, gear_busy, start, end, r.choice((1, 1, 2)))
            future = start > self.now
            status = Session.Status.CONFIRMED
            if future and start - self.now > timedelta(days=1) and r.random() < 0.08:
                status = Session.Status.REQUESTED
            try:
                session = session_create(
                    client=self.client_for(room),
                    room=room,
                    start=start,
                    end=end,
                    engineers=crew,
                    equipment=gear,
                    status=status,
                    notes=r.choice(SESSION_NOTES[ROOM_KIND[room.name]]) if r.random() < 0.6 else "",
                    recall_notes=r.choice(RECALL_NOTES) if r.random() < 0.25 else "",
                    by=self.by,
                )
            except StudioError:
                self.skipped += 1
                continue
            self.live_through(session)
            self.booked += 1
            if self.progress and self.booked % 500 == 0:
                self.progress(f"{self.booked} sessions booked (up to {day:%d %b %Y})")

    def live_through(self, session: Session) -> Session:
        """Move a session to where it would be at `now`."""
        r, start, end, now = self.rng, session.start, session.end, self.now
        if start > now:
            if r.random() < 0.03:  # cancelled ahead of time
                return session_cancel(
                    session=session, at=now - timedelta(hours=r.randint(1, 72)), by=self.by
                )
            return session
        if end > now:  # in progress
            return session_check_in(session=session, at=start, by=self.by)
        self.past += 1
        if self.past % 25 == 12:  # about 4 % cancelled, from a few hours to two weeks before
            at = start - timedelta(hours=r.choice((3, 20, 30, 60, 100, 200, 330)))
            return session_cancel(session=session, at=at, by=self.by)
        if self.past % 33 == 20:  # about 3 % no-shows
            at = start + timedelta(minutes=r.choice((30, 45, 60)))
            return session_mark_no_show(session=session, at=at, by=self.by)
        arrived = start + timedelta(minutes=r.choice((-15, -10, -5, 0, 0, 0, 5, 10)))
        checked_in = session_check_in(session=session, at=arrived, by=self.by)
        checked_in.room = session.room  # keeps the prefetched peak rates for the overtime price
        leaves = end
        if r.random() < 0.1:  # overtime
            leaves = min(end + timedelta(minutes=r.choice((30, 45, 60, 90))), now)
        return session_check_out(session=checked_in, at=leaves, by=self.by)


# --- entry point --------------------------------------------------------------------------------


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
        owner = User.objects.filter(is_superuser=True).order_by("pk").first()
        _settings_fill(rng, locale, studio_name)
        rooms = _rooms_fill(rng, locale)
        engineers = _staff_fill(rng, locale, domain)
        clients = _clients_fill(rng, locale, now)
        equipment = _equipment_fill(rng, locale, rooms, today, engineers, owner)
        if progress:
            progress(
                f"{len(rooms)} rooms, {len(engineers)} engineers, {len(clients)} clients, "
                f"{len(equipment)} pieces of gear"
            )
        bookings = _Calendar(
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
    return _counts()
