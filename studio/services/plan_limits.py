"""The studio's plan limits: rooms, sessions a month, staff seats.

Every path that creates one of these (the booking service, the admin, imports, staff accounts)
asks `plan_limit_check` first; the message says what the plan allows and where to upgrade. The
check and the write share a transaction, and the count is taken under a lock on the studio's
settings row when the plan has a limit, so two bookings racing for the 50th session of the month
cannot both get it.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from siteconf.tenancy.models import Plan, Studio
from studio.models import Room, Session, StudioSettings
from studio.services.errors import StudioError
from studio.services.readonly import renew_url

WHAT = {
    "rooms": "rooms in use",
    "sessions_per_month": "sessions a month",
    "staff": "staff accounts",
}


class PlanLimitReached(StudioError):
    def __init__(self, message: str, *, upgrade_url: str, field: str | None = None):
        super().__init__(message, field=field)
        self.upgrade_url = upgrade_url


def studio_plan() -> Plan | None:
    """The current studio's plan (None on the template or a studio without one: no limits)."""
    tenant = getattr(connection, "tenant", None)
    plan_id = getattr(tenant, "plan_id", None)
    if plan_id is None and not hasattr(tenant, "plan_id"):
        plan_id = (
            Studio.objects.filter(schema_name=connection.schema_name)
            .values_list("plan_id", flat=True)
            .first()
        )
    return Plan.objects.filter(pk=plan_id).first() if plan_id else None


def _count(what: str, *, when: datetime | None) -> int:
    if what == "rooms":
        return Room.objects.filter(is_active=True).count()
    if what == "staff":
        return get_user_model().objects.filter(is_active=True, is_staff=True).count()
    local = timezone.localtime(when or timezone.now(), StudioSettings.objects.get().tz)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (first.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
    return Session.objects.active().filter(start__gte=first, start__lt=following).count()


def plan_limit_check(what: str, *, adding: int = 1, when: datetime | None = None) -> None:
    """Refuse when `adding` more would pass the plan's limit. `adding=0` checks rows already
    written in the current transaction (imports)."""
    plan = studio_plan()
    limit = plan.limit_for(what) if plan else None
    if limit is None:
        return
    # Serialises creators of limited things in this studio (only on plans with limits).
    if connection.in_atomic_block:
        StudioSettings.objects.select_for_update().get()
    current = _count(what, when=when)
    if current + adding > limit:
        where = ""
        if what == "sessions_per_month":
            month = timezone.localtime(when or timezone.now())
            where = f" ({month:%B %Y} has {current})"
        raise PlanLimitReached(
            f"Your {plan.name} plan includes {limit} {WHAT[what]}{where}. "
            f"Upgrade your plan to add more: {renew_url()}",
            upgrade_url=renew_url(),
        )
