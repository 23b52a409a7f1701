"""Settings → Online payments: the studio's own Stripe account and its onboarding.

Clients' card payments go to the studio's Stripe account (Connect, Standard). The page says
which of four states the studio is in, and its one button (owners only) opens the account if
there is none and sends the owner to Stripe's onboarding, which returns here. Coming back, the
page asks Stripe for the account's state at once rather than wait for the webhook.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from siteconf import stripe_accounts, stripe_gateway
from siteconf.tenancy.features import feature_plans_sentence
from siteconf.tenancy.models import Studio
from studio.services.errors import StudioError
from studio.services.readonly import renew_url

VIEW = "studio.view_studiosettings"
CHANGE = "studio.change_studiosettings"

STATES = {
    stripe_accounts.NO_PLAN_CARDS: (
        _("Not in your plan"),
        _(
            "Your plan does not include card payments: the client portal takes booking "
            "requests without a card."
        ),
    ),
    stripe_accounts.NOT_CONNECTED: (
        _("Not connected"),
        _(
            "Connect a Stripe account to take booking deposits by card in the client "
            "portal. The money goes straight to your account; Stripe asks for your business "
            "details and a bank account."
        ),
    ),
    stripe_accounts.INCOMPLETE: (
        _("Onboarding incomplete"),
        _(
            "Your Stripe account exists but cannot take payments yet: Stripe still needs "
            "some details. Continue where you left off."
        ),
    ),
    stripe_accounts.READY: (
        _("Ready to take cards"),
        _("Clients can pay their booking deposits by card in the portal."),
    ),
}


def _studio() -> Studio:
    return Studio.objects.select_related("plan").get(schema_name=connection.schema_name)


@require_http_methods(["GET", "POST"])
def online_payments_view(request, *, admin_site: AdminSite):
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    studio = _studio()
    here = request.build_absolute_uri(reverse("admin:online_payments"))
    if request.method == "POST":
        try:
            link = stripe_accounts.stripe_onboarding_start(
                studio=studio, by=request.user, return_url=here
            )
        except StudioError as exc:
            if not request.user.has_perm(CHANGE):
                raise PermissionDenied from exc
            messages.error(request, exc.message)
            return HttpResponseRedirect(here)
        return HttpResponseRedirect(link)
    if stripe_accounts.studio_card_state(studio) == stripe_accounts.INCOMPLETE:
        # Back from Stripe before its webhook: ask now, so the page says what Stripe says.
        stripe_accounts.stripe_account_refresh(studio=studio, by=request.user)
    state = stripe_accounts.studio_card_state(studio)
    label, explanation = STATES[state]
    if state == stripe_accounts.NO_PLAN_CARDS:
        explanation = f"{explanation} {feature_plans_sentence('card_payments')}"
    context = {
        **admin_site.each_context(request),
        "title": _("Online payments"),
        "state": state,
        "state_label": label,
        "explanation": explanation,
        "studio": studio,
        "offline": stripe_gateway.offline(),
        "configured": stripe_gateway.enabled(),
        "can_change": request.user.has_perm(CHANGE),
        "upgrade_url": renew_url(),
        "button": {
            stripe_accounts.NOT_CONNECTED: _("Connect with Stripe"),
            stripe_accounts.INCOMPLETE: _("Continue onboarding on Stripe"),
            stripe_accounts.READY: _("Review your account on Stripe"),
        }.get(state),
    }
    return TemplateResponse(request, "studio/admin/online_payments.html", context)
