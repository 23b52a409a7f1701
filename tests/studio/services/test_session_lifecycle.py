from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from studio.models import Client, Session, SessionEngineer
from studio.services.errors import StudioError
from studio.services.session_lifecycle import (
    session_cancel,
    session_check_in,
    session_check_out,
    session_confirm,
    session_mark_no_show,
)
from studio.services.sessions import session_create, session_move
from tests.studio.conftest import paris
from tests.studio.factories import ClientFactory, EngineerFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(in_studio_a):
    return session_create(
        client=ClientFactory(name="Velvet Static"),
        room=RoomFactory(name="Live Room", hourly_rate=Decimal("60.00")),
        start=paris(2026, 12, 10, 14),
        end=paris(2026, 12, 10, 18),
        engineers=[EngineerFactory()],
        status=Session.Status.REQUESTED,
    )


def test_a_requested_session_is_confirmed_then_checked_in_and_out(session):
    session_confirm(session=session)
    session_check_in(session=session, at=paris(2026, 12, 10, 13, 55))
    done = session_check_out(session=session, at=paris(2026, 12, 10, 18))

    assert done.status == Session.Status.COMPLETED
    assert done.overtime_minutes == 0
    assert done.price == Decimal("240.00")


def test_overtime_is_added_to_the_bill(session):
    session_check_in(session=session, at=paris(2026, 12, 10, 14))

    done = session_check_out(session=session, at=paris(2026, 12, 10, 18, 45))

    assert done.overtime_minutes == 45
    assert done.price == Decimal("285.00")


@pytest.mark.parametrize(
    ("cancelled_at", "refund"),
    [
        (paris(2026, 12, 1, 9), Decimal("100")),  # 9 days before
        (paris(2026, 12, 7, 14), Decimal("50")),  # 3 days before
        (paris(2026, 12, 9, 20), Decimal("0")),  # 18 hours before
    ],
)
def test_cancelling_follows_the_refund_tiers(session, cancelled_at, refund):
    cancelled = session_cancel(session=session, at=cancelled_at)

    assert cancelled.status == Session.Status.CANCELLED
    assert cancelled.refund_percent == refund


def test_cancelling_frees_the_room_and_the_engineer(session):
    engineer = session.engineers.get()
    session_cancel(session=session, at=paris(2026, 12, 1, 9))

    assert not SessionEngineer.objects.get(session=session).active
    again = session_create(
        client=session.client,
        room=session.room,
        start=session.start,
        end=session.end,
        engineers=[engineer],
    )
    assert again.pk != session.pk


def test_a_no_show_counts_against_the_client(session):
    session_mark_no_show(session=session, at=paris(2026, 12, 10, 15))

    assert Client.objects.get(pk=session.client_id).no_show_count == 1


def test_a_no_show_cannot_be_marked_before_the_session_starts(session):
    with pytest.raises(StudioError, match="has not started yet"):
        session_mark_no_show(session=session, at=paris(2026, 12, 10, 13))

    assert Client.objects.get(pk=session.client_id).no_show_count == 0


def test_a_completed_session_cannot_be_cancelled(session):
    session_check_in(session=session, at=paris(2026, 12, 10, 14))
    session_check_out(session=session, at=paris(2026, 12, 10, 18))

    with pytest.raises(StudioError, match="is completed; it cannot be cancelled"):
        session_cancel(session=session)

    assert Session.objects.get(pk=session.pk).status == Session.Status.COMPLETED


def test_moving_a_session_reprices_it_and_moves_its_engineer(session):
    moved = session_move(
        session=session, start=paris(2026, 12, 11, 10), end=paris(2026, 12, 11, 12)
    )

    assert moved.price == Decimal("120.00")
    crew = SessionEngineer.objects.get(session=session)
    assert (crew.start, crew.end) == (paris(2026, 12, 11, 10), paris(2026, 12, 11, 12))


def test_moving_onto_another_session_is_refused_and_changes_nothing(session):
    other = session_create(
        client=session.client,
        room=session.room,
        start=paris(2026, 12, 11, 10),
        end=paris(2026, 12, 11, 12),
    )

    with pytest.raises(StudioError, match=f"by Session #{other.pk}"):
        session_move(session=session, start=paris(2026, 12, 11, 11), end=paris(2026, 12, 11, 13))

    session.refresh_from_db()
    assert session.start == paris(2026, 12, 10, 14)
    assert session.start + timedelta(hours=4) == session.end
