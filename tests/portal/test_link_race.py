"""Two clicks racing for one single-use link, on separate connections, committed for real: the
conditional UPDATE lets exactly one through. Like the booking race, it uses a studio of its
own, provisioned and dropped around the module (the threads cannot see a rolled-back test)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django_tenants.utils import schema_context

from portal.models import PortalAccount, PortalLink
from portal.services import accounts
from siteconf.tenancy.services.provisioning import studio_destroy, studio_provision
from studio.models import Client
from studio.services.errors import StudioError

CLICKS = 6


@pytest.fixture(scope="module")
def race_studio(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        studio = studio_provision(
            name="Link Race",
            slug="link-race",
            owner_email="owner@link-race.example",
            owner_password="race-owner-Passw0rd",
            notify_owner=False,
        )
        with schema_context(studio.schema_name):
            client = Client.objects.create(name="Racing Pair", email="race@bands.example")
            user = User.objects.create_user(username="portal:race@bands.example")
            PortalAccount.objects.create(user=user, client=client, email="race@bands.example")
        yield studio
        connection.set_schema_to_public()
        studio_destroy(studio=studio)


def test_clicks_racing_for_one_link_let_exactly_one_through(race_studio, django_db_blocker):
    with django_db_blocker.unblock(), schema_context(race_studio.schema_name):
        account = PortalAccount.objects.get()
        secret, _ = accounts.link_issue(account=account, kind=accounts.SIGN_IN)
    results: list[str] = []
    barrier = threading.Barrier(CLICKS)

    def click():
        try:
            connection.set_tenant(race_studio)
            barrier.wait()
            accounts.link_use(secret=secret, purpose="sign_in")
            results.append("in")
        except StudioError as exc:
            results.append(exc.message)
        finally:
            connection.close()

    with django_db_blocker.unblock():
        threads = [threading.Thread(target=click) for _ in range(CLICKS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        with schema_context(race_studio.schema_name):
            assert PortalLink.objects.get().used_at is not None
    assert sorted(results) == sorted(["in"] + [accounts.LINK_USED] * (CLICKS - 1))
