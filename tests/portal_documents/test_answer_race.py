"""Clicks racing to accept one quote (two tabs, a double click), on separate connections,
committed for real: the row lock lets one through; the others find it accepted and change
nothing, so the quote becomes exactly one invoice. A studio of its own, provisioned and
dropped around the module (the threads cannot see a rolled-back test)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from siteconf.tenancy.services.provisioning import studio_destroy, studio_provision
from studio.models import Client, Invoice, Quote, StudioSettings
from studio.services import portal_documents as rules
from tests.portal_documents.conftest import sent_quote

CLICKS = 5


@pytest.fixture(scope="module")
def race_studio(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        studio = studio_provision(
            name="Quote Race",
            slug="quote-race",
            owner_email="owner@quote-race.example",
            owner_password="race-owner-Passw0rd",
            notify_owner=False,
        )
        yield studio
        connection.set_schema_to_public()
        studio_destroy(studio=studio)


def test_clicks_racing_to_accept_a_quote_make_one_invoice(race_studio, django_db_blocker):
    with django_db_blocker.unblock(), schema_context(race_studio.schema_name):
        StudioSettings.objects.update(quote_acceptance="convert")
        client = Client.objects.create(name="Racing Pair", email="race@bands.example")
        quote = sent_quote(client)
    results: list[str] = []
    barrier = threading.Barrier(CLICKS)

    def click():
        try:
            connection.set_tenant(race_studio)
            barrier.wait()
            answer = rules.portal_quote_accept(
                client=client,
                quote_id=quote.pk,
                name="Racing Pair",
                consent=True,
                ip="203.0.113.1",
                user_agent="",
            )
            results.append("already" if answer.already else "accepted")
        finally:
            connection.close()

    with django_db_blocker.unblock():
        threads = [threading.Thread(target=click) for _ in range(CLICKS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        with schema_context(race_studio.schema_name):
            assert Quote.objects.get(pk=quote.pk).status == Quote.Status.CONVERTED
            assert Invoice.objects.filter(quote=quote).count() == 1
    assert sorted(results) == ["accepted"] + ["already"] * (CLICKS - 1)
