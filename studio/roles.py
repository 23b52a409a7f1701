"""The five staff roles every studio starts with, as permission groups.

Owners get everything. An engineer runs sessions but never sees money; an accountant sees the
money but cannot change the calendar. Studios may edit the groups afterwards in the admin;
`roles_sync()` only adds what is missing, it never takes a permission away.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

CRUD = ("view", "add", "change", "delete")
STUDIO_MODELS = (
    "studiosettings",
    "openinghours",
    "cancellationtier",
    "room",
    "roompeakrate",
    "client",
    "engineer",
    "equipment",
    "maintenanceentry",
    "session",
    "sessionseries",
    "auditentry",
)
MONEY_MODELS = (
    "quote",
    "quoteline",
    "invoice",
    "invoiceline",
    "creditnote",
    "creditnoteline",
    "payment",
    "contract",
    "contracttemplate",
    "emailtemplate",
    "outgoingemail",
)


def _perms(models: tuple[str, ...], actions: tuple[str, ...]) -> set[str]:
    return {f"{action}_{model}" for model in models for action in actions}


ROLE_PERMISSIONS: dict[str, set[str]] = {
    "Owner": _perms(STUDIO_MODELS + MONEY_MODELS, CRUD)
    | _perms(("user", "group"), CRUD)
    | {"view_money"},
    "Manager": _perms(STUDIO_MODELS + MONEY_MODELS, CRUD)
    | _perms(("user",), ("view", "add", "change"))
    | {"view_group", "view_money"},
    "Engineer": _perms(("session",), ("view", "add", "change"))
    | _perms(("client", "room", "engineer", "sessionseries"), ("view",))
    | _perms(("equipment",), ("view", "change"))
    | _perms(("maintenanceentry",), ("view", "add")),
    "Front desk": _perms(("session", "client"), ("view", "add", "change"))
    | _perms(("quote", "quoteline", "contract"), ("view", "add", "change"))
    | _perms(("invoice", "payment", "outgoingemail", "contracttemplate"), ("view",))
    | _perms(("room", "engineer", "equipment", "sessionseries"), ("view",))
    | {"view_money"},
    "Accountant": _perms(("session", "client", "room", "engineer", "auditentry"), ("view",))
    | _perms(MONEY_MODELS, CRUD)
    | {"change_client", "view_money"},
}


def roles_sync() -> None:
    """Create the role groups and give them their permissions (idempotent, additive)."""
    wanted = set().union(*ROLE_PERMISSIONS.values())
    by_codename = {
        perm.codename: perm
        for perm in Permission.objects.filter(
            content_type__app_label__in=("studio", "auth"), codename__in=wanted
        )
    }
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*(by_codename[c] for c in codenames if c in by_codename))
