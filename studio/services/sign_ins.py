"""Sign-ins in the audit trail: who signed in or out, and every refused attempt with the login
that was tried and the address it came from (of a studio's back office in its own trail, of
the platform admin and the CMS in the platform's)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from studio.services.audit import audit_record
from studio.services.lockouts import client_address


def _address(request) -> str:
    # The address the lockouts count by, so the trail and the lockouts agree.
    return client_address(request) if request else ""


def sign_in_record(*, user, request=None) -> None:
    audit_record(
        action="login.succeeded", obj=user, by=user, changes={"from": [None, _address(request)]}
    )


def sign_out_record(*, user, request=None) -> None:
    if user is not None and getattr(user, "pk", None):
        audit_record(action="login.signed_out", obj=user, by=user)


def sign_in_failure_record(*, login: str, request=None) -> None:
    """A refused attempt. The account, when the login names one, is the object; otherwise the
    attempt is recorded against the login typed (never the password)."""
    login = (login or "").strip()[:150]
    account = get_user_model().objects.filter(username=login.lower()).first()
    target = account or get_user_model()(username=login or "(empty)")
    audit_record(
        action="login.failed",
        obj=target,
        changes={"login": [None, login], "from": [None, _address(request)]},
    )
