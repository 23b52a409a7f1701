"""The demo's client portal: one artist of each demo studio has an account, so a visitor can
sign in to the portal and see it as that studio's client would."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.models import USERNAME_PREFIX, PortalAccount
from siteconf.tenancy.demo import DEMO_CLIENT_PASSWORD, demo_client_login
from studio.models import Client, Session


def portal_fill(*, domain: str, now) -> PortalAccount | None:
    """Give the independent artist with the most sessions to come a portal account (its
    e-mail becomes the demo login), and mark those sessions as booked online."""
    upcoming = Session.objects.filter(
        start__gt=now, status__in=[Session.Status.CONFIRMED, Session.Status.REQUESTED]
    )
    client = (
        Client.objects.filter(terms=Client.Terms.INDEPENDENT, sessions__in=upcoming)
        .distinct()
        .order_by("pk")
        .first()
    )
    if client is None:
        return None
    email = demo_client_login(domain.split(".")[0])
    Client.objects.filter(pk=client.pk).update(email=email)
    user = get_user_model().objects.create_user(
        username=f"{USERNAME_PREFIX}{email}", email=email, password=DEMO_CLIENT_PASSWORD
    )
    account = PortalAccount.objects.create(user=user, client=client, email=email)
    PortalAccount.objects.filter(pk=account.pk).update(last_seen_at=timezone.now())
    upcoming.filter(client=client).update(booked_online=True)
    return account
