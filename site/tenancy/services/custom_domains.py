"""A studio's own domains (`book.mystudio.com`): added, proven by a DNS TXT record, removed.

Adding a domain stores it with a random token and serves nothing. Only when the token is found
in a TXT record at `_rsm-verify.<domain>` does the domain get the django-tenants `Domain` row
that serves the studio on it; removing it deletes that row first, and the host cache forgets
the host as the transaction commits, so the next request for it is a 400.

Decisions:
- Links the platform writes (e-mails, PDFs, the portal's own links) keep the studio's
  sub-domain, which is always served; a custom domain serves the same portal beside it. A
  domain can break on the owner's side (DNS, plan), the sub-domain cannot.
- A studio whose plan loses custom domains keeps its rows, unserved (see host_cache): moving
  back to a plan with them serves them again at once, while their TXT record stays.
- The trail: what studio staff do is in the studio's own audit trail (the back office runs in
  the studio's schema); what the platform does (the daily re-check) is in the platform's.
  A read-only studio adds, verifies and removes nothing; its verified domains keep serving,
  as reading stays possible.
- The daily re-check verifies waiting domains and re-checks verified ones: a TXT record that
  DNS says is gone (no such name, no TXT, another value) stops the domain being served and
  puts it back to waiting, so a domain that changed hands stops pointing at the old studio.
  A timeout or a failing DNS server says nothing about the record and changes nothing.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http.request import validate_host
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from siteconf.tenancy import dns_lookup, host_cache
from siteconf.tenancy.features import feature_check
from siteconf.tenancy.models import CustomDomain, Domain, Studio, SubscriptionStatus
from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.permissions import permission_check
from studio.services.readonly import StudioReadOnly, read_only_message

# Changing the studio's settings is what adding or removing its addresses takes.
PERMISSION = "studio.change_studiosettings"
# More than this is not a studio's booking site any more; it keeps the daily DNS work bounded.
MAX_PER_STUDIO = 10

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

NOT_A_HOST = (
    "“{raw}” is not a domain name. Type the host name only, like book.mystudio.com: letters, "
    "digits and hyphens, with dots between the parts."
)
ONE_LABEL = (
    "“{host}” needs at least two parts, like book.mystudio.com: add the domain you own after it."
)
AN_IP = "“{host}” is an IP address. Type a domain name you own, like book.mystudio.com."
TOO_LONG = "“{host}” is longer than DNS allows (253 characters). Use a shorter name."
PLATFORM_HOST = (
    "{host} is one of the platform's own addresses and is already yours: your studio is "
    "served on its sub-domain. Add a domain you own instead, like book.mystudio.com."
)
ALREADY_YOURS = "{host} is already on your list of custom domains."
TAKEN = (
    "{host} is already in use by another studio on this platform. If it is yours, remove it "
    "there first, or contact the platform's support."
)
TOO_MANY = (
    "Your studio has {count} custom domains, the most it can have. Remove one you no longer "
    "use before adding another."
)
NOT_YOURS = "This domain is not one of your studio's custom domains."

NO_SUCH_NAME = (
    "No TXT record at {name} yet (DNS says the name does not exist): DNS changes can take up "
    "to an hour. Add the record shown below, then check again."
)
NO_RECORD = "No TXT record at {name} yet: DNS changes can take up to an hour."
WRONG_VALUE = (
    "The TXT record at {name} does not hold this domain's token (found: {found}). Set its "
    "value to the one shown below; DNS changes can take up to an hour."
)
TIMEOUT = (
    "DNS did not answer in time for {name}, so nothing was decided. Check again in a few minutes."
)
FAILED = "The DNS look-up for {name} failed ({reason}), so nothing was decided. Check again later."
GONE = "{detail} The domain is no longer served until the record is back."


class CustomDomainError(StudioError):
    """A custom domain cannot be added or changed as asked."""


def hostname_normalise(raw: str) -> str:
    """The host name as DNS and the Host header carry it: lower case, no trailing dot,
    international names in their ASCII (IDNA) form. A pasted address loses its http(s)://
    and its trailing slash; anything else that is not a host name is refused."""
    host = (raw or "").strip()
    for scheme in ("https://", "http://"):
        if host.lower().startswith(scheme):
            host = host[len(scheme) :]
    host = host.rstrip("/").rstrip(".").lower()
    if not host:
        raise CustomDomainError(NOT_A_HOST.format(raw=raw.strip()), field="hostname")
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        raise CustomDomainError(AN_IP.format(host=host), field="hostname")
    try:
        labels = [label.encode("idna").decode("ascii") for label in host.split(".")]
    except UnicodeError:
        raise CustomDomainError(NOT_A_HOST.format(raw=raw.strip()), field="hostname") from None
    if not all(_LABEL.match(label) for label in labels):
        raise CustomDomainError(NOT_A_HOST.format(raw=raw.strip()), field="hostname")
    host = ".".join(labels)
    if len(labels) < 2:
        raise CustomDomainError(ONE_LABEL.format(host=host), field="hostname")
    if labels[-1].isdigit():
        raise CustomDomainError(AN_IP.format(host=host), field="hostname")
    if len(host) > 253:
        raise CustomDomainError(TOO_LONG.format(host=host[:60] + "…"), field="hostname")
    return host


def _platform_host(host: str) -> bool:
    """The platform's own names: its domain, the studios' sub-domains, the written hosts."""
    domain = settings.PLATFORM_DOMAIN.lower()
    if host == domain or host.endswith(f".{domain}"):
        return True
    return validate_host(host, host_cache.written_hosts())


def _belongs_check(studio: Studio) -> None:
    """Inside a studio's schema (its back office), only that studio's domains are reachable,
    whatever a caller passes in."""
    schema = connection.schema_name
    if schema != get_public_schema_name() and studio.schema_name != schema:
        raise CustomDomainError(NOT_YOURS)


def _writable_check(studio: Studio) -> None:
    if studio.subscription_status == SubscriptionStatus.READ_ONLY:
        raise StudioReadOnly(read_only_message())


def _forget_on_commit(host: str) -> None:
    # Forget again after commit: a request between the change and the commit may have cached
    # the state from before it.
    host_cache.forget_hosts([host])
    transaction.on_commit(lambda: host_cache.forget_hosts([host]))


@transaction.atomic
def custom_domain_add(*, studio: Studio, hostname: str, by) -> CustomDomain:
    """Put `hostname` on the studio's list, waiting for its TXT record. Serves nothing yet."""
    permission_check(by, PERMISSION)
    locked = Studio.objects.select_for_update(of=("self",)).select_related("plan")
    studio = locked.get(pk=studio.pk)
    _belongs_check(studio)
    _writable_check(studio)
    feature_check("custom_domains", studio)
    host = hostname_normalise(hostname)
    if _platform_host(host):
        raise CustomDomainError(PLATFORM_HOST.format(host=host), field="hostname")
    holders = list(CustomDomain.objects.filter(hostname=host).values_list("studio_id", flat=True))
    if studio.pk in holders:
        raise CustomDomainError(ALREADY_YOURS.format(host=host), field="hostname")
    if holders or Domain.objects.filter(domain=host).exists():
        raise CustomDomainError(TAKEN.format(host=host), field="hostname")
    count = CustomDomain.objects.filter(studio=studio).count()
    if count >= MAX_PER_STUDIO:
        raise CustomDomainError(TOO_MANY.format(count=count), field="hostname")
    try:
        with transaction.atomic():
            domain = CustomDomain.objects.create(studio=studio, hostname=host)
    except IntegrityError:  # another studio added it a moment ago
        raise CustomDomainError(TAKEN.format(host=host), field="hostname") from None
    audit_record(
        action="custom_domain.added",
        obj=domain,
        by=by,
        changes={"hostname": [None, host], "studio": [None, studio.name]},
    )
    return domain


def _lookup(domain: CustomDomain) -> tuple[bool, str, bool]:
    """(token found, what to tell the owner, whether DNS's answer was definite)."""
    name = domain.txt_name
    try:
        records = dns_lookup.txt_records(name)
    except dns_lookup.NameMissing:
        return False, NO_SUCH_NAME.format(name=name), True
    except dns_lookup.LookupTimeout:
        return False, TIMEOUT.format(name=name), False
    except dns_lookup.LookupFailed as exc:
        return False, FAILED.format(name=name, reason=str(exc)[:80]), False
    if domain.token in records:
        return True, "", True
    if not records:
        return False, NO_RECORD.format(name=name), True
    found = ", ".join(f"“{value[:60]}”" for value in records[:3])
    return False, WRONG_VALUE.format(name=name, found=found), True


def custom_domain_verify(
    *, domain: CustomDomain, by=None, now: datetime | None = None
) -> CustomDomain:
    """Look for the token in DNS; serve the domain once it is there.

    Returns the domain with `verified_at` set when it is served, or `last_error` saying what
    DNS answered. A verified domain whose record DNS says is gone goes back to waiting.
    """
    now = now or timezone.now()
    permission_check(by, PERMISSION)
    studio = Studio.objects.select_related("plan").get(pk=domain.studio_id)
    _belongs_check(studio)
    if domain.verified_at is None:
        # Becoming served is something the studio gains: its plan and state must allow it.
        _writable_check(studio)
        feature_check("custom_domains", studio)
    # DNS is asked outside the transaction: no row stays locked while a server is slow.
    found, message, definite = _lookup(domain)
    with transaction.atomic():
        domain = CustomDomain.objects.select_for_update().get(pk=domain.pk)
        was_verified = domain.verified_at is not None
        domain.last_checked_at = now
        if found:
            domain.last_error = ""
            if not was_verified:
                serving, _ = Domain.objects.get_or_create(
                    domain=domain.hostname, defaults={"tenant": studio, "is_primary": False}
                )
                if serving.tenant_id != studio.pk:
                    raise CustomDomainError(TAKEN.format(host=domain.hostname))
                domain.verified_at = now
                audit_record(
                    action="custom_domain.verified",
                    obj=domain,
                    by=by,
                    changes={"verified_at": [None, now.isoformat()]},
                )
        elif was_verified and definite:
            _stop_serving(domain)
            domain.verified_at = None
            domain.last_error = GONE.format(detail=message)[:300]
            audit_record(
                action="custom_domain.unverified",
                obj=domain,
                by=by,
                changes={"verified_at": [now.isoformat(), None], "reason": message[:200]},
            )
        else:
            domain.last_error = message[:300]
        domain.save()
        _forget_on_commit(domain.hostname)
    return domain


def _stop_serving(domain: CustomDomain) -> None:
    # One by one: Domain.delete() is what tells the host cache.
    for row in Domain.objects.filter(domain=domain.hostname, tenant_id=domain.studio_id):
        row.delete()


@transaction.atomic
def custom_domain_remove(*, domain: CustomDomain, by) -> None:
    """Stop serving the domain and forget it; the next request for it is a 400."""
    permission_check(by, PERMISSION)
    studio = Studio.objects.get(pk=domain.studio_id)
    _belongs_check(studio)
    _writable_check(studio)
    domain = CustomDomain.objects.select_for_update().get(pk=domain.pk)
    audit_record(
        action="custom_domain.removed",
        obj=domain,
        by=by,
        changes={
            "hostname": [domain.hostname, None],
            "verified_at": [domain.verified_at.isoformat() if domain.verified_at else None, None],
        },
    )
    _stop_serving(domain)
    host = domain.hostname
    domain.delete()
    _forget_on_commit(host)


def custom_domains_recheck(*, now: datetime | None = None) -> dict[str, int]:
    """The daily check: verify waiting domains, re-check verified ones. It runs in the public
    schema, so what it changes is in the platform's trail. Counts for the task's report."""
    now = now or timezone.now()
    with schema_context(get_public_schema_name()):
        return _recheck(now)


def _recheck(now: datetime) -> dict[str, int]:
    counts = {"checked": 0, "served": 0, "waiting": 0, "unverified": 0, "skipped": 0}
    for domain in CustomDomain.objects.order_by("pk"):
        was_verified = domain.verified_at is not None
        try:
            domain = custom_domain_verify(domain=domain, now=now)
        except StudioError:  # waiting on a studio whose plan or state does not allow it now
            counts["skipped"] += 1
            continue
        counts["checked"] += 1
        if domain.verified_at is not None:
            counts["served"] += 1
        else:
            counts["unverified" if was_verified else "waiting"] += 1
    return counts
