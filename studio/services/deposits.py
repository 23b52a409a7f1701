"""The booking policy a client meets: what deposit a session asks, whether a card is taken
online, whether the studio approves bookings first, and the cancellation tiers in plain words.

One place for these rules: the back office's booking form, the portal and the imports all read
the deposit from `deposit_terms`, and the portal shows `policy_lines` next to the price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from studio.models import Client
from studio.selectors.settings import studio_settings_get
from studio.services.totals import round_money


@dataclass(frozen=True)
class DepositTerms:
    percent: Decimal
    amount: Decimal
    reason: str  # why this deposit, in words a client understands


def deposit_terms(*, client: Client | None, price: Decimal, currency: str) -> DepositTerms:
    """The deposit for a session of `price`: label and company accounts pay the account
    percentage (none by default: they are invoiced on terms), a client with a no-show on record
    pays the stricter no-show percentage, everyone else the studio's usual percentage."""
    settings = studio_settings_get()
    percent, reason = settings.deposit_percent, _("Deposit to secure the booking.")
    if client is not None and client.terms == Client.Terms.ACCOUNT:
        percent = settings.account_deposit_percent
        reason = (
            _("Your account is invoiced on terms: no deposit to pay now.")
            if not percent
            else _("Deposit for accounts on terms.")
        )
    elif client is not None and client.no_show_count:
        percent = max(settings.deposit_percent, settings.no_show_deposit_percent)
        reason = _("A missed session is on record, so the deposit is higher.")
    amount = round_money(price * percent / 100, currency)
    return DepositTerms(percent=percent, amount=amount, reason=reason)


def approval_required() -> bool:
    return studio_settings_get().approval_required


def card_payments_available() -> tuple[bool, str]:
    """Whether the portal takes cards now, and if not, why (shown to the client and the owner).

    Cards need a plan that includes them, Stripe configured on the platform, and the studio's
    own Stripe account ready to take charges."""
    from siteconf import stripe_gateway
    from siteconf.tenancy.features import studio_has
    from siteconf.tenancy.models import Studio

    studio = Studio.objects.get(schema_name=connection.schema_name)
    if not studio_has("card_payments", studio):
        return False, _("Card payments are not part of this studio's plan.")
    if not stripe_gateway.enabled():
        return False, _("Card payments are not set up on this platform.")
    if not (studio.stripe_account_id and studio.stripe_charges_enabled):
        return False, _("The studio has not finished setting up card payments.")
    return True, ""


def policy_lines() -> list[str]:
    """The cancellation tiers as sentences: “Cancel 7 days or more before the start: 100 % of
    the deposit back.”, ending with what happens later than the last tier that refunds."""
    tiers = list(studio_settings_get().tiers.order_by("-min_hours_before"))
    refunding = [tier for tier in tiers if tier.refund_percent > 0]
    lines = []
    for tier in refunding:
        if tier.min_hours_before == 0:
            lines.append(
                _("Cancel any time before the start: %(percent)s %% of the deposit back.")
                % {"percent": _percent(tier)}
            )
        else:
            lines.append(
                _("Cancel %(when)s or more before the start: %(percent)s %% of the deposit back.")
                % {"when": _hours_in_words(tier.min_hours_before), "percent": _percent(tier)}
            )
    if not refunding:
        lines.append(_("The deposit is not refunded on cancellation."))
    elif refunding[-1].min_hours_before > 0:
        lines.append(_("Later than that, the deposit is not refunded."))
    return lines


def _percent(tier) -> str:
    return f"{tier.refund_percent.normalize():f}"


def _hours_in_words(hours: int) -> str:
    if hours and hours % 24 == 0:
        days = hours // 24
        return _("1 day") if days == 1 else _("%(n)s days") % {"n": days}
    return _("1 hour") if hours == 1 else _("%(n)s hours") % {"n": hours}
