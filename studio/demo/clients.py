"""The demo studio's clients: a few hundred artists, bands, labels and companies, with plausible
names, addresses, phone numbers and VAT numbers for their countries, all unique."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from studio.demo.catalogue import (
    ADDRESSES,
    BAND_ADJECTIVES,
    BAND_NOUNS,
    CALLING_CODES,
    CLIENT_NOTES,
    COMPANY_SUFFIXES,
    COMPANY_TAGS,
    FIRST_NAMES,
    FOREIGN_COUNTRIES,
    GENRES,
    LABEL_SUFFIXES,
    LAST_NAMES,
    LEGAL_SUFFIX,
    NAME_GROUP,
    ORG_WORDS,
    STAGE_PREFIXES,
    STAGE_WORDS,
    Locale,
)
from studio.demo.text import ascii_lower, slug
from studio.models import Client


class _ClientBuilder:
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
        local = (
            re.sub(r"[^a-z0-9.]+", "", ascii_lower(local).replace(" ", ".")).strip(".") or "hello"
        )
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
            mailbox = slug(name.removeprefix("The "), ".")
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
            email = self.email(mailbox, f"{slug(base)}.{domain}")
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
        return ascii_lower(first)

    def band_name(self) -> str:
        r = self.rng
        name = f"{r.choice(BAND_ADJECTIVES)} {r.choice(BAND_NOUNS)}"
        if r.random() < 0.3:
            return f"The {name}"
        if r.random() < 0.1:
            return f"{r.choice(STAGE_WORDS)} & the {r.choice(BAND_NOUNS)}"
        return name


def clients_fill(rng: random.Random, locale: Locale, now: datetime) -> list[Client]:
    builder = _ClientBuilder(rng, locale)
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
