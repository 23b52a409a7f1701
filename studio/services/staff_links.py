"""Set-password links for staff: the invitation a new team member gets, and the reset link an
owner sends when someone forgot theirs. Nobody ever types another person's password.

A link is single use and expires: its token is Django's password-reset token, which no longer
matches once the password is set (or the account signs in), and is refused after
PASSWORD_RESET_TIMEOUT (three days by default). It also names the studio, so a link from one
studio opens nothing in another, where the same account number belongs to someone else.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import connection, transaction
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from siteconf.tasks import task_enqueue
from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.permissions import permission_check
from studio.services.staff import staff_create, staff_owner_guard

SEND_TASK = "studio.tasks.staff_link_send_task"
INVITE, RESET = "invite", "reset"
ALREADY_STAFF = "{email} already has an account in this studio."


class StudioTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "studio.staff-links"

    def _make_hash_value(self, user, timestamp):
        return f"{connection.schema_name}:{super()._make_hash_value(user, timestamp)}"


tokens = StudioTokenGenerator()


def staff_link_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/admin/set-password/{uid}/{tokens.make_token(user)}/"


def staff_link_user(*, uidb64: str, token: str):
    """The account a link opens, or None when it is wrong, used or expired."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True, is_staff=True).first()
    if user is None or not tokens.check_token(user, token):
        return None
    return user


@transaction.atomic
def staff_invite(
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    roles: Iterable[Group] = (),
    by=None,
):
    """Add a team member: an account without a password (it takes a seat of the plan now)
    and an e-mail with the link to choose one."""
    email = (email or "").strip().lower()
    if get_user_model().objects.filter(username=email).exists():
        raise StudioError(ALREADY_STAFF.format(email=email), field="email")
    user = staff_create(
        username=email,
        email=email,
        first_name=first_name,
        last_name=last_name,
        roles=roles,
        by=by,
    )
    audit_record(action="user.invited", obj=user, by=by, changes={"email": [None, email]})
    task_enqueue(SEND_TASK, user.pk, INVITE)
    return user


@transaction.atomic
def staff_reset_link_send(*, user, by=None) -> None:
    """E-mail `user` a link to set a new password. Only an owner sends one for an owner."""
    permission_check(by, "auth.change_user")
    staff_owner_guard(by=by, user=user, refusal="Only an owner can send an owner a reset link.")
    if not user.email:
        raise StudioError(f"{user} has no e-mail address to send the link to.")
    audit_record(action="user.reset_link_sent", obj=user, by=by)
    task_enqueue(SEND_TASK, user.pk, RESET)
