"""The studio's own settings (one row per studio) and the onboarding wizard's progress."""

from __future__ import annotations

from django.db import transaction

from studio.models import StudioSettings
from studio.selectors.settings import studio_settings_get
from studio.services.audit import audit_record
from studio.services.permissions import permission_check
from studio.services.records import record_before, record_save
from studio.services.two_factor import two_factor_required_set

ONBOARDING_STEPS = 3


@transaction.atomic
def studio_settings_update(*, by=None, settings: StudioSettings | None = None, **changes):
    """Change the studio's settings (name on invoices, address, time zone, currency, tax
    rate, numbering, reminders...), validated as the model defines them, audited."""
    settings = settings or studio_settings_get()
    if "two_factor_required" in changes:
        # An owner's decision, with its own rule and trail entry.
        required = bool(changes.pop("two_factor_required"))
        settings.two_factor_required = two_factor_required_set(
            required=required, by=by
        ).two_factor_required
    before = record_before(settings)
    for name, value in changes.items():
        setattr(settings, name, value)
    return record_save(obj=settings, by=by, before=before)


def _progress(settings: StudioSettings, *, step: int, done: bool, by) -> StudioSettings:
    before = {
        "onboarding_step": settings.onboarding_step,
        "onboarding_done": settings.onboarding_done,
    }
    settings.onboarding_step = step
    settings.onboarding_done = done
    settings.save(update_fields=["onboarding_step", "onboarding_done"])
    audit_record(
        action="studiosettings.onboarding",
        obj=settings,
        by=by,
        changes={
            name: [old, getattr(settings, name)]
            for name, old in before.items()
            if old != getattr(settings, name)
        },
    )
    return settings


@transaction.atomic
def onboarding_advance(*, step: int, by=None) -> StudioSettings:
    """Step `step` of the wizard is done (or skipped): the next one is where it resumes; after
    the last, the wizard is finished."""
    permission_check(by, "studio.change_studiosettings")
    settings = StudioSettings.objects.select_for_update().get()
    if step >= ONBOARDING_STEPS:
        return _progress(settings, step=ONBOARDING_STEPS, done=True, by=by)
    return _progress(
        settings, step=max(settings.onboarding_step, step + 1), done=settings.onboarding_done, by=by
    )


@transaction.atomic
def onboarding_dismiss(*, by=None) -> StudioSettings:
    """The owner closes the checklist: the wizard is not offered again."""
    permission_check(by, "studio.change_studiosettings")
    settings = StudioSettings.objects.select_for_update().get()
    return _progress(settings, step=settings.onboarding_step, done=True, by=by)
