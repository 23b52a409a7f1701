"""The sign-in form of both admins, with one code field for the second factor, and the form
that confirms a new authenticator app."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from unfold.widgets import BASE_INPUT_CLASSES

from siteconf.tenancy.admin_ui import EmailAuthenticationForm
from studio.services.two_factor import backup_code_normalise, two_factor_is_on

APP_CODE = re.compile(r"\d{6}")


def _code_widget(**attrs) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "class": " ".join(BASE_INPUT_CLASSES),
            "autocomplete": "one-time-code",
            "autocapitalize": "off",
            "spellcheck": "false",
            **attrs,
        }
    )


class TwoFactorLoginForm(OTPAuthenticationFormMixin, EmailAuthenticationForm):
    """E-mail, password and, for accounts with two-factor sign-in, a code.

    One field takes either kind of code: six digits are for the authenticator app, anything
    else is tried as a backup code, so nobody picks a device and a wrong guess only counts
    against the device it was meant for. A wrong code after the right password is a failed
    sign-in like a wrong password, for the lockout counter and the audit trail alike.
    """

    otp_token = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        max_length=32,
        help_text=_(
            "The 6-digit code from your authenticator app, or one of your backup codes. "
            "Leave it empty if you have not set up two-factor sign-in."
        ),
        widget=_code_widget(),
    )

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _(
            "This account uses two-factor sign-in: type the 6-digit code from your app, "
            "or a backup code."
        ),
        "invalid_token": _("That code is not right. Try the code your app shows now."),
        "device_required": _("That is neither a code from your app nor one of your backup codes."),
    }

    def clean_otp_token(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data.get("otp_token") or "")
        return code if APP_CODE.fullmatch(code) else backup_code_normalise(code)

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and two_factor_is_on(user):
            try:
                self.clean_otp(user)
            except forms.ValidationError:
                user_login_failed.send(
                    sender=type(self),
                    credentials={"username": cleaned.get("username", "")},
                    request=self.request,
                )
                raise
        return cleaned

    def _chosen_device(self, user):
        code = self.cleaned_data.get("otp_token") or ""
        model = TOTPDevice if APP_CODE.fullmatch(code) else StaticDevice
        return model.objects.select_for_update().filter(user=user, confirmed=True).first()

    def _update_form(self, user):
        # The mixin would fill a device picker here; this form has none.
        pass


class AppCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        widget=_code_widget(inputmode="numeric", pattern=r"[0-9 ]*", autofocus=""),
    )
