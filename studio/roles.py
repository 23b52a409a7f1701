"""The five staff roles every studio starts with, as permission groups.

Owners are owners by this role, never by Django's all-permissions flag: the Owner group holds
every permission of the apps whose tables live in a studio's schema, so a permission added
later (a new model, a custom one) is the owner's after the next migrate. An engineer runs
sessions but never sees money; an accountant sees the money but cannot change the calendar.
Studios may edit the groups afterwards in the admin; `roles_sync()` only adds what is missing,
it never takes a permission away.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission

OWNER_ROLE = "Owner"
# The apps ROLE_PERMISSIONS' codenames are read in (django.contrib.sessions has an
# `add_session` of its own).
NAMED_APPS = ("studio", "auth")

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
# Projects and their audio. Listening is its own permission (`listen_audio`): an accountant
# sees projects, credits and splits (royalties) but not the unreleased music.
PROJECT_MODELS = (
    "projectstage",
    "project",
    "projectexpense",
    "track",
    "credit",
    "split",
    "audioversion",
    "audioupload",
    "reviewcomment",
    "audiodeletion",
)
CREATIVE_MODELS = (
    "project",
    "track",
    "credit",
    "split",
    "audioversion",
    "audioupload",
    "reviewcomment",
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


# The Owner's list is the floor the other roles are measured against; roles_sync() gives the
# Owner group every permission of the studio's apps on top of it (see studio_app_labels()).
ROLE_PERMISSIONS: dict[str, set[str]] = {
    OWNER_ROLE: _perms(STUDIO_MODELS + MONEY_MODELS + PROJECT_MODELS, CRUD)
    | _perms(("user", "group"), CRUD)
    | {"view_money", "listen_audio"},
    "Manager": _perms(STUDIO_MODELS + MONEY_MODELS + PROJECT_MODELS, CRUD)
    | _perms(("user",), ("view", "add", "change"))
    | {"view_group", "view_money", "listen_audio"},
    "Engineer": _perms(("session",), ("view", "add", "change"))
    | _perms(CREATIVE_MODELS, ("view", "add", "change"))
    | _perms(("projectstage", "audiodeletion"), ("view",))
    | {"listen_audio"}
    | _perms(("client", "room", "engineer", "sessionseries"), ("view",))
    | _perms(("equipment",), ("view", "change"))
    | _perms(("maintenanceentry",), ("view", "add")),
    "Front desk": _perms(("session", "client"), ("view", "add", "change"))
    | _perms(("project", "projectstage", "track", "credit"), ("view",))
    | _perms(("quote", "quoteline", "contract"), ("view", "add", "change"))
    | _perms(("invoice", "payment", "outgoingemail", "contracttemplate"), ("view",))
    | _perms(("room", "engineer", "equipment", "sessionseries"), ("view",))
    | {"view_money"},
    "Accountant": _perms(("session", "client", "room", "engineer", "auditentry"), ("view",))
    | _perms(("project", "projectstage", "projectexpense", "track", "credit", "split"), ("view",))
    | _perms(("projectexpense",), ("add", "change", "delete"))
    | _perms(MONEY_MODELS, CRUD)
    | {"change_client", "view_money"},
}


def studio_app_labels() -> set[str]:
    """The apps whose tables are in each studio's schema (auth, studio, portal, sign-in
    devices...): their permissions are the ones a studio can hold."""
    return {
        config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS
    }


def studio_permissions():
    return Permission.objects.filter(content_type__app_label__in=studio_app_labels())


def role_permissions(role: str) -> set[str]:
    """What a role is meant to hold, as `app_label.codename` strings (what has_perm asks)."""
    perms = studio_permissions()
    if role != OWNER_ROLE:
        perms = perms.filter(
            content_type__app_label__in=NAMED_APPS, codename__in=ROLE_PERMISSIONS[role]
        )
    return {
        f"{app}.{codename}"
        for app, codename in perms.values_list("content_type__app_label", "codename")
    }


def roles_sync() -> None:
    """Create the role groups and give them their permissions (idempotent, additive)."""
    everything = list(studio_permissions().select_related("content_type"))
    by_codename = {p.codename: p for p in everything if p.content_type.app_label in NAMED_APPS}
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        if role == OWNER_ROLE:
            group.permissions.add(*everything)
        else:
            group.permissions.add(*(by_codename[c] for c in codenames if c in by_codename))
