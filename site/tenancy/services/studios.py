"""Changes an operator makes to a studio: its name, status, plan and subscription state. Each
is in the platform's audit trail; the host cache forgets the studio on save. The plan, the
subscription's state and the trial's end are the billing lifecycle's: they go through
`subscription_apply`, like a webhook or the daily check would."""

from __future__ import annotations

from django.db import transaction

from siteconf.tenancy.models import Studio
from siteconf.tenancy.services.billing import operator_subscription_set
from studio.services.records import record_before, record_save

# What the platform admin may change on a studio (its schema, slug and history stay).
EDITABLE = ("name", "status", "owner_email", "plan", "subscription_status", "trial_ends_at")
SUBSCRIPTION = ("plan", "subscription_status", "trial_ends_at")


@transaction.atomic
def studio_update(*, studio: Studio, by=None, **changes) -> Studio:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable on a studio: {', '.join(sorted(unknown))}")
    billing = {name: changes.pop(name) for name in SUBSCRIPTION if name in changes}
    if changes:
        before = record_before(studio)
        for name, value in changes.items():
            setattr(studio, name, value)
        record_save(obj=studio, by=by, before=before)
    if billing:
        operator_subscription_set(studio=studio, by=by, **billing)
    return studio
