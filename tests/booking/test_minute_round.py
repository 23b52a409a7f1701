"""Every minute, in every studio: expired holds are released and tomorrow's reminders sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from siteconf.tenancy.models import Studio
from studio.models import Session
from studio.services import online_bookings
from studio.tasks import studio_minute_fanout, studio_minute_task

pytestmark = pytest.mark.django_db


def test_the_minute_round_is_scheduled_on_the_platform(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="Studios: every minute")
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (
        "studio.tasks.studio_minute_fanout",
        "I",
        1,
    )
    assert schedule.repeats < 0


def test_the_fanout_queues_the_round_in_every_studio(in_studio_a, monkeypatch):
    queued = []
    monkeypatch.setattr(
        "django_q.tasks.async_task", lambda path, schema, **kw: queued.append((path, schema))
    )
    schemas = set(Studio.objects.studios().values_list("schema_name", flat=True))
    assert studio_minute_fanout() == len(schemas) >= 2
    assert queued and {path for path, _ in queued} == {"studio.tasks.studio_minute_task"}
    assert {schema for _, schema in queued} == schemas


def test_the_round_releases_an_expired_hold(rooms, artist, next_week):
    session = online_bookings.booking_hold(
        client=artist, start=next_week, end=next_week + timedelta(hours=2)
    )
    Session.objects.filter(pk=session.pk).update(hold_expires_at=timezone.now())
    report = studio_minute_task(connection.schema_name)
    assert report["holds_released"] == 1
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED


def test_a_client_who_turned_reminders_off_gets_none(rooms, artist, next_week):
    from studio.models import Client, OutgoingEmail
    from studio.services.booking_mail import session_reminders_send

    Client.objects.filter(pk=artist.pk).update(terms="account", notify_reminders=False)
    artist.refresh_from_db()
    online_bookings.booking_hold(client=artist, start=next_week, end=next_week + timedelta(hours=2))
    assert session_reminders_send(now=next_week - timedelta(hours=20)) == 0
    assert not OutgoingEmail.objects.filter(kind="session_reminder").exists()
