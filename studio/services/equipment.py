"""Gear: status changes, and what they mean for the sessions that reserved it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from studio.models import Equipment, MaintenanceEntry, Session
from studio.models.sessions import ACTIVE_STATUSES
from studio.services.audit import audit_record
from studio.services.errors import StudioError

GEAR_ALERT = "{item} is {status} since {date}: find a replacement."
UNKNOWN_STATUS = "“{status}” is not an equipment status."


@transaction.atomic
def equipment_status_set(*, equipment: Equipment, status: str, by=None) -> list[Session]:
    """Change a piece of gear's status. Taking it out of service flags every upcoming session
    that reserved it (the session keeps its booking; staff decide on a replacement).

    Returns the sessions that were flagged.
    """
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
    entry = MaintenanceEntry.objects.create(
        equipment=equipment,
        date=date,
        description=description,
        cost=cost,
        done_by=done_by,
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    if next_due is not None:
        Equipment.objects.filter(pk=equipment.pk).update(next_maintenance_due=next_due)
    audit_record(
        action="equipment.maintenance",
        obj=equipment,
        by=by,
        changes={"maintenance": ["", description]},
    )
    return entry
