"""Rooms: created and changed here whichever path asks (the admin, onboarding, the import),
so a room put in use always counts against the plan's room limit."""

from __future__ import annotations

from django.db import transaction

from studio.models import Room
from studio.services.permissions import permission_check
from studio.services.plan_limits import plan_limit_check
from studio.services.records import record_before, record_delete, record_save


@transaction.atomic
def room_create(*, by=None, **fields) -> Room:
    permission_check(by, "studio.add_room")
    room = Room(**fields)
    if room.is_active:
        plan_limit_check("rooms")
    return record_save(obj=room, by=by)


@transaction.atomic
def room_update(*, room: Room, by=None, **changes) -> Room:
    """Change a room; putting one back in use takes a room of the plan again."""
    permission_check(by, "studio.change_room")
    before = record_before(room)
    for name, value in changes.items():
        setattr(room, name, value)
    if room.is_active and not before.get("is_active", False):
        plan_limit_check("rooms")
    return record_save(obj=room, by=by, before=before)


@transaction.atomic
def room_delete(*, room: Room, by=None) -> None:
    """A room with sessions is protected by them: take it out of use instead."""
    permission_check(by, "studio.delete_room")
    record_delete(obj=room, by=by)
