"""Sign-in lockouts: who is locked out, from where, for how long, and lifting a lockout.

django-axes counts the failures (its tables live in every schema, so a studio's counters are
its own and the same e-mail at two studios is two accounts); the rules it cannot express are
here: the client's address behind a proxy, one spelling per login, a second and larger limit
per address, and the audited unlock that an owner or an operator uses.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.permissions import permission_check
from studio.services.staff import staff_owner_guard

UNLOCK_NOTHING = "Say which login or which address to unlock."
UNLOCK_ONE = "Unlock a login or an address, one at a time."
OWNERS_UNLOCK_OWNERS = "Only an owner can unlock an owner's sign-in."
# Owners hold it (their role holds every permission of a studio's apps), other roles do not;
# on the platform, operators do.
UNLOCK_PERMISSION = "axes.delete_accessattempt"
VIEW_PERMISSION = "axes.view_accessattempt"


def _valid_address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_address(request) -> str:
    """The address a request came from: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies stand
    in front of the site. Then it is the entry of X-Forwarded-For that the outermost of them
    wrote: each proxy appends the address it was reached from, so everything left of that entry
    was written by the client and proves nothing."""
    meta = getattr(request, "META", None) or {}
    remote = meta.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return remote
    # Fewer entries than proxies: every entry was written by one of ours, the first is the client.
    return _valid_address(hops[-min(proxies, len(hops))]) or remote


def lockout_login(request, credentials: dict | None = None) -> str:
    """The login a sign-in attempt is counted against, spelled one way: `Owner@X ` and
    `owner@x` are one account (logins are stored lower-case), so one counter."""
    if credentials:
        typed = credentials.get("username")
    else:
        typed = getattr(request, "POST", {}).get("username")
    return (typed or "").strip().lower()[:150]


def lockout_cool_off(request=None) -> timedelta:
    """How long a lockout lasts (settings.AXES_COOLOFF_TIME points here)."""
    return timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)


def lockout_duration(request=None) -> timedelta:
    """How long a lockout lasts, as axes reads it from its setting."""
    return get_cool_off(request) or timedelta(0)


def _window_start(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - lockout_duration()


def _failures(attempts) -> tuple[int, datetime | None]:
    totals = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    return totals["failures"] or 0, totals["last"]


@dataclass(frozen=True)
class Lockout:
    """One lockout as the sign-in page and the back office show it."""

    kind: str  # "account" or "address"
    login: str
    address: str
    failures: int
    until: datetime

    @property
    def minutes_left(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))


def lockout_find(*, login: str = "", address: str = "", now: datetime | None = None):
    """The lockout that holds this login or this address now (the account's first), or None.

    Failures count for as long as a lockout lasts; a success clears the account's. The lockout
    ends that long after the failure that reached the limit, because attempts refused during
    a lockout are not counted (see AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT)."""
    since = _window_start(now)
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    if login:
        failures, last = _failures(recent.filter(username=login))
        if failures >= settings.AXES_FAILURE_LIMIT:
            return Lockout("account", login, address, failures, last + lockout_duration())
    if address:
        failures, last = _failures(recent.filter(ip_address=address))
        if failures >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
            return Lockout("address", login, address, failures, last + lockout_duration())
    return None


def _account(login: str):
    return get_user_model().objects.filter(username=login).first() if login else None


def lockout_record(*, login: str, address: str) -> None:
    """The moment a login or an address is locked out, in the trail of the studio (or the
    platform) it happened at."""
    found = lockout_find(login=login, address=address)
    account = _account(login)
    audit_record(
        action="login.locked_out",
        obj=account or get_user_model()(username=login or "(empty)"),
        changes={
            "login": [None, login],
            "from": [None, address],
            "locked": [None, found.kind if found else "account"],
        },
    )


def lockout_release(*, login: str = "", address: str = "", by) -> int:
    """Lift the lockout of a login (its failures from every address) or of an address (every
    login's failures from it). Returns how many attempt records were cleared.

    It takes UNLOCK_PERMISSION, and only an owner unlocks an owner's login."""
    login = (login or "").strip().lower()
    address = (address or "").strip()
    if not login and not address:
        raise StudioError(UNLOCK_NOTHING)
    if login and address:
        raise StudioError(UNLOCK_ONE)
    permission_check(by, UNLOCK_PERMISSION)
    account = _account(login)
    if account is not None and by is not None:
        staff_owner_guard(by=by, user=account, refusal=OWNERS_UNLOCK_OWNERS)
    with transaction.atomic():
        attempts = AccessAttempt.objects.all()
        attempts = attempts.filter(username=login) if login else attempts.filter(ip_address=address)
        cleared, _ = attempts.delete()
        audit_record(
            action="login.unlocked",
            obj=account or get_user_model()(username=login or address),
            by=by,
            changes={
                "login": [None, login],
                "from": [None, address],
                "cleared": [None, cleared],
            },
        )
    return cleared
