"""The demo studio itself: its settings and opening hours, its rooms and its staff."""

from __future__ import annotations

import random
from datetime import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from studio.demo.catalogue import (
    ACCOUNTANT_PASSWORD,
    ENGINEER_PASSWORD,
    ENGINEERS,
    ROOMS,
    Locale,
)
from studio.demo.text import slug
from studio.models import Engineer, Room, RoomPeakRate, StudioSettings
from studio.selectors.settings import studio_settings_get


def settings_fill(rng: random.Random, locale: Locale, studio_name: str) -> None:
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


def rooms_fill(rng: random.Random, locale: Locale) -> list[Room]:
    count = rng.choice((3, 4))
    specs = [ROOMS[0], *sorted(rng.sample(ROOMS[1:], count - 1), key=ROOMS.index)]
    rooms = []
    for spec in specs:
        room = Room.objects.create(
            name=spec.name,
            description=spec.description,
            capacity=spec.capacity,
            hourly_rate=locale.price(spec.rate * rng.uniform(0.9, 1.15)),
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


def staff_fill(rng: random.Random, locale: Locale, domain: str) -> list[Engineer]:
    """Four or five engineers (the first two can sign in) and an accountant."""
    User = get_user_model()
    specs = rng.sample(ENGINEERS, rng.choice((4, 5)))
    engineers = []
    for index, (name, specialties, colour) in enumerate(specs):
        user = None
        first, _, last = name.partition(" ")
        if index < 2:
            email = f"{slug(first, '.')}@{domain}"
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
                hourly_rate=locale.price(rng.randint(35, 70)),
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
