"""Gear: status changes, and what they mean for the sessions that reserved it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from studio.models import Equipment, MaintenanceEntry, Session
from studio.models.sessions import ACTIVE_STATUSES
from studio.services.audit import audit_record, audit_value
from studio.services.errors import StudioError
from studio.services.permissions import permission_check
from studio.services.records import record_before, record_save

GEAR_ALERT = "{item} is {status} since {date}: find a replacement."
UNKNOWN_STATUS = "“{status}” is not an equipment status."


@transaction.atomic
def equipment_status_set(*, equipment: Equipment, status: str, by=None) -> list[Session]:
    """Change a piece of gear's status. Taking it out of service flags every upcoming session
    that reserved it (the session keeps its booking; staff decide on a replacement).

    Returns the sessions that were flagged.
    """
    permission_check(by, "studio.change_equipment")
    if status not in Equipment.Status.values:
        raise StudioError(UNKNOWN_STATUS.format(status=status), field="status")
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    previous = equipment.status
    if previous == status:
        return []
    equipment.status = status
    equipment.save(update_fields=["status"])
    audit_record(
        action="equipment.status", obj=equipment, by=by, changes={"status": [previous, status]}
    )
    if equipment.in_service:
        return []
    upcoming = list(
        Session.objects.filter(
            gear__equipment=equipment, status__in=ACTIVE_STATUSES, start__gte=timezone.now()
        ).order_by("start")
    )
    alert = GEAR_ALERT.format(
        item=equipment,
        status=equipment.get_status_display().lower(),
        date=timezone.localdate().strftime("%d %b"),
    )
    Session.objects.filter(pk__in=[s.pk for s in upcoming]).update(gear_alert=alert[:300])
    for session in upcoming:
        audit_record(
            action="session.gear_alert", obj=session, by=by, changes={"gear_alert": ["", alert]}
        )
    return upcoming


@transaction.atomic
def equipment_create(*, by=None, **fields) -> Equipment:
    return record_save(obj=Equipment(**fields), by=by)


@transaction.atomic
def equipment_update(*, equipment: Equipment, by=None, **changes) -> list[Session]:
    """Change a piece of gear. A new status goes through `equipment_status_set`, which flags
    the sessions that reserved it; those sessions are returned."""
    status = changes.pop("status", None)
    if changes:
        before = record_before(equipment)
        for name, value in changes.items():
            setattr(equipment, name, value)
        equipment.status = before.get("status", equipment.status)
        record_save(obj=equipment, by=by, before=before)
    if status is None:
        return []
    flagged = equipment_status_set(equipment=equipment, status=status, by=by)
    equipment.status = status
    return flagged


@transaction.atomic
def maintenance_record(
    *,
    equipment: Equipment,
    date,
    description: str,
    cost=None,
    done_by: str = "",
    next_due=None,
    by=None,
) -> MaintenanceEntry:
    permission_check(by, "studio.add_maintenanceentry")
    entry = MaintenanceEntry.objects.create(
        equipment=equipment,
        date=date,
        description=description,
        cost=cost,
        done_by=done_by,
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    changes = {"maintenance": ["", description]}
    if next_due is not None:
        changes["next_maintenance_due"] = [
            audit_value(equipment.next_maintenance_due),
            audit_value(next_due),
        ]
        Equipment.objects.filter(pk=equipment.pk).update(next_maintenance_due=next_due)
        equipment.next_maintenance_due = next_due
    audit_record(action="equipment.maintenance", obj=equipment, by=by, changes=changes)
    return entry
