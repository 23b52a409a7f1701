"""Two-factor sign-in: an authenticator app (TOTP) and ten one-time backup codes per account.

Devices are django-otp's and live beside the account they belong to: a studio's staff in the
studio's schema, platform operators in the public schema, so a device of one studio never
signs anyone into another. A person sets up and removes their own second factor; someone
else's is only ever reset (all devices deleted), by an owner of the same studio or, for a
studio's owner, by a platform operator. Every change is in the audit trail.
"""

from __future__ import annotations

import re

from django.conf import settings as dj_settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import get_public_schema_name, schema_context

from studio.models import StudioSettings
from studio.selectors.settings import studio_settings_get
from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.staff import staff_is_owner

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"

ONLY_YOURS = "You set up and remove your own two-factor sign-in only."
ALREADY_ON = "Two-factor sign-in is already on. Remove it first to move to a new phone."
NOT_STARTED = "Start the set-up again: no authenticator app is waiting to be confirmed."
WRONG_CODE = "That code does not match. Type the 6-digit code your app shows now."
APP_FIRST = "Set up the authenticator app first: backup codes stand in for it."
REQUIRED_HERE = (
    "Two-factor sign-in is required here, so it cannot be removed. If your phone is lost, "
    "set it up again on a new one after an owner resets it."
)
OPERATORS_ALWAYS = "Platform operators always sign in with two factors."
RESET_BY_OWNERS = "Only an owner resets another person's two-factor sign-in."
RESET_BY_OPERATORS = "Only a platform operator resets a studio owner's two-factor sign-in."
RESET_YOURS = "Your own two-factor sign-in is changed on your Two-factor sign-in page."
NOTHING_TO_RESET = "{who} has no two-factor sign-in to reset."
NO_OWNER = "This studio has no active owner account for {email}."
REQUIRED_BY_OWNERS = "Only an owner decides whether the studio requires two-factor sign-in."
OWNER_FIRST = "Set up your own two-factor sign-in before requiring it of everyone."
NOT_IN_A_STUDIO = "The requirement is a studio setting; operators always use two factors."


def _in_public_schema() -> bool:
    return connection.schema_name == get_public_schema_name()


def totp_issuer(device) -> str:
    tenant = getattr(connection, "tenant", None)
    if _in_public_schema() or not getattr(tenant, "name", ""):
        return dj_settings.PLATFORM_NAME
    return f"{tenant.name} ({dj_settings.PLATFORM_NAME})"


def _self_only(*, user, by) -> None:
    if by is None or by.pk != user.pk:
        raise StudioError(ONLY_YOURS)


def two_factor_is_on(user) -> bool:
    """Whether this account signs in with a second factor (a confirmed device of any kind)."""
    return bool(user and user.is_authenticated and user_has_device(user, confirmed=True))


def two_factor_is_required(user) -> bool:
    """Operators (the public schema's staff) always; a studio's staff when the studio says so."""
    if _in_public_schema():
        return True
    return studio_settings_get().two_factor_required


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _audit(*, action: str, user, by, changes: dict | None = None) -> None:
    audit_record(action=action, obj=user, by=by, changes=changes)


@transaction.atomic
def two_factor_enrol_start(*, user, by) -> TOTPDevice:
    """The app waiting to be confirmed: a new secret, or the one already shown (so a page
    reloaded after scanning does not invalidate the scan). Nothing changes for sign-in until
    it is confirmed, so nothing is audited yet."""
    _self_only(user=user, by=by)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise StudioError(ALREADY_ON)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def _backup_codes_replace(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_enrol_confirm(*, user, code: str, by) -> tuple[TOTPDevice, list[str]]:
    """The first code from the app proves it holds the secret: the app is on, and the ten
    backup codes are made (returned once, to be shown once)."""
    _self_only(user=user, by=by)
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("-pk")
        .first()
    )
    if device is None:
        raise StudioError(NOT_STARTED)
    if not device.verify_token(_digits(code)):
        raise StudioError(WRONG_CODE, field="code")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _backup_codes_replace(user)
    _audit(
        action="two_factor.enrolled",
        user=user,
        by=by,
        changes={"app": [None, device.name], "backup_codes": [None, len(codes)]},
    )
    return device, codes


@transaction.atomic
def two_factor_backup_codes_generate(*, user, by) -> list[str]:
    """Ten new backup codes; the old ones stop working."""
    _self_only(user=user, by=by)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise StudioError(APP_FIRST)
    left = backup_codes_left(user)
    codes = _backup_codes_replace(user)
    _audit(
        action="two_factor.backup_codes",
        user=user,
        by=by,
        changes={"backup_codes": [left, len(codes)]},
    )
    return codes


def _devices_delete(user) -> int:
    deleted = 0
    for model in (TOTPDevice, StaticDevice):
        count, _ = model.objects.filter(user=user).delete()
        deleted += count
    return deleted


@transaction.atomic
def two_factor_remove(*, user, by) -> None:
    """Turn one's own second factor off, where nothing requires it."""
    _self_only(user=user, by=by)
    if _in_public_schema():
        raise StudioError(OPERATORS_ALWAYS)
    if two_factor_is_required(user):
        raise StudioError(REQUIRED_HERE)
    if not two_factor_is_on(user):
        return
    _devices_delete(user)
    _audit(action="two_factor.removed", user=user, by=by, changes={"two_factor": [True, False]})


def _reset(*, user, by, refused_if_none: bool = True) -> None:
    if not two_factor_is_on(user) and refused_if_none:
        raise StudioError(NOTHING_TO_RESET.format(who=user.get_username()))
    _devices_delete(user)
    _audit(action="two_factor.reset", user=user, by=by, changes={"two_factor": [True, False]})


@transaction.atomic
def two_factor_reset(*, user, by) -> None:
    """Recovery for someone who lost their phone: their app and backup codes are deleted and
    they set up a new app at their next sign-in. In a studio, an owner resets anyone else's
    (another owner's too); in the public schema, an operator resets another operator's."""
    if by is None or not by.is_active:
        raise StudioError(RESET_BY_OPERATORS if _in_public_schema() else RESET_BY_OWNERS)
    if by.pk == user.pk:
        raise StudioError(RESET_YOURS)
    if _in_public_schema():
        if not (by.is_staff and by.is_superuser):
            raise StudioError(RESET_BY_OPERATORS)
    elif not staff_is_owner(by):
        raise StudioError(RESET_BY_OWNERS)
    _reset(user=user, by=by)


@transaction.atomic
def two_factor_reset_studio_owner(*, studio, by) -> None:
    """An operator resets the two-factor sign-in of a studio's owner (the account of the
    studio's owner e-mail), in the studio's schema. The studio's trail says the platform did
    it; the platform's trail says which operator."""
    if connection.schema_name != get_public_schema_name():
        raise StudioError(RESET_BY_OPERATORS)
    if by is None or not (by.is_active and by.is_staff and by.is_superuser):
        raise StudioError(RESET_BY_OPERATORS)
    email = (studio.owner_email or "").lower()
    with schema_context(studio.schema_name):
        owner = get_user_model().objects.filter(username=email, is_active=True).first()
        if owner is None or not staff_is_owner(owner):
            raise StudioError(NO_OWNER.format(email=email or "(none)"))
        # The operator is not a user of the studio's schema: its trail names no account.
        _reset(user=owner, by=None)
    audit_record(
        action="two_factor.reset",
        obj=studio,
        by=by,
        changes={"owner_two_factor": [email, None]},
    )


@transaction.atomic
def two_factor_required_set(*, required: bool, by) -> StudioSettings:
    """Whether every member of the studio's staff must sign in with two factors."""
    if _in_public_schema():
        raise StudioError(NOT_IN_A_STUDIO)
    if not staff_is_owner(by):
        raise StudioError(REQUIRED_BY_OWNERS, field="two_factor_required")
    settings = StudioSettings.objects.select_for_update().get()
    if settings.two_factor_required == required:
        return settings
    if required and not two_factor_is_on(by):
        raise StudioError(OWNER_FIRST, field="two_factor_required")
    settings.two_factor_required = required
    settings.save(update_fields=["two_factor_required"])
    audit_record(
        action="two_factor.required",
        obj=settings,
        by=by,
        changes={"two_factor_required": [not required, required]},
    )
    return settings


def _digits(code: str) -> str:
    return re.sub(r"\s", "", code or "")


def backup_code_normalise(code: str) -> str:
    """Backup codes are shown in lower case, in two groups; typed any way, they still match."""
    return re.sub(r"[\s-]", "", code or "").lower()
