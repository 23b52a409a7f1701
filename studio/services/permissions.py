"""The one check every writing service makes of who is acting.

The admin hides what a role may not do, but the rule is the service's: a page, an action, an
import, a task or a shell calling a service gets the same answer. `by=None` is the studio itself
(provisioning, the demo, background tasks, a client following a link), which is not a person
with a role and is let through.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission

from studio.services.errors import PermissionRefused

REFUSED = "Your role does not allow this: it takes the permission “{name}”."


def permission_check(by, *perms: str) -> None:
    """Refuse unless `by` holds every one of `perms` (`"app_label.codename"` strings)."""
    if by is None:
        return
    for perm in perms:
        if not by.has_perm(perm):
            raise PermissionRefused(REFUSED.format(name=_name(perm)))


def _name(perm: str) -> str:
    app_label, _, codename = perm.partition(".")
    found = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).values_list("name", flat=True)
    return next(iter(found), perm)


def model_permission(obj_or_model, action: str) -> str:
    """`studio.change_invoice` for an invoice and "change"."""
    opts = obj_or_model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"
