"""A studio's own Stripe account (Connect, Standard): its state and its onboarding.

The studio's clients pay into this account (direct charges), so the portal takes cards only when
the studio's plan includes card payments and Stripe says the account can take charges. The
account row lives on the Studio (public schema); the owner starts or resumes Stripe's onboarding
from Settings → Online payments, and Stripe's `account.updated` events (siteconf.webhooks) keep
the two flags current.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from siteconf import stripe_gateway as gateway
from siteconf.tenancy.features import feature_check, studio_has
from siteconf.tenancy.models import Studio
from studio.services.audit import audit_record, changes_between, snapshot
from studio.services.errors import StudioError
from studio.services.permissions import permission_check

NOT_CONFIGURED = "Card payments are not set up on this platform yet."

# What the Online payments page shows, in the order a studio goes through them.
NO_PLAN_CARDS = "plan"
NOT_CONNECTED = "not_connected"
INCOMPLETE = "incomplete"
READY = "ready"


def studio_card_state(studio: Studio) -> str:
    if not studio_has("card_payments", studio):
        return NO_PLAN_CARDS
    if not studio.stripe_account_id:
        return NOT_CONNECTED
    if not studio.stripe_charges_enabled:
        return INCOMPLETE
    return READY


def studio_takes_cards(studio: Studio) -> bool:
    """Whether the portal may take a card for this studio now."""
    return gateway.enabled() and studio_card_state(studio) == READY


def studio_stripe_status_apply(
    *, studio: Studio, charges_enabled: bool, details_submitted: bool, by=None
) -> bool:
    """Record the connected account's state on the studio; whether anything changed."""
    fields = ["stripe_charges_enabled", "stripe_details_submitted"]
    before = snapshot(studio, fields)
    studio.stripe_charges_enabled = charges_enabled
    studio.stripe_details_submitted = details_submitted
    changes = changes_between(before, snapshot(studio, fields))
    if not changes:
        return False
    studio.save(update_fields=fields)
    audit_record(action="studio.stripe_account_updated", obj=studio, by=by, changes=changes)
    return True


def stripe_onboarding_start(*, studio: Studio, by, return_url: str) -> str:
    """Open the studio's Standard account on Stripe if it has none, and return the link that
    takes the owner through Stripe's onboarding (back to `return_url` when done or expired)."""
    permission_check(by, "studio.change_studiosettings")
    if not gateway.enabled():
        raise StudioError(NOT_CONFIGURED)
    feature_check("card_payments", studio)
    with transaction.atomic():
        studio = Studio.objects.select_for_update().get(pk=studio.pk)
        if not studio.stripe_account_id:
            try:
                account = gateway.account_create(
                    email=studio.owner_email,
                    country=settings.STRIPE_ACCOUNT_COUNTRY,
                    metadata={"studio_schema": studio.schema_name, "studio": studio.name},
                )
            except gateway.GatewayError as exc:
                raise StudioError(exc.message) from exc
            studio.stripe_account_id = account
            studio.save(update_fields=["stripe_account_id"])
            audit_record(
                action="studio.stripe_account_created",
                obj=studio,
                by=by,
                changes={"stripe_account_id": [None, account]},
            )
    try:
        return gateway.account_link(
            account=studio.stripe_account_id, refresh_url=return_url, return_url=return_url
        )
    except gateway.GatewayError as exc:
        raise StudioError(exc.message) from exc


def stripe_account_refresh(*, studio: Studio, by=None) -> bool:
    """Ask Stripe for the account's state now (the owner is back from onboarding before the
    webhook arrives). Whether it changed; a Stripe outage leaves the flags as they were."""
    if not studio.stripe_account_id or not gateway.enabled():
        return False
    try:
        charges, submitted = gateway.account_status(account=studio.stripe_account_id)
    except gateway.GatewayError:
        return False
    return studio_stripe_status_apply(
        studio=studio, charges_enabled=charges, details_submitted=submitted, by=by
    )


def demo_account_connect(*, studio: Studio) -> bool:
    """Give a demo studio whose plan includes card payments a connected account that can take
    charges, so the demo portal takes cards. Offline only (or with no Stripe configured): on
    Stripe, an account is opened by its owner. Whether it connected one now."""
    if gateway.enabled() and not gateway.offline():
        return False
    if studio_card_state(studio) != NOT_CONNECTED:
        return False
    studio.stripe_account_id = gateway.offline_account_id(studio.schema_name)
    studio.stripe_charges_enabled = studio.stripe_details_submitted = True
    studio.save(
        update_fields=["stripe_account_id", "stripe_charges_enabled", "stripe_details_submitted"]
    )
    audit_record(
        action="studio.stripe_account_created",
        obj=studio,
        changes={"stripe_account_id": [None, studio.stripe_account_id]},
    )
    return True
