"""Audited writes of records without rules of their own: clients, engineers, peak rates,
opening hours, cancellation tiers, maintenance rows, e-mail and contract templates...

Records with rules have their own services (rooms and staff count against the plan, gear
status flags sessions, documents freeze once issued); these three are what the rest share.
Each validates the record as the model defines it, writes it and its audit entry in one
transaction, and raises `StudioError` with the model's own messages when it is refused.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from studio.services.audit import audit_record, audit_value, changes_between, snapshot
from studio.services.errors import StudioError
from studio.services.permissions import model_permission, permission_check


def validation_refusal(exc: ValidationError) -> StudioError:
    """A model's ValidationError as the one error type services raise."""
    if hasattr(exc, "error_dict"):
        fields = [name for name in exc.error_dict if name != NON_FIELD_ERRORS]
        return StudioError("; ".join(exc.messages), field=fields[0] if len(fields) == 1 else None)
    return StudioError("; ".join(exc.messages))


def record_clean(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_refusal(exc) from None


def record_before(obj: models.Model) -> dict[str, Any]:
    """The stored state of `obj` (empty for a new one), to diff against after a change."""
    if obj.pk is None:
        return {}
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return snapshot(stored) if stored is not None else {}


@transaction.atomic
def record_create(*, model: type[models.Model], by=None, **fields) -> models.Model:
    obj = model(**fields)
    return record_save(obj=obj, by=by)


@transaction.atomic
def record_update(*, obj: models.Model, by=None, **changes) -> models.Model:
    for name, value in changes.items():
        setattr(obj, name, value)
    return record_save(obj=obj, by=by)


def _m2m_set(obj: models.Model, m2m: dict[str, Any], created: bool) -> dict[str, list[Any]]:
    """Set many-to-many fields (a user's roles, a role's permissions); their changes."""
    changes = {}
    for name, values in m2m.items():
        related = getattr(obj, name)
        old = [] if created else sorted(str(v) for v in related.all())
        related.set(values)
        new = sorted(str(v) for v in values)
        if old != new:
            changes[name] = [old, new]
    return changes


@transaction.atomic
def record_save(
    *,
    obj: models.Model,
    by=None,
    before: dict[str, Any] | None = None,
    m2m: dict[str, Any] | None = None,
    exclude=None,
) -> models.Model:
    """Create or change `obj` as it stands (its fields already set), with an audit entry of
    what changed. `before` is the state to diff against when the caller already read it;
    `m2m` sets many-to-many fields once the row exists."""
    created = obj._state.adding
    permission_check(by, model_permission(obj, "add" if created else "change"))
    before = {} if created else (before if before is not None else record_before(obj))
    record_clean(obj, exclude=exclude)
    obj.save()
    changes = changes_between(before, snapshot(obj))
    changes.update(_m2m_set(obj, m2m or {}, created))
    if created or changes:
        action = f"{obj._meta.model_name}.{'created' if created else 'changed'}"
        audit_record(action=action, obj=obj, by=by, changes=changes)
    return obj


@transaction.atomic
def record_delete(*, obj: models.Model, by=None) -> None:
    """Delete `obj`, recording what it was. A record others still point to is refused."""
    permission_check(by, model_permission(obj, "delete"))
    audit_record(
        action=f"{obj._meta.model_name}.deleted",
        obj=obj,
        by=by,
        changes={
            name: [audit_value(value), None]
            for name, value in snapshot(obj).items()
            if value not in (None, "")
        },
    )
    try:
        with transaction.atomic():
            obj.delete()
    except models.ProtectedError as exc:
        using = sorted({str(o) for o in exc.protected_objects})[:3]
        raise StudioError(
            f"{obj} is still used by {', '.join(using)}: it cannot be deleted."
        ) from None
