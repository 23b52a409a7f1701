"""The "Two-factor sign-in" page of both admins: set up an authenticator app with a QR code,
confirm it with a first code, see the backup codes once, make new ones, or turn it off."""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from studio.services.errors import StudioError
from studio.services.two_factor import (
    backup_codes_left,
    two_factor_backup_codes_generate,
    two_factor_enrol_confirm,
    two_factor_enrol_start,
    two_factor_is_on,
    two_factor_is_required,
    two_factor_remove,
    two_factor_reset_studio_owner,
)
from studio.views.two_factor_forms import AppCodeForm

PAGE = "two_factor/account.html"
CODES = "two_factor/codes.html"


def _qr_svg(device: TOTPDevice) -> str:
    # Drawn from the otpauth:// address alone (the data is encoded as squares, never as
    # markup), dark on white whatever the admin's theme, so phone cameras read it.
    qr = segno.make(device.config_url, error="m")
    return mark_safe(qr.svg_inline(scale=5, border=3, dark="#000", light="#fff"))


def _secret_text(device: TOTPDevice) -> str:
    """The secret in base32, as apps take it when typed, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _page(request, admin_site: AdminSite, *, form=None, status=200):
    user = request.user
    on = two_factor_is_on(user)
    context = {
        **admin_site.each_context(request),
        "title": _("Two-factor sign-in"),
        "two_factor_on": on,
        "required": two_factor_is_required(user),
        "codes_left": backup_codes_left(user) if on else 0,
        "site_namespace": admin_site.name,
    }
    if not on:
        device = two_factor_enrol_start(user=user, by=user)
        context.update(
            qr_svg=_qr_svg(device),
            secret=_secret_text(device),
            form=form or AppCodeForm(),
        )
    return TemplateResponse(request, PAGE, context, status=status)


def _codes(request, admin_site: AdminSite, codes: list[str], *, title):
    context = {
        **admin_site.each_context(request),
        "title": title,
        "codes": [f"{code[:4]}-{code[4:]}" for code in codes],
        "site_namespace": admin_site.name,
    }
    return TemplateResponse(request, CODES, context)


def two_factor_page(request, *, admin_site: AdminSite):
    return _page(request, admin_site)


@require_POST
def two_factor_confirm(request, *, admin_site: AdminSite):
    form = AppCodeForm(request.POST)
    if form.is_valid():
        try:
            device, codes = two_factor_enrol_confirm(
                user=request.user, code=form.cleaned_data["code"], by=request.user
            )
        except StudioError as exc:
            form.add_error("code", exc.message)
        else:
            # They have just proved they hold the app: this sign-in counts as verified.
            otp_login(request, device)
            return _codes(request, admin_site, codes, title=_("Two-factor sign-in is on"))
    return _page(request, admin_site, form=form, status=400)


@require_POST
def two_factor_backup_codes(request, *, admin_site: AdminSite):
    try:
        codes = two_factor_backup_codes_generate(user=request.user, by=request.user)
    except StudioError as exc:
        messages.error(request, exc.message)
        return redirect(f"{admin_site.name}:two_factor")
    return _codes(request, admin_site, codes, title=_("New backup codes"))


@require_POST
def two_factor_turn_off(request, *, admin_site: AdminSite):
    try:
        two_factor_remove(user=request.user, by=request.user)
    except StudioError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Two-factor sign-in is off: you sign in with your password."))
    return redirect(f"{admin_site.name}:two_factor")


def studio_owner_reset_page(request, *, modeladmin, studio):
    """The platform admin's confirmation page for resetting a studio owner's two factors."""
    back = reverse(f"{modeladmin.admin_site.name}:tenancy_studio_change", args=[studio.pk])
    error = ""
    if request.method == "POST":
        try:
            two_factor_reset_studio_owner(studio=studio, by=request.user)
        except StudioError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("%(email)s sets up two-factor sign-in again at their next sign-in.")
                % {"email": studio.owner_email},
            )
            return redirect(back)
    form = forms.Form()
    if error:
        form.add_error(None, error)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Reset the owner's two-factor sign-in: %(studio)s") % {"studio": studio},
        "verb": _("Reset the owner's two-factor sign-in"),
        "object": studio,
        "summary": [
            _("The authenticator app and backup codes of %(email)s stop working.")
            % {"email": studio.owner_email or _("(no owner e-mail)")},
            _("The studio's audit trail and the platform's record the reset."),
        ],
        "warning": _(
            "For an owner who lost their phone: make sure, by a channel you trust, that it is "
            "them who asked."
        ),
        "form": form,
        "back": back,
        "opts": modeladmin.opts,
    }
    return TemplateResponse(request, "studio/admin/money_action.html", context)


def two_factor_urls(site: AdminSite) -> list:
    """The pages, for an admin site's get_urls (the studio's and the platform's)."""
    page = {"admin_site": site}
    return [
        path("two-factor/", site.admin_view(two_factor_page), page, name="two_factor"),
        path(
            "two-factor/confirm/",
            site.admin_view(two_factor_confirm),
            page,
            name="two_factor_confirm",
        ),
        path(
            "two-factor/backup-codes/",
            site.admin_view(two_factor_backup_codes),
            page,
            name="two_factor_backup_codes",
        ),
        path(
            "two-factor/remove/",
            site.admin_view(two_factor_turn_off),
            page,
            name="two_factor_remove",
        ),
    ]
