"""What the demo studios are made of: locales, rooms, names, gear, notes.

The data lives as JSON in fixtures/demo/ (its README says what each file holds); this module reads
it once into the structures the fillers use. Nothing here touches the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from studio.models import Equipment

ENGINEER_PASSWORD = "demo-engineer-2026"
ACCOUNTANT_PASSWORD = "demo-accountant-2026"

Progress = Callable[[str], None]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "demo"


def _load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Locale:
    country: str
    timezone: str
    currency: str
    money_factor: float  # rates and prices relative to the euro figures of the catalogue
    tax_rate: Decimal
    legal_suffix: str
    address: str

    def price(self, euros: float, step: int = 5) -> Decimal:
        """A euro figure in this studio's currency, rounded to a multiple of `step`."""
        return Decimal(max(step, round(euros * self.money_factor / step) * step))


@dataclass(frozen=True)
class RoomSpec:
    kind: str
    name: str
    description: str
    capacity: int
    rate: int  # euros per hour
    min_minutes: int
    buffer_minutes: int
    colour: str


@dataclass(frozen=True)
class GearSpec:
    category: str
    make: str
    model: str
    price: int  # euros
    room_kind: str
    units: int = 1
    vintage: bool = False


# --- the studio: where it is, its rooms and staff ---------------------------------------------

_studio = _load("studio")
LOCALES = tuple(
    Locale(**{**spec, "tax_rate": Decimal(spec["tax_rate"])}) for spec in _studio["locales"]
)
ROOMS = tuple(RoomSpec(**spec) for spec in _studio["rooms"])
ROOM_KIND = {spec.name: spec.kind for spec in ROOMS}
# (name, specialties, colour)
ENGINEERS = tuple((e["name"], e["specialties"], e["colour"]) for e in _studio["engineers"])

# --- sessions ---------------------------------------------------------------------------------

_sessions = _load("sessions")
# Engineers on a session, by room kind: weights for 0, 1 and 2 engineers.
CREW_WEIGHTS = {kind: tuple(weights) for kind, weights in _sessions["crew_weights"].items()}
# Session lengths in minutes (2 to 8 hours on half-hours) and how often each is booked.
LENGTHS = tuple(_sessions["lengths"])
LENGTH_WEIGHTS = tuple(_sessions["length_weights"])
SESSION_NOTES = {kind: tuple(notes) for kind, notes in _sessions["notes"].items()}
RECALL_NOTES = tuple(_sessions["recall_notes"])
OPENS, CLOSES = 9 * 60, 23 * 60  # local minutes after midnight: the hours the studio is given

# --- clients ----------------------------------------------------------------------------------

_clients = _load("clients")
FOREIGN_COUNTRIES = tuple(_clients["foreign_countries"])
NAME_GROUP = _clients["name_group"]  # country -> the group of FIRST_NAMES and LAST_NAMES
FIRST_NAMES = {group: tuple(names) for group, names in _clients["first_names"].items()}
LAST_NAMES = {group: tuple(names) for group, names in _clients["last_names"].items()}
STAGE_PREFIXES = tuple(_clients["stage_prefixes"])
STAGE_WORDS = tuple(_clients["stage_words"])
BAND_ADJECTIVES = tuple(_clients["band_adjectives"])
BAND_NOUNS = tuple(_clients["band_nouns"])
ORG_WORDS = tuple(_clients["org_words"])
LABEL_SUFFIXES = tuple(_clients["label_suffixes"])
COMPANY_SUFFIXES = tuple(_clients["company_suffixes"])
COMPANY_TAGS = {suffix: tuple(tags) for suffix, tags in _clients["company_tags"].items()}
LEGAL_SUFFIX = _clients["legal_suffix"]
GENRES = tuple(_clients["genres"])
CLIENT_NOTES = tuple(_clients["notes"])
CALLING_CODES = _clients["calling_codes"]
# (street, postcode and town) for the addresses of clients in the demo studios' countries.
ADDRESSES = {
    country: tuple(tuple(address) for address in addresses)
    for country, addresses in _clients["addresses"].items()
}

# --- gear -------------------------------------------------------------------------------------

_gear = _load("gear")
C = Equipment.Category


def _gear_spec(spec: dict[str, Any]) -> GearSpec:
    return GearSpec(**{**spec, "category": C(spec["category"])})


CORE_GEAR = tuple(_gear_spec(spec) for spec in _gear["core"])
EXTRA_GEAR = tuple(_gear_spec(spec) for spec in _gear["extra"])
# Where gear lives when the studio has no room of its kind.
ROOM_FALLBACK = _gear["room_fallback"]
# Gear that moves from room to room and can be reserved for a session.
PORTABLE = {C(category) for category in _gear["portable"]}
SERVICE_DAYS = {C(category): days for category, days in _gear["service_days"].items()}
SERVICE_WORK = {C(category): tuple(work) for category, work in _gear["service_work"].items()}
OUTSIDE_TECHS = tuple(_gear["outside_techs"])
FAULTS = tuple(_gear["faults"])
