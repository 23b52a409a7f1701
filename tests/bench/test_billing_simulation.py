"""The billing simulation the benchmark runs, small: its studios end where their events say,
and it notices when the platform does not follow the rules (a grace period a day too long)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from siteconf.bench import billing as simulation
from siteconf.tenancy.models import Studio
from siteconf.tenancy.services import billing

pytestmark = pytest.mark.django_db


def test_every_studio_ends_in_the_state_its_events_imply():
    studios_before = Studio.objects.count()

    figures = simulation.bench_billing_lifecycle(progress=lambda line: None, studios=60, days=200)

    assert figures["billing_state_mismatches"] == 0
    assert figures["billing_lifecycle_days_simulated"] == 200
    assert figures["billing_lifecycle_events"] > 300
    # Replays and late deliveries really happened, and were refused.
    assert figures["billing_replays_ignored"] > 0
    assert figures["billing_stale_events_refused"] > 0
    assert Studio.objects.count() == studios_before


def test_a_broken_rule_is_caught(monkeypatch):
    real = billing.grace_ends_at

    def one_day_late(studio):
        ends = real(studio)
        return ends + timedelta(days=1) if ends else None

    monkeypatch.setattr(billing, "grace_ends_at", one_day_late)

    figures = simulation.bench_billing_lifecycle(progress=lambda line: None, studios=60, days=200)

    assert figures["billing_state_mismatches"] > 0
