"""TXT look-ups, for proving that a studio controls the custom domain it asked for.

One function, `txt_records(name)`, asks DNS through dnspython and says what DNS said in one of
four ways: the records (possibly none), or an error that tells a name that does not exist
(NXDOMAIN, an authoritative "no") from servers that did not answer in time and from any other
failure. Only the first two are facts about the owner's DNS; the others say nothing about it,
so the custom-domain service never un-verifies a domain on them.

Tests put a stand-in resolver in with `resolver_override()`: no test reaches the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

import dns.exception
import dns.resolver

# Seconds for the whole look-up, retries included: an owner pressing "Check now" waits this long
# at most, and the daily check of many domains stays bounded.
LIFETIME = 5.0


class Resolver(Protocol):
    def resolve(self, qname: str, rdtype: str, **kwargs): ...


class LookupFailed(Exception):
    """DNS could not give an answer (servers failing, refusing, or unreachable)."""


class NameMissing(LookupFailed):
    """The name does not exist in DNS (NXDOMAIN)."""


class LookupTimeout(LookupFailed):
    """No DNS server answered within LIFETIME seconds."""


_override: Resolver | None = None
_system: Resolver | None = None


def resolver() -> Resolver:
    """The stand-in a test put in, or the machine's resolver (read from /etc/resolv.conf once)."""
    global _system
    if _override is not None:
        return _override
    if _system is None:
        _system = dns.resolver.Resolver()
    return _system


@contextmanager
def resolver_override(stand_in: Resolver) -> Iterator[Resolver]:
    """Answer every look-up with `stand_in` (an object with dnspython's `resolve()`)."""
    global _override
    previous, _override = _override, stand_in
    try:
        yield stand_in
    finally:
        _override = previous


def txt_records(name: str) -> list[str]:
    """The TXT records at `name`, each as one string (a record split into several strings, as
    long values are, is joined back). An existing name without TXT records gives []."""
    try:
        answer = resolver().resolve(name, "TXT", lifetime=LIFETIME, search=False)
    except dns.resolver.NXDOMAIN as exc:
        raise NameMissing(name) from exc
    except dns.resolver.NoAnswer:
        return []
    except dns.exception.Timeout as exc:
        raise LookupTimeout(name) from exc
    except dns.exception.DNSException as exc:
        raise LookupFailed(str(exc) or exc.__class__.__name__) from exc
    return [b"".join(rdata.strings).decode("utf-8", errors="replace").strip() for rdata in answer]
