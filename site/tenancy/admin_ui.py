"""Callbacks the UNFOLD settings point at (dotted paths), shared by both admins."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from unfold.forms import AuthenticationForm


def site_title(request) -> str:
    tenant = getattr(request, "tenant", None)
    return getattr(tenant, "name", None) or settings.PLATFORM_NAME


def environment_badge(request) -> list[str] | None:
    if settings.DEBUG:
        return ["Demo / development", "warning"]
    return None


class EmailAuthenticationForm(AuthenticationForm):
    """Staff and operators sign in with their e-mail address (stored as the username)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})

    def clean_username(self) -> str:
        return (self.cleaned_data.get("username") or "").strip().lower()
