"""Stripe's account onboarding, offline: what the studio's owner would fill in on Stripe.

localstripe has no Connect, so offline the Account Link (siteconf.stripe_gateway) points here,
on the platform domain, with a signed, expiring token in place of Stripe's secret link. The page
lists what Stripe asks for; "Complete" sends what Stripe would then send: a signed
`account.updated` event in Stripe's recorded shape, posted to the real webhook view, which
stores it and queues its processing like any other. The owner then goes back to the studio's
Online payments page. With Stripe keys configured this page does not exist.
"""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.test import RequestFactory
from django.views.decorators.http import require_http_methods

from siteconf import stripe_gateway as gateway
from siteconf import webhooks
from siteconf.tenancy.models import Studio

# What Stripe's onboarding of a Standard account asks, as its pages list it.
ASKED = [
    "The type of business (individual, company, non-profit) and its registered address",
    "The representative's name, date of birth and home address",
    "What the business sells (here: studio time) and its website",
    "A bank account for payouts",
    "Acceptance of Stripe's services agreement",
]


@require_http_methods(["GET", "POST"])
def offline_onboarding(request, account: str):
    if not gateway.offline():
        raise Http404
    link = gateway.offline_onboarding_link_read(request.GET.get("token", ""), account=account)
    studio = Studio.objects.studios().filter(stripe_account_id=account).first()
    if link is None or studio is None:
        raise Http404
    if request.method == "POST":
        payload = gateway.offline_account_updated_event(
            account=account,
            schema_name=studio.schema_name,
            charges_enabled=True,
            details_submitted=True,
        )
        # Through the real view, signature check included: the same path as Stripe's event.
        delivery = RequestFactory().post(
            "/stripe/webhook/",
            data=payload,
            content_type="application/json",
            headers={"Stripe-Signature": gateway.webhook_sign(payload)},
        )
        response = webhooks.stripe_webhook(delivery)
        if response.status_code != 200:
            raise Http404
        return HttpResponseRedirect(link["return"])
    return render(
        request,
        "stripe/offline_onboarding.html",
        {"studio": studio, "account": account, "asked": ASKED, "back": link["refresh"]},
    )
