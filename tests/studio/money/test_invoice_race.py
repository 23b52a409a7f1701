"""Invoices issued at the same moment on separate connections, committed for real: the numbers
are 1..N with no gap and no duplicate, and a rolled-back issue among them leaves no hole."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from siteconf.tenancy.services.provisioning import studio_destroy, studio_provision
from studio.models import Client, Invoice
from studio.services.errors import StudioError
from studio.services.invoices import invoice_create, invoice_issue

ISSUERS = 12


@pytest.fixture(scope="module")
def race_studio(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        studio = studio_provision(
            name="Invoice Race",
            slug="invoice-race",
            owner_email="owner@invoice-race.example",
            owner_password="race-owner-Passw0rd",
            notify_owner=False,
        )
        yield studio
        connection.set_schema_to_public()
        studio_destroy(studio=studio)


def issue_all(studio, invoice_ids):
    barrier = threading.Barrier(len(invoice_ids))
    outcomes: dict[int, object] = {}

    def runner(pk):
        try:
            connection.set_tenant(studio)
            barrier.wait()
            outcomes[pk] = invoice_issue(invoice=Invoice.objects.get(pk=pk)).number
        except StudioError as exc:
            outcomes[pk] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(pk,)) for pk in invoice_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_concurrent_issues_get_consecutive_numbers(race_studio, django_db_blocker):
    with django_db_blocker.unblock(), schema_context(race_studio.schema_name):
        band = Client.objects.create(name="Racers", email="racers@example.com")
        line = [{"description": "Day rate", "unit_price": "500", "tax_rate": "20"}]
        ids = [invoice_create(client=band, lines=line).pk for _ in range(ISSUERS)]
        # One of them cannot be issued (no lines): it fails inside the race, after others
        # have queued on the counter, and must not take a number with it.
        ids.append(invoice_create(client=band).pk)

        outcomes = issue_all(race_studio, ids)

        refused = [pk for pk, outcome in outcomes.items() if isinstance(outcome, StudioError)]
        assert refused == [ids[-1]]
        sequences = sorted(
            Invoice.objects.exclude(sequence=None).values_list("sequence", flat=True)
        )
        assert sequences == list(range(1, ISSUERS + 1))
        numbers = set(Invoice.objects.exclude(number=None).values_list("number", flat=True))
        assert numbers == {o for o in outcomes.values() if isinstance(o, str)}
        assert len(numbers) == ISSUERS
