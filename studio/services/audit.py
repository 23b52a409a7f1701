"""The audit trail: one entry per create, change, delete or state change of a business object.

Every business write goes through a service, and every service records what it did here, so
this is also the one place that every write passes: the read-only rule of a lapsed
subscription is enforced here, for the admin, imports, tasks and commands alike (see
`studio.services.readonly`). In the public schema (the platform admin: plans, studios,
operators) entries go to the platform's own trail.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models.fields.files import FieldFile
from django_tenants.utils import get_public_schema_name

from siteconf.tenancy.models import PlatformAuditEntry
from studio.models import AuditEntry
from studio.services.readonly import studio_writable_check

# Fields never copied into the trail (secrets, bookkeeping).
NEVER_RECORDED = frozenset({"password", "last_login", "data"})


def audit_value(value: Any) -> Any:
    """A value as the trail stores it (JSON): objects by name, dates in ISO, files by name."""
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return f"<{len(value)} bytes>"
    if isinstance(value, (list, tuple, set)):
        return [audit_value(v) for v in value]
    return value


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs (Decimal("0.00") and
    Decimal("0") are the same amount)."""
    return {
        field: [audit_value(before.get(field)), audit_value(value)]
        for field, value in after.items()
        if before.get(field) != value and audit_value(before.get(field)) != audit_value(value)
    }


def audit_record(
    *, action: str, obj: models.Model, by=None, changes: dict[str, list[Any]] | None = None
) -> AuditEntry | PlatformAuditEntry:
    """Record one business write. Refuses (and so rolls back the service that called it) when
    the studio is read-only and the action is not one a read-only studio may still do."""
    values = {
        "action": action,
        "model": obj._meta.model_name,
        "object_id": "" if obj.pk is None else str(obj.pk),
        "object_repr": str(obj)[:200],
        "user": by if getattr(by, "pk", None) else None,
        "changes": changes or {},
    }
    if connection.schema_name == get_public_schema_name():
        return PlatformAuditEntry.objects.create(**values)
    studio_writable_check(action=action)
    return AuditEntry.objects.create(**values)


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    names = fields or [
        f.name
        for f in obj._meta.concrete_fields
        if f.name != "id" and f.name not in NEVER_RECORDED and not f.name.endswith("_ptr")
    ]
    return {name: getattr(obj, name) for name in names}


def audit_entries(obj: models.Model, *, limit: int = 200):
    """The trail of one object, newest first (the platform's in the public schema)."""
    model = PlatformAuditEntry if connection.schema_name == get_public_schema_name() else AuditEntry
    entries = model.objects.filter(model=obj._meta.model_name, object_id=str(obj.pk))
    return entries.select_related("user")[:limit]
