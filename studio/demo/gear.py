"""The demo studio's gear: the core kit every studio has and a pick of extras, a few items at
the repair shop or retired, and years of maintenance history with some services due soon."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from studio.demo.catalogue import (
    CORE_GEAR,
    EXTRA_GEAR,
    FAULTS,
    OUTSIDE_TECHS,
    PORTABLE,
    ROOM_FALLBACK,
    ROOM_KIND,
    SERVICE_DAYS,
    SERVICE_WORK,
    Locale,
)
from studio.models import Engineer, Equipment, Room
from studio.services.equipment import equipment_status_set, maintenance_record


def equipment_fill(
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
                    purchase_price=locale.price(spec.price * rng.uniform(0.85, 1.1), step=1),
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
                cost=locale.price(rng.randint(40, 320), step=1) if outside else None,
                done_by=rng.choice(OUTSIDE_TECHS) if outside else rng.choice(in_house),
                next_due=next_due if done == last_done else None,
                by=by,
            )
    return items
