"""Self-serve sign-up: a visitor becomes the owner of a new studio on a free trial.

The provisioning service does the work in one transaction (nothing is left behind when it
fails). This layer adds what only a public form needs: the plan chosen on the pricing page,
terms consent, a honeypot and a rate limit per address, and a one-time link that signs the new
owner in on the studio's own domain (a session cookie of the platform cannot cross hosts). The
answer never depends on whether the e-mail already owns a studio.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import caches

from siteconf.tenancy.models import Plan, Studio
from siteconf.tenancy.services.provisioning import ProvisioningError, studio_provision
from studio.tasks import owner_other_studios_send

ATTEMPTS_PER_HOUR = 5
LOGIN_LINK_SALT = "signup-first-login"
LOGIN_LINK_SECONDS = 300

SLUG_TAKEN_HINT = "“{slug}” is taken. Try another sub-domain."
TERMS_REQUIRED = "Please accept the terms of service and the data processing terms."
PLAN_UNKNOWN = "Choose one of the plans on the pricing page."
TOO_MANY = "Too many sign-up attempts from your network. Please try again in an hour."
BOT = "This sign-up could not be accepted."


@dataclass(frozen=True)
class SignUp:
    studio: Studio
    login_url: str


def _throttle(address: str) -> None:
    """Count every attempt from an address (successful or not) over a rolling hour."""
    cache = caches["platform"]
    key = f"signup-attempts:{address}"
    cache.add(key, 0, 3600)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 3600)
        attempts = 1
    if attempts > ATTEMPTS_PER_HOUR:
        raise ProvisioningError(TOO_MANY)


def studio_sign_up(
    *,
    studio_name: str,
    slug: str,
    owner_name: str,
    email: str,
    password: str,
    plan_slug: str,
    accepted_terms: bool,
    address: str,
    honeypot: str = "",
) -> SignUp:
    _throttle(address)
    if honeypot:
        raise ProvisioningError(BOT)
    if not accepted_terms:
        raise ProvisioningError(TERMS_REQUIRED, field="accepted_terms")
    plan = Plan.objects.public().filter(slug=plan_slug).first()
    if plan is None:
        raise ProvisioningError(PLAN_UNKNOWN, field="plan")
    email = (email or "").strip().lower()
    # An e-mail that already owns a studio gets its new one like anybody else: a different
    # answer here would tell anyone which addresses have a studio. Where the others are is
    # told to the address itself, by e-mail.
    owns_others = bool(email) and Studio.objects.studios().filter(owner_email=email).exists()
    studio = studio_provision(
        name=studio_name,
        slug=(slug or "").strip(),
        owner_email=email,
        owner_password=password,
        owner_name=owner_name,
        plan=plan,
    )
    if owns_others:
        owner_other_studios_send.enqueue(schema_name=studio.schema_name)
    token = signing.dumps({"schema": studio.schema_name, "email": email}, salt=LOGIN_LINK_SALT)
    return SignUp(studio=studio, login_url=studio.url_for(f"/admin/welcome/{token}/"))


def first_login_user(*, token: str, schema_name: str):
    """The owner a sign-up link signs in, once: the link is refused after their first login
    (or after five minutes, or on another studio's domain)."""
    try:
        data = signing.loads(token, salt=LOGIN_LINK_SALT, max_age=LOGIN_LINK_SECONDS)
    except signing.BadSignature:
        return None
    if data.get("schema") != schema_name:
        return None
    return (
        get_user_model()
        .objects.filter(email=data.get("email"), is_active=True, last_login__isnull=True)
        .first()
    )
