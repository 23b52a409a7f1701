"""Who is signed in to the portal: a client's account, never a member of staff."""

from __future__ import annotations

import functools

from django.shortcuts import redirect
from django.urls import reverse


def portal_account_of(user):
    """The user's portal account, or None (anonymous visitors and staff have none)."""
    if not user.is_authenticated or user.is_staff:
        return None
    return getattr(user, "portal_account", None)


def portal_login_required(view):
    """The view runs for a signed-in client only, with `request.portal_account` and
    `request.portal_client` set; anyone else is sent to the portal's sign-in page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        account = portal_account_of(request.user)
        if account is None:
            return redirect(f"{reverse('portal:sign_in')}?next={request.get_full_path()}")
        request.portal_account = account
        request.portal_client = account.client
        return view(request, *args, **kwargs)

    return wrapper
