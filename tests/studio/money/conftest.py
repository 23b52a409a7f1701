from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from studio.models import Session, StudioSettings
from studio.services.invoices import invoice_create, invoice_issue
from studio.services.session_lifecycle import session_check_in, session_check_out
from studio.services.sessions import session_create
from tests.studio.conftest import paris
from tests.studio.factories import ClientFactory, EngineerFactory, EquipmentFactory, RoomFactory

ISSUED_ON = date(2026, 3, 2)


def lines(*rows):
    """lines((qty, price, discount, tax), ...) as service input."""
    return [
        {
            "description": f"Line {n}",
            "quantity": Decimal(str(q)),
            "unit_price": Decimal(str(p)),
            "discount_percent": Decimal(str(d)),
            "tax_rate": Decimal(str(t)),
        }
        for n, (q, p, d, t) in enumerate(rows, start=1)
    ]


@pytest.fixture
def band(in_studio_a):
    return ClientFactory(
        name="Les Ondes Řízek", email="band@ondes.example", address="1 rue X\nParis"
    )


@pytest.fixture
def issued(band):
    """An issued 1,200.00 EUR invoice (1,000 + 20 % VAT), due 30 days after 2 March 2026."""
    invoice = invoice_create(client=band, lines=lines((10, 100, 0, 20)))
    return invoice_issue(invoice=invoice, today=ISSUED_ON)


@pytest.fixture
def completed_session(band):
    """A 4-hour session, completed with 30 minutes' overtime, with an engineer and hired gear."""
    room = RoomFactory(name="Live Room", hourly_rate=Decimal("60.00"))
    engineer = EngineerFactory(name="Mo Mixer", hourly_rate=Decimal("40.00"))
    mic = EquipmentFactory(make="Telefunken", model="ELA M 251", hire_price=Decimal("75.00"))
    session = session_create(
        client=band,
        room=room,
        start=paris(2026, 3, 10, 10),
        end=paris(2026, 3, 10, 14),
        engineers=[engineer],
        equipment=[mic],
    )
    session_check_in(session=session, at=paris(2026, 3, 10, 10))
    session = session_check_out(session=session, at=paris(2026, 3, 10, 14, 30))
    session.refresh_from_db()
    assert session.status == Session.Status.COMPLETED
    return session


@pytest.fixture
def settings_row(in_studio_a):
    return StudioSettings.objects.get()
