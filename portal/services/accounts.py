"""Client accounts of the portal: invitations, registration, e-mailed links, passwords.

A client reaches the portal by a link e-mailed to them (an invitation, a sign-in link, a reset
link) or by a password they chose. A link is single use and short lived; only a hash of its
secret is stored, and the secret itself exists only in the e-mail the sending task writes
(never in the studio's mailbox, where staff could read it and sign in as the client). Its first
part names the studio, so a link opened on another studio's address is told apart from a
mistyped one.

Asking for a link answers the same whether or not the address has an account, so the pages
cannot be used to find out who the studio's clients are; the asking is rate limited per address
and per e-mail so they cannot be used to flood someone's inbox either.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import (
    authenticate,
    get_user_model,
    login,
    logout,
    update_session_auth_hash,
)
from django.contrib.auth.password_validation import validate_password
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from portal.models import USERNAME_PREFIX, PortalAccount, PortalLink
from siteconf.tasks import task_enqueue
from studio.models import Client, StudioSettings
from studio.selectors.settings import studio_settings_get
from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.lockouts import client_address
from studio.services.permissions import permission_check
from studio.services.records import record_save

SEND_TASK = "studio.tasks.portal_link_send_task"
BACKEND = "portal.auth.PortalBackend"
Purpose = PortalLink.Purpose

# What each e-mail is for. A self-registered client gets a welcome, not an invitation, but
# both open the account the same way.
INVITATION, WELCOME, SIGN_IN, RESET = "invite", "welcome", "sign_in", "reset"
LINK_PURPOSE = {
    INVITATION: Purpose.INVITE,
    WELCOME: Purpose.INVITE,
    SIGN_IN: Purpose.SIGN_IN,
    RESET: Purpose.RESET,
}
LINK_LIFETIME = {
    Purpose.INVITE: timedelta(days=7),
    Purpose.SIGN_IN: timedelta(minutes=15),
    Purpose.RESET: timedelta(hours=1),
}

# Links asked for (sign-in, reset, registration) within THROTTLE_WINDOW: per e-mail in one
# studio, and per address across the platform (one address asking every studio counts once).
LINKS_PER_EMAIL = 3
LINKS_PER_ADDRESS = 10
THROTTLE_WINDOW = timedelta(minutes=15)

NO_EMAIL = "This client has no e-mail address — add one first."
BAD_EMAIL = "Enter a valid e-mail address."
EMAIL_TAKEN = "{email} already signs in to the portal for another client ({client})."
INVITE_ONLY = (
    "This studio's portal is by invitation only: ask the studio to invite you, then use the "
    "link in their e-mail."
)
NAME_NEEDED = "Tell the studio your name (or your band's)."
TOO_MANY = (
    "Too many links were asked for from here or for this address. Wait {minutes} minutes, "
    "then ask again."
)
LINK_UNKNOWN = "This link is not valid. Check that you copied all of it, or ask for a new one."
LINK_OTHER_STUDIO = (
    "This link belongs to another studio's portal: open it from the e-mail it came in, on that "
    "studio's address."
)
LINK_WRONG_PURPOSE = "This link is not meant for this page. Open it exactly as it came by e-mail."
LINK_USED = "This link was already used: each link works once. Ask for a new one."
LINK_EXPIRED = "This link expired. Ask for a new one."
LINK_CLOSED = "This portal account is closed. Ask the studio if you think that is a mistake."
PASSWORDS_DIFFER = "The two passwords are not the same."
WRONG_PASSWORD = "That is not your current password."

# Set in the session by an invitation or a reset link: the next password may be chosen
# without the current one (there may be none, or it was forgotten).
FRESH_LINK_SESSION_KEY = "portal_password_without_current"


def portal_username(email: str) -> str:
    return f"{USERNAME_PREFIX}{email.strip().lower()}"


def _email_clean(email: str | None) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise StudioError(BAD_EMAIL, field="email") from None
    return email


def _studio_tag() -> str:
    # Not a secret: it only tells "another studio's link" apart from "no such link".
    return salted_hmac("portal.link.studio", connection.schema_name).hexdigest()[:12]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _throttle(*, email: str, request) -> None:
    """Count one link asked for; refuse once the e-mail or the address asked too often. The
    e-mail is counted whether or not it has an account, so a refusal reveals nothing."""
    window = int(THROTTLE_WINDOW.total_seconds())
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    checks = [
        (caches["default"], f"portal-links:email:{digest}", LINKS_PER_EMAIL),
        (caches["platform"], f"portal-links:address:{client_address(request)}", LINKS_PER_ADDRESS),
    ]
    over = False
    for cache, key, limit in checks:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
        over = over or count > limit
    if over:
        raise StudioError(TOO_MANY.format(minutes=window // 60))


def _send(account: PortalAccount, kind: str, next_url: str = "") -> None:
    task_enqueue(SEND_TASK, account.pk, kind, next_url)


def _account_create(*, client: Client, email: str, by=None) -> PortalAccount:
    """The Django user behind an account: `portal:<email>`, never staff, no usable password
    until the client chooses one."""
    users = get_user_model().objects
    user = users.filter(username=portal_username(email)).first()
    if user is None:
        user = users.create_user(username=portal_username(email), email=email, password=None)
    return PortalAccount.objects.create(user=user, client=client, email=email, invited_by=by)


@transaction.atomic
def portal_invite(*, client: Client, email: str | None = None, by) -> PortalAccount:
    """Give `client` portal access at `email` (their own address by default) and e-mail them
    the invitation. Inviting an address that already has an account for this client sends the
    invitation again (a lost e-mail is the usual reason staff click twice)."""
    permission_check(by, "studio.change_client")
    if not (email or client.email):
        raise StudioError(NO_EMAIL, field="email")
    email = _email_clean(email or client.email)
    account = (
        PortalAccount.objects.select_related("client", "user").filter(email__iexact=email).first()
    )
    if account is not None and account.client_id != client.pk:
        raise StudioError(EMAIL_TAKEN.format(email=email, client=account.client), field="email")
    resent = account is not None
    if account is None:
        account = _account_create(client=client, email=email, by=by)
    elif not account.user.is_active:
        # Inviting a closed account again is the studio opening it again.
        account.user.is_active = True
        account.user.save(update_fields=["is_active"])
    audit_record(
        action="portal.invited",
        obj=account,
        by=by,
        changes={"email": [None, email], "client": [None, str(client)], "again": [None, resent]},
    )
    _send(account, INVITATION)
    return account


@transaction.atomic
def portal_register(*, email: str, name: str = "", request) -> None:
    """A visitor asks for an account, as the studio's booking mode allows. Whatever happens,
    the answer is "check your inbox": an e-mail the studio does not know, or one that already
    has an account, looks the same from outside.

    - invite: refused (the page says so before anyone types anything);
    - registered: only an e-mail already on a client record gets an account;
    - open: a new visitor becomes a client (an artist) with an account.
    An address that already has an account gets a sign-in link instead."""
    mode = studio_settings_get().booking_mode
    if mode == StudioSettings.BookingMode.INVITE:
        raise StudioError(INVITE_ONLY)
    email = _email_clean(email)
    name = (name or "").strip()[:200]
    if mode == StudioSettings.BookingMode.OPEN and not name:
        raise StudioError(NAME_NEEDED, field="name")
    _throttle(email=email, request=request)
    account = _active_account(email)
    if account is not None:
        _send(account, SIGN_IN)
        return
    if PortalAccount.objects.filter(email__iexact=email).exists():
        return  # a closed account: nothing to send
    client = Client.objects.filter(email__iexact=email).order_by("pk").first()
    if client is None:
        if mode != StudioSettings.BookingMode.OPEN:
            return
        client = record_save(obj=Client(kind=Client.Kind.ARTIST, name=name, email=email))
    account = _account_create(client=client, email=email)
    audit_record(
        action="portal.registered",
        obj=account,
        by=account.user,
        changes={"email": [None, email], "client": [None, str(client)]},
    )
    _send(account, WELCOME)


def _active_account(email: str) -> PortalAccount | None:
    return (
        PortalAccount.objects.select_related("user")
        .filter(email__iexact=email, user__is_active=True)
        .first()
    )


def sign_in_link_send(*, email: str, request, next_url: str = "") -> None:
    """E-mail a sign-in link to `email` if it has an account. Same answer either way."""
    email = _email_clean(email)
    _throttle(email=email, request=request)
    account = _active_account(email)
    if account is not None:
        _send(account, SIGN_IN, next_url)


def password_reset_send(*, email: str, request) -> None:
    """E-mail a link to choose a new password to `email` if it has an account."""
    email = _email_clean(email)
    _throttle(email=email, request=request)
    account = _active_account(email)
    if account is not None:
        _send(account, RESET)


def link_issue(*, account: PortalAccount, kind: str) -> tuple[str, PortalLink]:
    """A new link for `account`: the secret (for the e-mail only) and its stored row. Called
    by the sending task, so the secret never passes through the queue or the mailbox."""
    purpose = LINK_PURPOSE[kind]
    secret = f"{_studio_tag()}.{secrets.token_urlsafe(32)}"
    link = PortalLink.objects.create(
        account=account,
        purpose=purpose,
        secret_hash=_hash(secret),
        expires_at=timezone.now() + LINK_LIFETIME[purpose],
    )
    return secret, link


def link_check(*, secret: str, purpose: str) -> PortalLink:
    """The link `secret` opens, if it may be used now for `purpose`; each refusal says why."""
    tag, _, rest = (secret or "").partition(".")
    if not rest:
        raise StudioError(LINK_UNKNOWN)
    if not constant_time_compare(tag, _studio_tag()):
        raise StudioError(LINK_OTHER_STUDIO)
    link = (
        PortalLink.objects.select_related("account__user", "account__client")
        .filter(secret_hash=_hash(secret))
        .first()
    )
    if link is None:
        raise StudioError(LINK_UNKNOWN)
    if link.purpose != purpose:
        raise StudioError(LINK_WRONG_PURPOSE)
    if link.used_at is not None:
        raise StudioError(LINK_USED)
    if link.expires_at <= timezone.now():
        raise StudioError(LINK_EXPIRED)
    if not link.account.user.is_active:
        raise StudioError(LINK_CLOSED)
    return link


def link_use(*, secret: str, purpose: str) -> PortalAccount:
    """Use a link once: the same rules as link_check, then a conditional UPDATE stamps it, so
    of two clicks racing for one link exactly one gets through."""
    link = link_check(secret=secret, purpose=purpose)
    now = timezone.now()
    stamped = PortalLink.objects.filter(
        pk=link.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not stamped:
        raise StudioError(LINK_USED)
    return link.account


def portal_sign_in(*, request, account: PortalAccount, password_without_current=False) -> None:
    """Open a portal session for `account` (Django rotates the session key and drops whatever
    the browser was signed in as before, a member of staff included)."""
    login(request, account.user, backend=BACKEND)
    if password_without_current:
        request.session[FRESH_LINK_SESSION_KEY] = True
    account_seen(account=account)


def account_seen(*, account: PortalAccount) -> None:
    now = timezone.now()
    PortalAccount.objects.filter(pk=account.pk).update(last_seen_at=now)
    account.last_seen_at = now


def password_needs_current(*, request, account: PortalAccount) -> bool:
    """Changing a password asks for the current one, unless there is none yet or this session
    was opened by an invitation or reset link."""
    fresh = bool(request.session.get(FRESH_LINK_SESSION_KEY))
    return account.user.has_usable_password() and not fresh


def password_set(
    *, request, account: PortalAccount, password: str, password_again: str, current: str = ""
) -> PortalAccount:
    """Choose the account's password, checked by the site's password validators. The current
    password, when one is needed, is checked through authenticate() so that django-axes counts
    a wrong guess like any failed sign-in (outside the transaction: a refusal rolls back the
    change, never the failure axes recorded)."""
    user = account.user
    if password_needs_current(request=request, account=account):
        checked = authenticate(
            request=request, username=user.username, password=current or "", portal=True
        )
        if checked is None or checked.pk != user.pk:
            raise StudioError(WRONG_PASSWORD, field="current")
    if password != password_again:
        raise StudioError(PASSWORDS_DIFFER, field="password_again")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise StudioError(" ".join(exc.messages), field="password") from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(action="portal.password_set", obj=account, by=user)
    # The session stays signed in; other browsers signed in with the old password do not.
    update_session_auth_hash(request, user)
    request.session.pop(FRESH_LINK_SESSION_KEY, None)
    return account


def portal_sign_out(*, request) -> None:
    """End the portal session (the sign-in trail records it through Django's signal)."""
    logout(request)
