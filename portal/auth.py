"""Who is signed in to the portal: a client's account, never a member of staff.

Clients and staff are users of the same studio schema, so two rules keep them apart:
- a portal user is never staff, so the back office (`/admin/`) refuses them;
- a staff user has no portal account, so the portal never takes them for a client.
`PortalBackend` signs clients in with a password only when asked with `portal=True`, which
only the portal's sign-in does; django-axes' backend runs before it and counts each attempt.
Django's model backend, listed before it, is asked too and may return the same `portal:` user;
what decides is that the portal's views take a user only through `portal_account_of`, and sign
them in with this backend, so their session is loaded by it and stays a client's.
"""

from __future__ import annotations

import functools
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from portal.models import USERNAME_PREFIX
from portal.services.accounts import account_seen

# How stale the "last seen" on a client's page may get before a request refreshes it.
SEEN_EVERY = timedelta(minutes=15)


def portal_account_of(user):
    """The user's portal account, or None (anonymous visitors and staff have none)."""
    if not user.is_authenticated or user.is_staff or not user.is_active:
        return None
    return getattr(user, "portal_account", None)


def portal_login_required(view):
    """The view runs for a signed-in client only, with `request.portal_account` and
    `request.portal_client` set; anyone else (a member of staff too) is sent to the portal's
    sign-in page, coming back here afterwards."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        account = portal_account_of(request.user)
        if account is None:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('portal:sign_in')}?{query}")
        request.portal_account = account
        request.portal_client = account.client
        if account.last_seen_at is None or timezone.now() - account.last_seen_at > SEEN_EVERY:
            account_seen(account=account)
        return view(request, *args, **kwargs)

    return wrapper


class PortalBackend(BaseBackend):
    """Password sign-in of portal clients, and the backend their sessions are loaded with.

    It answers only `authenticate(..., portal=True)`, and signs in only a `portal:` username
    that belongs to an active, non-staff user with a portal account; it grants no permissions."""

    def authenticate(self, request, username=None, password=None, portal=False, **kwargs):
        if not portal:
            return None
        username = (username or "").strip().lower()
        user = None
        if username.startswith(USERNAME_PREFIX) and password is not None:
            user = self._users().filter(username=username).first()
        if user is None:
            # Hash anyway, so an unknown e-mail takes as long as a wrong password.
            get_user_model()().set_password(password or "")
            return None
        return user if user.check_password(password) else None

    def get_user(self, user_id):
        return self._users().filter(pk=user_id).first()

    @staticmethod
    def _users():
        return (
            get_user_model()
            .objects.filter(is_active=True, is_staff=False, portal_account__isnull=False)
            .select_related("portal_account__client")
        )
