"""What the dashboard's set-up checklist shows until the onboarding wizard is finished."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from studio.models import Client, Room, StudioSettings


def onboarding_checklist(settings: StudioSettings) -> list[tuple[str, bool, str]]:
    """(what, done, where) for the dashboard until the wizard is finished."""
    return [
        (
            _("Add your address, time zone, currency and tax rate"),
            bool(settings.address),
            reverse("admin:onboarding_step", kwargs={"step": 1}),
        ),
        (
            _("Create your first room and its hourly rate"),
            Room.objects.exists(),
            reverse("admin:onboarding_step", kwargs={"step": 2}),
        ),
        (
            _("Invite your team or import your clients"),
            get_user_model().objects.filter(is_staff=True).count() > 1 or Client.objects.exists(),
            reverse("admin:onboarding_step", kwargs={"step": 3}),
        ),
    ]
