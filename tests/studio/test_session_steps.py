"""A session offers only the steps its state allows: no Confirm on a confirmed session, no
Check out before check-in. The services refuse the rest whatever is clicked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from studio.models import Session
from studio.services.errors import StudioError
from studio.services.session_lifecycle import (
    session_check_in,
    session_check_out,
    session_confirm,
    session_steps,
)
from studio.services.sessions import session_create
from tests.studio.factories import ClientFactory, RoomFactory

pytestmark = pytest.mark.django_db


def booked(status=Session.Status.CONFIRMED, *, hours_from_now: int = 2) -> Session:
    start = timezone.now().replace(microsecond=0) + timedelta(hours=hours_from_now)
    return session_create(
        client=ClientFactory(),
        room=RoomFactory(),
        start=start,
        end=start + timedelta(hours=2),
        status=status,
    )


def test_each_state_offers_its_own_steps(in_studio_a):
    requested = booked(Session.Status.REQUESTED)
    assert session_steps(session=requested) == ["confirm", "check_in", "decline", "cancel"]
    confirmed = session_confirm(session=requested)
    assert session_steps(session=confirmed) == ["check_in", "cancel"]
    checked_in = session_check_in(session=confirmed)
    assert session_steps(session=checked_in) == ["check_out"]
    done = session_check_out(session=checked_in)
    assert session_steps(session=done) == []


def test_a_no_show_is_offered_only_once_the_session_has_started(in_studio_a):
    later = booked(hours_from_now=3)
    assert "no_show" not in session_steps(session=later)
    assert "no_show" in session_steps(session=later, at=later.start + timedelta(minutes=20))


def test_a_step_the_state_does_not_allow_is_refused(in_studio_a):
    confirmed = booked()
    with pytest.raises(StudioError, match="is confirmed; it cannot be confirmed"):
        session_confirm(session=confirmed)
    with pytest.raises(StudioError, match="cannot be checked out"):
        session_check_out(session=confirmed)


def _actions(page: str) -> set[str]:
    names = {"confirm", "check-in", "check-out", "cancel", "no-show"}
    return {name for name in names if f"/{name}/" in page}


def test_the_session_page_offers_only_what_its_state_allows(studio_a, owner_browser):
    with schema_context(studio_a.schema_name):
        confirmed = booked()
        checked_in = session_check_in(session=booked(hours_from_now=5))
    page = owner_browser.get(f"/admin/studio/session/{confirmed.pk}/change/").content.decode()
    assert _actions(page) == {"check-in", "cancel"}
    page = owner_browser.get(f"/admin/studio/session/{checked_in.pk}/change/").content.decode()
    assert _actions(page) == {"check-out"}


def test_each_row_of_the_list_shows_its_next_step(studio_a, owner_browser):
    with schema_context(studio_a.schema_name):
        requested = booked(Session.Status.REQUESTED)
        checked_in = session_check_in(session=booked(hours_from_now=5))
    page = owner_browser.get("/admin/studio/session/").content.decode()
    assert f"/admin/studio/session/{requested.pk}/confirm/?next=" in page
    assert f"/admin/studio/session/{checked_in.pk}/check-out/?next=" in page
    assert f"/admin/studio/session/{checked_in.pk}/confirm/" not in page
    assert f"/admin/studio/session/{requested.pk}/check-out/" not in page


def test_a_session_that_happened_stays_where_it_happened(in_studio_a):
    from studio.services.session_lifecycle import session_cancel
    from studio.services.sessions import session_move

    checked_in = session_check_in(session=booked(hours_from_now=1))
    longer = session_move(
        session=checked_in, start=checked_in.start, end=checked_in.end + timedelta(hours=1)
    )
    assert longer.end == checked_in.end + timedelta(hours=1)
    with pytest.raises(StudioError, match="only its end can change"):
        session_move(
            session=checked_in,
            start=checked_in.start + timedelta(hours=1),
            end=checked_in.end + timedelta(hours=2),
        )
    cancelled = session_cancel(session=booked(hours_from_now=30))
    with pytest.raises(StudioError, match="is cancelled: only a requested or confirmed"):
        session_move(
            session=cancelled,
            start=cancelled.start + timedelta(hours=1),
            end=cancelled.end + timedelta(hours=1),
        )
    assert Session.objects.get(pk=cancelled.pk).start == cancelled.start
