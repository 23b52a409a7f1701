"""The e-mails that carry a portal link: an invitation, a welcome after registering, a
sign-in link, a reset link. Each names the studio, says what the link does and how long it
works. They are written by the sending task, which alone ever holds the link's secret."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse

from portal.models import PortalAccount
from portal.services.accounts import (
    INVITATION,
    LINK_LIFETIME,
    RESET,
    SIGN_IN,
    WELCOME,
    link_issue,
)


def link_email(
    *, account_id: int, kind: str, next_url: str = "", studio
) -> tuple[str, str, str] | None:
    """(subject, text, recipient) of a link e-mail, with a new link in it; None when the
    account is gone or closed. It names the studio, what the link does and when it expires."""
    account = (
        PortalAccount.objects.select_related("client", "user")
        .filter(pk=account_id, user__is_active=True)
        .first()
    )
    if account is None:
        return None
    secret, link = link_issue(account=account, kind=kind)
    path = reverse("portal:link", args=[link.purpose, secret])
    if next_url:
        path = f"{path}?{urlencode({'next': next_url})}"
    url = studio.url_for(path)
    lifetime = _lifetime_words(LINK_LIFETIME[link.purpose])
    name = studio.name
    subject, opening, action = {
        INVITATION: (
            f"{name} invites you to its client portal",
            f"{name} has opened a client portal account for you, with the login "
            f"{account.email}. There you can book sessions and pay deposits online.",
            "Open your account (and choose a password if you like)",
        ),
        WELCOME: (
            f"Your account at {name}'s client portal",
            f"Someone, hopefully you, asked for an account at {name}'s client portal with the "
            f"login {account.email}.",
            "Open your account (and choose a password if you like)",
        ),
        SIGN_IN: (
            f"Your sign-in link for {name}",
            f"Someone, hopefully you, asked to sign in to {name}'s client portal as "
            f"{account.email}.",
            "Sign in",
        ),
        RESET: (
            f"Choose a new password for {name}'s client portal",
            f"Someone, hopefully you, asked to choose a new password for {account.email} at "
            f"{name}'s client portal.",
            "Choose your new password",
        ),
    }[kind]
    body = (
        f"Hello {account.client.name},\n\n{opening}\n\n"
        f"{action} here. The link works once, within {lifetime}:\n{url}\n\n"
        "If you did not expect this e-mail, ignore it: nothing happens without the link.\n\n"
        f"{name}\n"
    )
    return subject, body, account.email


def _lifetime_words(lifetime: timedelta) -> str:
    minutes = int(lifetime.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return f"{days} day{'s' if days != 1 else ''}"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"
