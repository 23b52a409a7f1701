"""Staff accounts of one studio: created and changed here whichever path asks (the admin,
onboarding, sign-up, the demo), so a seat of the plan is taken at the moment someone becomes
active staff, and every role change is in the audit trail."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from studio.roles import OWNER_ROLE
from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.permissions import permission_check
from studio.services.plan_limits import plan_limit_check
from studio.services.records import record_before, record_save

NOT_A_STUDIO_FLAG = (
    "Owners are owners by their role: the all-permissions flag is not given in a studio."
)
ROLES_BY_OWNERS = "Only an owner gives or takes away roles."
ROLE_ABOVE = "You cannot give the {role} role: it holds permissions you do not have."
OWNERS_BY_OWNERS = "Only an owner can change an owner's account."
PERMISSIONS_BY_ROLE = "Permissions are given through roles, not one by one."


def staff_is_owner(user) -> bool:
    if user is None or not getattr(user, "is_active", False):
        return False
    return user.groups.filter(name=OWNER_ROLE).exists()


def staff_owner_guard(*, by, user, refusal: str = OWNERS_BY_OWNERS) -> None:
    """Only an owner acts on an owner's account (their own aside); `by=None` is the platform."""
    someone_else = by is not None and user.pk and user.pk != by.pk
    if someone_else and staff_is_owner(user) and not staff_is_owner(by):
        raise StudioError(refusal)


def _permissions_of(group: Group) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def staff_roles_check(*, by, user, roles: Iterable[Group] | None, changes: dict, m2m: dict) -> None:
    """Nobody climbs: only an owner changes roles, nobody gives a role holding permissions
    they lack, the all-permissions flag and one-by-one permissions are not studio tools, and
    only an owner touches an owner's account. `by=None` is the platform itself (provisioning,
    the demo), which may not hand out the flag either."""
    if changes.get("is_superuser") and not (user.pk and user.is_superuser):
        raise StudioError(NOT_A_STUDIO_FLAG, field="is_superuser")
    if by is None:
        return
    had_flag = bool(user.is_superuser) if user.pk else False
    if "is_superuser" in changes and bool(changes["is_superuser"]) != had_flag:
        raise StudioError(NOT_A_STUDIO_FLAG, field="is_superuser")
    if m2m.get("user_permissions"):
        raise StudioError(PERMISSIONS_BY_ROLE, field="user_permissions")
    staff_owner_guard(by=by, user=user)
    if roles is None:
        return
    roles = set(roles)
    current = set(user.groups.all()) if user.pk else set()
    if roles == current:
        return
    if not staff_is_owner(by):
        raise StudioError(ROLES_BY_OWNERS, field="groups")
    held = by.get_all_permissions()
    for role in roles - current:
        if not _permissions_of(role) <= held:
            raise StudioError(ROLE_ABOVE.format(role=role.name), field="groups")


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
    permission_check(by, "auth.add_user")
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
    roles = list(roles)
    staff_roles_check(by=by, user=user, roles=roles, changes=fields, m2m={})
    if _takes_a_seat({}, user):
        plan_limit_check("staff")
    return record_save(obj=user, by=by, m2m={"groups": roles})


@transaction.atomic
def staff_update(*, user, by=None, roles: Iterable[Group] | None = None, m2m=None, **changes):
    """Change an account (name, e-mail, active, roles...). Enabling a disabled account takes
    a seat again."""
    permission_check(by, "auth.change_user")
    m2m = dict(m2m or {})
    if roles is not None:
        m2m["groups"] = list(roles)
    stored = type(user)._default_manager.get(pk=user.pk)
    staff_roles_check(by=by, user=stored, roles=m2m.get("groups"), changes=changes, m2m=m2m)
    before = record_before(user)
    for name, value in changes.items():
        setattr(user, name, value)
    if _takes_a_seat(before, user):
        plan_limit_check("staff")
    return record_save(obj=user, by=by, before=before, m2m=m2m)


@transaction.atomic
def staff_password_set(*, user, password: str | None, by=None):
    """Set (or, with None, disable) an account's password. The trail records that it
    changed, never the password. Staff set their own; someone else's is reset by the e-mailed
    link (`by=None`: the holder of the link)."""
    if by is not None and by.pk != user.pk:
        raise StudioError(
            "Staff set their own password; send a reset link to change someone else's."
        )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save(update_fields=["password"])
    audit_record(action="user.password_set", obj=user, by=by)
    return user
