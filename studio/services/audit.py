"""The audit trail: one entry per create, change, delete or state change of a business object."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models

from studio.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs."""
    return {
        field: [_plain(before.get(field)), _plain(value)]
        for field, value in after.items()
        if _plain(before.get(field)) != _plain(value)
    }


def audit_record(
    *, action: str, obj: models.Model, by=None, changes: dict[str, list[Any]] | None = None
) -> AuditEntry:
    return AuditEntry.objects.create(
        action=action,
        model=obj._meta.model_name,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        user=by if getattr(by, "pk", None) else None,
        changes=changes or {},
    )


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    names = fields or [f.name for f in obj._meta.concrete_fields if f.name != "id"]
    return {name: getattr(obj, name) for name in names}
