"""A client's page is the studio's memory of them: every session (paged), invoices, payments,
balance, quotes and contracts, at a cost that does not grow with their history."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from studio.models import Session
from studio.services.invoices import invoice_create, invoice_issue
from studio.services.payments import payment_record
from tests.conftest import STUDIO_A, STUDIO_B
from tests.studio.conftest import staff_user
from tests.studio.factories import ClientFactory, RoomFactory

pytestmark = pytest.mark.django_db


def sessions_for(client, count: int, *, first_day: int) -> None:
    """`count` sessions of two hours, one a day from `first_day` days from today."""
    room = RoomFactory()
    base = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    rows = []
    for i in range(count):
        start = base + timedelta(days=first_day + i)
        rows.append(
            Session(
                client=client,
                room=room,
                start=start,
                end=start + timedelta(hours=2),
                blocked_until=start + timedelta(hours=2),
                status=Session.Status.COMPLETED if first_day + i < 0 else Session.Status.CONFIRMED,
                price=Decimal("100.00"),
                currency="EUR",
            )
        )
    Session.objects.bulk_create(rows)


def invoiced(client, amount: str, *, paid: str | None = None, due_days: int = 30):
    invoice = invoice_create(
        client=client,
        lines=[
            {
                "description": "Mixing",
                "quantity": Decimal(1),
                "unit_price": Decimal(amount),
                "discount_percent": Decimal(0),
                "tax_rate": Decimal(0),
            }
        ],
    )
    invoice = invoice_issue(invoice=invoice, today=timezone.localdate() - timedelta(days=40))
    invoice.due_date = timezone.localdate() + timedelta(days=due_days)
    invoice.save(update_fields=["due_date"])
    if paid:
        payment_record(amount=Decimal(paid), method="bank_transfer", invoice=invoice)
    return invoice


@pytest.fixture
def owner_http(studio_a):
    http = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        http.force_login(User.objects.get(email=STUDIO_A.owner_email))
    return http


def client_page(http, client, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return http.get(f"/admin/studio/client/{client.pk}/change/?{query}")


def test_a_client_with_26_sessions_lists_them_all_in_pages(studio_a, owner_http):
    with schema_context(studio_a.schema_name):
        band = ClientFactory(name="The Long Players")
        sessions_for(band, 26, first_day=-20)
        other = ClientFactory(name="Someone Else")
        sessions_for(other, 3, first_day=-2)

    first = client_page(owner_http, band)
    assert first.status_code == 200
    assert first.context["memory"]["totals"].sessions == 26
    assert "20 completed" in first.content.decode()
    sessions_tab = next(d for d in first.context["datasets"] if d.model is Session)
    listed = list(sessions_tab.cl.result_list)
    assert len(listed) == 10
    assert {s.client_id for s in listed} == {band.pk}
    # Newest first: the six upcoming ones lead.
    assert listed[0].start > listed[-1].start

    third = client_page(owner_http, band, **{"session-p": 3})
    rows = list(next(d for d in third.context["datasets"] if d.model is Session).cl.result_list)
    assert len(rows) == 6
    assert {s.client_id for s in rows} == {band.pk}


def test_balance_payments_and_lifetime_value_are_on_the_page(studio_a, owner_http):
    with schema_context(studio_a.schema_name):
        band = ClientFactory(name="Paying Band")
        invoiced(band, "500.00", paid="500.00")
        invoiced(band, "300.00", paid="100.00", due_days=-5)  # 200 overdue
        invoiced(band, "120.00")  # open, not yet due

    response = client_page(owner_http, band)
    ledger = response.context["memory"]["ledger"]
    assert ledger.invoiced == Decimal("920.00")
    assert ledger.paid == Decimal("600.00")
    assert ledger.balance == Decimal("320.00")
    assert ledger.overdue == Decimal("200.00")
    assert (ledger.open_invoices, ledger.overdue_invoices) == (2, 1)
    page = response.content.decode()
    assert "Balance due" in page and "Lifetime value" in page
    tabs = {d.model._meta.model_name for d in response.context["datasets"]}
    assert tabs == {"session", "invoice", "payment", "quote", "contract"}
    payments = next(
        d for d in response.context["datasets"] if d.model._meta.model_name == "payment"
    )
    assert len(list(payments.cl.result_list)) == 2


def test_the_page_costs_the_same_queries_for_30_or_300_sessions(studio_a, owner_http):
    with schema_context(studio_a.schema_name):
        small, large = ClientFactory(name="Small"), ClientFactory(name="Large")
        sessions_for(small, 30, first_day=-25)
        sessions_for(large, 300, first_day=-250)
        for client in (small, large):
            invoiced(client, "100.00", paid="40.00")

    def queries(client) -> int:
        client_page(owner_http, client)  # warm per-studio caches
        with CaptureQueriesContext(connection) as captured:
            assert client_page(owner_http, client).status_code == 200
        return len(captured)

    assert queries(small) == queries(large)


def test_an_engineer_sees_sessions_but_no_money(studio_a):
    with schema_context(studio_a.schema_name):
        band = ClientFactory(name="Quiet Band")
        sessions_for(band, 2, first_day=1)
        invoiced(band, "250.00")
        engineer = staff_user("eng@studio-a.example", "Engineer")
    http = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        http.force_login(engineer)

    response = client_page(http, band)
    assert response.status_code == 200
    assert "ledger" not in response.context["memory"]
    assert [d.model for d in response.context["datasets"]] == [Session]
    page = response.content.decode()
    assert "Balance due" not in page and "250" not in page


def test_a_client_of_another_studio_is_not_found(studio_a, studio_b, owner_http):
    with schema_context(studio_b.schema_name):
        theirs = ClientFactory(name="Studio B's Client")
        sessions_for(theirs, 2, first_day=1)
    with schema_context(studio_a.schema_name):
        mine = ClientFactory(name="Studio A's Client")

    response = client_page(owner_http, theirs)
    if theirs.pk == mine.pk:
        # Same number in both schemas: the page is studio A's own client, never B's.
        assert "Studio B&#x27;s Client" not in response.content.decode()
        assert response.context["memory"]["totals"].sessions == 0
    else:
        assert response.status_code in (302, 404)
    b_owner = HttpClient(HTTP_HOST=STUDIO_B.host)
    with schema_context(studio_b.schema_name):
        b_owner.force_login(User.objects.get(email=STUDIO_B.owner_email))
    assert client_page(b_owner, theirs).context["memory"]["totals"].sessions == 2
