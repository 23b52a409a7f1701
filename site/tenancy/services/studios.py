"""Changes an operator makes to a studio: its name, status, plan and subscription state. Each
is in the platform's audit trail; the host cache forgets the studio on save."""

from __future__ import annotations

from django.db import transaction

from siteconf.tenancy.models import Studio
from studio.services.records import record_before, record_save

# What the platform admin may change on a studio (its schema, slug and history stay).
EDITABLE = ("name", "status", "owner_email", "plan", "subscription_status", "trial_ends_at")


@transaction.atomic
def studio_update(*, studio: Studio, by=None, **changes) -> Studio:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable on a studio: {', '.join(sorted(unknown))}")
    before = record_before(studio)
    for name, value in changes.items():
        setattr(studio, name, value)
    return record_save(obj=studio, by=by, before=before)
