"""Staff accounts of one studio: created and changed here whichever path asks (the admin,
onboarding, sign-up, the demo), so a seat of the plan is taken at the moment someone becomes
active staff, and every role change is in the audit trail."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from studio.services.audit import audit_record
from studio.services.plan_limits import plan_limit_check
from studio.services.records import record_before, record_save


def _takes_a_seat(before: dict, user) -> bool:
    was = bool(before.get("is_active")) and bool(before.get("is_staff"))
    return user.is_active and user.is_staff and not was


@transaction.atomic
def staff_create(
    *,
    username: str,
    email: str = "",
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    roles: Iterable[Group] = (),
    is_active: bool = True,
    by=None,
    **fields,
):
    """A back-office account. Without a password it cannot sign in until one is set."""
    user = get_user_model()(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_active=is_active,
        is_staff=True,
        **fields,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    if _takes_a_seat({}, user):
        plan_limit_check("staff")
    return record_save(obj=user, by=by, m2m={"groups": list(roles)})


@transaction.atomic
def staff_update(*, user, by=None, roles: Iterable[Group] | None = None, m2m=None, **changes):
    """Change an account (name, e-mail, active, roles...). Enabling a disabled account takes
    a seat again."""
    before = record_before(user)
    for name, value in changes.items():
        setattr(user, name, value)
    if _takes_a_seat(before, user):
        plan_limit_check("staff")
    m2m = dict(m2m or {})
    if roles is not None:
        m2m["groups"] = list(roles)
    return record_save(obj=user, by=by, before=before, m2m=m2m)


@transaction.atomic
def staff_password_set(*, user, password: str | None, by=None):
    """Set (or, with None, disable) an account's password. The trail records that it
    changed, never the password."""
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save(update_fields=["password"])
    audit_record(action="user.password_set", obj=user, by=by)
    return user
