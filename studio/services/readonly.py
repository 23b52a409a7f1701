"""A studio whose subscription lapsed is read-only: readable, exportable, payable, never
deleted, but nothing in it changes.

The rule is asked by `audit_record`, which every business write calls inside its transaction,
so a refusal rolls the write back whichever path tried it (admin, import, task, command).
Services that do heavy work before writing ask `studio_writable_check()` first, to refuse
before spending anything. The HTTP middleware answers browsers early with a 402 page.
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
ALLOWED_WHEN_READ_ONLY = ("payment.", "invoice.settled", "email.", "login.", "two_factor.")


class StudioReadOnly(StudioError):
    pass


def renew_url() -> str:
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


def studio_writable_check(*, action: str = "") -> None:
    """Refuse a write to a read-only studio (`action` names it, for the allowed ones)."""
    if action.startswith(ALLOWED_WHEN_READ_ONLY):
        return
    if studio_is_read_only():
        raise StudioReadOnly(read_only_message())
