"""Two visitors sign up for the same sub-domain at the same moment, committed for real on
separate connections: one studio is created, the other visitor is told the name is taken."""

from __future__ import annotations

import threading

from django.core.cache import caches
from django.db import connection

from siteconf.tenancy.models import Studio
from siteconf.tenancy.services.provisioning import ProvisioningError, studio_destroy
from siteconf.tenancy.services.signup import studio_sign_up

PASSWORD = "Analytical-Engine-1843"


def test_two_sign_ups_for_one_sub_domain_one_wins_cleanly(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        caches["platform"].clear()
        try:
            _race()
        finally:
            connection.set_schema_to_public()
            for studio in Studio.objects.filter(slug="race-room"):
                studio_destroy(studio=studio)


def _race():
    outcomes: list = []
    barrier = threading.Barrier(2)

    def attempt(n):
        try:
            barrier.wait()
            result = studio_sign_up(
                studio_name=f"Race {n}",
                slug="race-room",
                owner_name="Racer",
                email=f"racer{n}@race.example",
                password=PASSWORD,
                plan_slug="pro",
                accepted_terms=True,
                address=f"203.0.113.{30 + n}",
            )
            outcomes.append(result.studio.name)
        except ProvisioningError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [o for o in outcomes if o.startswith("Race ")]
    assert len(winners) == 1
    assert any("already taken" in o for o in outcomes)
    assert Studio.objects.filter(slug="race-room").count() == 1
