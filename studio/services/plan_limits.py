"""The studio's plan limits: rooms, sessions a month, staff seats.

Every path that creates one of these (the booking service, the admin, imports, staff accounts)
asks `plan_limit_check` first; the message says what the plan allows and where to upgrade. The
check and the write share a transaction, and the count is taken under a lock on the studio's
settings row when the plan has a limit, so two bookings racing for the 50th session of the month
cannot both get it.

Moving to another plan asks the same counts the other way round: `plan_fit` lists what the
studio's data has that the plan has no room for (rooms, staff, this month's sessions, and
plan features in use), each with what to change first. The change of plan refuses on it and
Settings → Subscription shows it under each plan, so both say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Usage:
    """How much of one plan limit the current studio uses (`limit` None: unlimited)."""

    what: str
    label: str
    count: int
    limit: int | None

    @property
    def percent(self) -> int:
        """The bar's length; past the limit it stays full rather than overflow the page."""
        if not self.limit:
            return 0
        return min(100, round(100 * self.count / self.limit))

    @property
    def over(self) -> bool:
        return self.limit is not None and self.count > self.limit


USAGE_LABELS = {
    "rooms": "Rooms in use",
    "staff": "Staff accounts",
    "sessions_per_month": "Sessions this month",
}


def plan_usage(plan: Plan | None, *, when: datetime | None = None) -> list[Usage]:
    """The current studio's counts against `plan`'s limits, in the order the page shows."""
    return [
        Usage(
            what=what,
            label=label,
            count=_count(what, when=when),
            limit=plan.limit_for(what) if plan else None,
        )
        for what, label in USAGE_LABELS.items()
    ]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def plan_fit(*, plan: Plan, studio: Studio, when: datetime | None = None) -> list[str]:
    """What stops the current studio from moving to `plan`, each with what to change first; an
    empty list when its data fits. A downgrade never deletes or hides anything by itself: the
    owner frees what the smaller plan has no room for, then changes plan. Run it in the
    studio's schema (rooms, staff and sessions are counted there)."""
    problems: list[str] = []
    for usage in plan_usage(plan, when=when):
        if not usage.over:
            continue
        extra = usage.count - usage.limit
        if usage.what == "rooms":
            problems.append(
                f"{plan.name} includes {_plural(usage.limit, 'room', 'rooms')}; you have "
                f"{usage.count} rooms in use. Deactivate {_plural(extra, 'room', 'rooms')} first."
            )
        elif usage.what == "staff":
            problems.append(
                f"{plan.name} includes {_plural(usage.limit, 'staff seat', 'staff seats')}; you "
                f"have {usage.count} active staff accounts. Deactivate "
                f"{_plural(extra, 'staff account', 'staff accounts')} first."
            )
        else:
            month = timezone.localtime(when or timezone.now(), StudioSettings.objects.get().tz)
            problems.append(
                f"{plan.name} includes {usage.limit} sessions a month; {month:%B %Y} has "
                f"{usage.count}. Cancel {_plural(extra, 'session', 'sessions')} of this month "
                "first, or change plan next month."
            )
    problems += _features_in_use(plan=plan, studio=studio)
    return problems


def _features_in_use(*, plan: Plan, studio: Studio) -> list[str]:
    """Plan features the studio uses today that `plan` lacks. Which plans include a feature is
    the features module's to say; what "in use" means for each is said here."""
    from siteconf.tenancy.billing import CustomDomain
    from siteconf.tenancy.features import feature_plans_sentence, plans_with

    def lacks(feature: str) -> bool:
        return plan.pk not in {included.pk for included in plans_with(feature)}

    problems = []
    verified = list(
        CustomDomain.objects.filter(studio=studio, verified_at__isnull=False).values_list(
            "hostname", flat=True
        )
    )
    if verified and lacks("custom_domains"):
        problems.append(
            f"{plan.name} does not include custom domains, and the studio is served on "
            f"{', '.join(verified)}. {feature_plans_sentence('custom_domains')} Remove "
            f"{'that domain' if len(verified) == 1 else 'those domains'} on Settings → Custom "
            "domains first."
        )
    if studio.stripe_account_id and lacks("card_payments"):
        problems.append(
            f"{plan.name} does not include card payments, which clients use to pay this studio "
            f"through its connected Stripe account. {feature_plans_sentence('card_payments')} "
            "Keep one of those plans, or ask the platform's support to disconnect the Stripe "
            "account first."
        )
    return problems
