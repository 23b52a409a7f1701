"""A studio whose subscription lapsed is read-only: readable, exportable, payable, never
deleted, but nothing in it changes.

The rule is asked by `audit_record`, which every business write calls inside its transaction,
so a refusal rolls the write back whichever path tried it (admin, import, task, command).
Services that do heavy work before writing ask `studio_writable_check()` first, to refuse
before spending anything, and so do the few writes that happen before (or without) an audit
entry: an audio chunk appended to its spool file, a portal hold released, an import confirmed.
The HTTP middleware answers browsers early with a 402 page (studio.middleware).

What is left running on purpose: e-mail already queued is delivered, stored PDFs are rendered
for download, a client's data export is built, an upload already received is processed, and
sign-in bookkeeping (last seen, links used, lockouts) is kept. The scheduled rounds (daily and
minute) skip a read-only studio altogether.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name

from siteconf.tenancy.models import Studio, SubscriptionStatus
from studio.services.errors import StudioError

# What a read-only studio may still do: take money it is owed (and the receipts, refunds and
# settlement that follow), keep its mailbox going, and let its staff sign in to read.
# Money still coming in, and signing in: a lapsed studio's owner must be able to reach the data
# and the renewal, second factor included (enrolling, or an operator's recovery of a lost phone).
# Reading includes taking one's data away: a client's "Download my data" archive, and the
# erasure request the law gives every client (it asks; nothing is deleted until staff act).
ALLOWED_WHEN_READ_ONLY = (
    "payment.",
    "invoice.settled",
    "email.",
    "login.",
    "two_factor.",
    "dataexport.",
    "client.erasure_requested",
)


class StudioReadOnly(StudioError):
    pass


def renew_url() -> str:
    """Where the owner renews: the studio's Settings → Subscription page, on its own domain
    (the one page of a read-only back office that still takes a POST); the platform's pricing
    page when no studio is at hand."""
    from siteconf.tenancy.features import current_studio, subscription_url

    studio = current_studio()
    if studio is not None:
        return subscription_url(studio)
    port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT else ""
    return f"{settings.PUBLIC_SCHEME}://{settings.PLATFORM_DOMAIN}{port}/pricing/"


def studio_subscription_status() -> str | None:
    """The current studio's subscription state (None in the public schema)."""
    if connection.schema_name == get_public_schema_name():
        return None
    tenant = getattr(connection, "tenant", None)
    status = getattr(tenant, "subscription_status", None)
    if status is None:  # a task or command: the connection only knows the schema's name
        status = (
            Studio.objects.filter(schema_name=connection.schema_name)
            .values_list("subscription_status", flat=True)
            .first()
        )
    return status


def studio_is_read_only() -> bool:
    return studio_subscription_status() == SubscriptionStatus.READ_ONLY


def read_only_message() -> str:
    tenant = getattr(connection, "tenant", None)
    name = getattr(tenant, "name", None) or "This studio"
    return (
        f"{name} is read-only: its subscription has lapsed. Nothing was changed. "
        f"Renew it to work again: {renew_url()}"
    )


def portal_read_only_message() -> str:
    """The same refusal as a studio's client reads it: what still works, and whom to ask. The
    client has no subscription to renew, so the page does not talk about one."""
    from studio.selectors.settings import studio_settings_get

    tenant = getattr(connection, "tenant", None)
    name = getattr(tenant, "name", None) or "The studio"
    contact = studio_settings_get().email
    ask = f" To arrange something now, write to {contact}." if contact else ""
    return (
        f"{name} is not taking changes online at the moment: bookings, comments, approvals "
        "and profile changes wait until it is back. Nothing was changed. You can still read "
        f"and download your documents, and pay your invoices.{ask}"
    )


def studio_writable_check(*, action: str = "") -> None:
    """Refuse a write to a read-only studio (`action` names it, for the allowed ones)."""
    if action.startswith(ALLOWED_WHEN_READ_ONLY):
        return
    if studio_is_read_only():
        raise StudioReadOnly(read_only_message())
