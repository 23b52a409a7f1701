"""The first five minutes of a new studio: a signed link from sign-up logs the owner in, then a
three-step wizard (studio details → first room → team and clients), skippable and resumable,
with a checklist on the dashboard until it is done."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from studio.admin import actions as ui
from studio.admin.site import studio_admin_site
from studio.models import Client, Room, StudioSettings
from studio.selectors.settings import studio_settings_get
from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.plan_limits import plan_limit_check

STEPS = {
    1: _("Your studio"),
    2: _("Your first room"),
    3: _("Your team and clients"),
}
TIMEZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


def welcome(request, token: str):
    """The link sign-up redirects to: signs the new owner in once, then starts the wizard."""
    from siteconf.tenancy.services.signup import first_login_user

    user = first_login_user(token=token, schema_name=connection.schema_name)
    if user is None:
        messages.info(request, _("That sign-in link has expired or was used: sign in here."))
        return redirect("admin:login")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("admin:onboarding")


class DetailsForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=[(tz, tz) for tz in TIMEZONES], widget=ui.SELECT
    )

    class Meta:
        model = StudioSettings
        fields = ["legal_name", "address", "timezone", "currency", "default_tax_rate"]
        widgets = {
            "legal_name": ui.TEXT,
            "address": ui.AREA(attrs={"rows": 3}),
            "currency": ui.SELECT,
            "default_tax_rate": ui.MONEY,
        }
        labels = {"legal_name": _("Studio name on invoices")}


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Room name"), max_length=80, widget=ui.TEXT)
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate"),
        min_value=Decimal(0),
        max_digits=9,
        decimal_places=2,
        widget=ui.MONEY,
    )


def _can_set_up(request) -> bool:
    return request.user.has_perm("studio.change_studiosettings")


def onboarding(request, step: int | None = None):
    if not _can_set_up(request):
        raise PermissionDenied
    settings = studio_settings_get()
    if step is None:
        if settings.onboarding_done:
            return redirect("admin:index")
        return redirect("admin:onboarding_step", step=min(settings.onboarding_step, 3))
    if step not in STEPS:
        return redirect("admin:onboarding")
    if request.method == "POST" and "skip" in request.POST:
        return _advance(settings, step)

    form = None
    if step == 1:
        initial = {"default_tax_rate": f"{settings.default_tax_rate.normalize():f}"}
        if not settings.legal_name:
            initial["legal_name"] = getattr(request.tenant, "name", "")
        form = DetailsForm(request.POST or None, instance=settings, initial=initial)
        if request.method == "POST" and form.is_valid():
            form.save()
            audit_record(action="studiosettings.changed", obj=settings, by=request.user)
            return _advance(settings, step)
    elif step == 2:
        form = RoomForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    plan_limit_check("rooms")
                    room = Room.objects.create(
                        name=form.cleaned_data["name"],
                        hourly_rate=form.cleaned_data["hourly_rate"],
                        buffer_minutes=settings.default_buffer_minutes,
                    )
                    audit_record(action="room.created", obj=room, by=request.user)
            except StudioError as exc:
                form.add_error(None, exc.message)
            else:
                return _advance(settings, step)
    elif step == 3 and request.method == "POST":
        return _advance(settings, step)

    context = {
        **studio_admin_site.each_context(request),
        "title": _("Set up your studio"),
        "steps": STEPS,
        "step": step,
        "form": form,
        "settings": settings,
        "rooms": Room.objects.order_by("name")[:5],
        "currency": settings.currency,
    }
    return TemplateResponse(request, "studio/admin/onboarding.html", context)


def _advance(settings: StudioSettings, step: int):
    if step >= len(STEPS):
        settings.onboarding_done = True
        settings.onboarding_step = len(STEPS)
        settings.save(update_fields=["onboarding_done", "onboarding_step"])
        return redirect("admin:calendar")  # where the first booking is taken
    settings.onboarding_step = max(settings.onboarding_step, step + 1)
    settings.save(update_fields=["onboarding_step"])
    return redirect("admin:onboarding_step", step=step + 1)


def onboarding_checklist(settings: StudioSettings) -> list[tuple[str, bool, str]]:
    """(what, done, where) for the dashboard until the wizard is finished."""
    from django.contrib.auth import get_user_model

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


def onboarding_dismiss(request):
    if request.method != "POST" or not _can_set_up(request):
        raise PermissionDenied
    settings = studio_settings_get()
    settings.onboarding_done = True
    settings.save(update_fields=["onboarding_done"])
    return redirect("admin:index")


def demo_visit(request):
    """The marketing site's "Try the demo": signs in the demo studio's read-only visitor."""
    from django.conf import settings as django_settings
    from django.contrib.auth import get_user_model
    from django.http import Http404

    from studio.demo.visitor import visitor_email

    tenant = getattr(request, "tenant", None)
    slug = getattr(tenant, "slug", None)
    if not slug or slug != django_settings.DEMO_STUDIO:
        raise Http404("No demo here.")
    user = get_user_model().objects.filter(username=visitor_email(slug), is_active=True).first()
    if user is None:
        raise Http404("The demo studio is not set up.")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.info(
        request,
        _("Welcome to the demo studio. Look around freely: it is read-only, nothing can change."),
    )
    return redirect("admin:index")
