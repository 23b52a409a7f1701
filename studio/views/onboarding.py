"""The first five minutes of a new studio: a signed link from sign-up logs the owner in, then a
three-step wizard (studio details → first room → team and clients), skippable and resumable,
with a checklist on the dashboard until it is done."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal

from django import forms
from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth import get_user_model, login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from siteconf.tenancy.services.signup import first_login_user
from studio import widgets as ui
from studio.demo.visitor import visitor_email
from studio.models import Room, StudioSettings
from studio.selectors.settings import studio_settings_get
from studio.services.errors import StudioError
from studio.services.rooms import room_create
from studio.services.settings import (
    onboarding_advance,
    onboarding_dismiss,
    studio_settings_update,
)

STEPS = {
    1: _("Your studio"),
    2: _("Your first room"),
    3: _("Your team and clients"),
}
TIMEZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


def welcome(request, token: str):
    """The link sign-up redirects to: signs the new owner in once, then starts the wizard."""
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
        # What a first invoice needs: who issues it, where, in what currency and tax, and how
        # the client pays (an IBAN or a UK account; both can wait for Studio settings).
        fields = [
            "legal_name",
            "address",
            "email",
            "timezone",
            "currency",
            "default_tax_rate",
            "vat_number",
            "iban",
            "sort_code",
            "account_number",
        ]
        widgets = {
            "legal_name": ui.TEXT,
            "address": ui.AREA(attrs={"rows": 3}),
            "email": ui.TEXT,
            "currency": ui.SELECT,
            "default_tax_rate": ui.MONEY,
            "vat_number": ui.TEXT,
            "iban": ui.TEXT,
            "sort_code": ui.TEXT,
            "account_number": ui.TEXT,
        }
        labels = {"legal_name": _("Studio name on invoices")}
        help_texts = {
            "email": _("Where clients reply to your quotes and invoices."),
            "iban": _(
                "Printed on invoices so clients can pay you. Or give a UK sort code and "
                "account number below; you can add these later in Studio settings."
            ),
        }


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


def onboarding(request, step: int | None = None, *, admin_site: AdminSite):
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
        return _advance(request, step)

    form = None
    if step == 1:
        initial = {"default_tax_rate": f"{settings.default_tax_rate.normalize():f}"}
        if not settings.legal_name:
            initial["legal_name"] = getattr(request.tenant, "name", "")
        form = DetailsForm(request.POST or None, instance=settings, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                studio_settings_update(
                    settings=settings,
                    by=request.user,
                    **{name: form.cleaned_data[name] for name in DetailsForm.Meta.fields},
                )
            except StudioError as exc:
                form.add_error(None, exc.message)
            else:
                return _advance(request, step)
    elif step == 2:
        form = RoomForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                room_create(
                    name=form.cleaned_data["name"],
                    hourly_rate=form.cleaned_data["hourly_rate"],
                    buffer_minutes=settings.default_buffer_minutes,
                    by=request.user,
                )
            except StudioError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return _advance(request, step)
    elif step == 3 and request.method == "POST":
        return _advance(request, step)

    context = {
        **admin_site.each_context(request),
        "title": _("Set up your studio"),
        "steps": STEPS,
        "step": step,
        "form": form,
        "settings": settings,
        "rooms": Room.objects.order_by("name")[:5],
        "currency": settings.currency,
    }
    return TemplateResponse(request, "studio/admin/onboarding.html", context)


def _advance(request, step: int):
    onboarding_advance(step=step, by=request.user)
    if step >= len(STEPS):
        return redirect("admin:calendar")  # where the first booking is taken
    return redirect("admin:onboarding_step", step=step + 1)


def onboarding_dismiss_view(request):
    if request.method != "POST" or not _can_set_up(request):
        raise PermissionDenied
    onboarding_dismiss(by=request.user)
    return redirect("admin:index")


@require_http_methods(["GET", "POST"])
@csrf_protect
@never_cache
def demo_visit(request, *, admin_site: AdminSite):
    """Where the marketing site's "Try the demo" lands: a page with one button, whose POST
    signs in the demo studio's read-only visitor.

    Only a POST carrying this host's CSRF token signs in, so no other site can sign a visitor
    into the demo behind their back (login CSRF) with a link or an image."""
    tenant = getattr(request, "tenant", None)
    slug = getattr(tenant, "slug", None)
    if not slug or slug != django_settings.DEMO_STUDIO:
        raise Http404("No demo here.")
    user = get_user_model().objects.filter(username=visitor_email(slug), is_active=True).first()
    if user is None:
        raise Http404("The demo studio is not set up.")
    if request.method == "POST":
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.info(
            request,
            _(
                "Welcome to the demo studio. Look around freely: it is read-only, "
                "nothing can change."
            ),
        )
        return redirect("admin:index")
    context = {**admin_site.each_context(request), "title": _("The demo studio")}
    return TemplateResponse(request, "studio/admin/demo_visit.html", context)
