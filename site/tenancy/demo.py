"""The demo studios and logins. Plain data: the dev launcher prints it before Django starts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoStudio:
    name: str
    slug: str
    owner_name: str
    owner_email: str
    owner_password: str
    plan: str = "pro"


DEMO_STUDIOS = (
    DemoStudio(
        "Studio Pro",
        "studiopro",
        "Maya Lindqvist",
        "owner@studiopro.example",
        "studiopro-demo-2026",
    ),
    DemoStudio(
        "Beat Lab",
        "beatlab",
        "Kwame Mensah",
        "owner@beatlab.example",
        "beatlab-demo-2026",
        plan="enterprise",
    ),
    DemoStudio(
        "Home Studio",
        "homestudio",
        "Lucía Ortega",
        "owner@homestudio.example",
        "homestudio-demo-2026",
    ),
)

PLATFORM_OPERATOR = ("operator@platform.example", "operator-demo-2026")

# One client of each demo studio has a portal account (studio/demo/portal.py).
DEMO_CLIENT_PASSWORD = "demo-client-2026"


def demo_client_login(slug: str) -> str:
    """client.studiopro@example.com for Studio Pro (its staff are @studiopro.example)."""
    return f"client.{slug}@example.com"
