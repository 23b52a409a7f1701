"""Signed, expiring addresses for a version's audio.

A page that may play or offer a file (after asking `studio.selectors.audio_access`) puts one of
these in its markup; the audio view (`studio.views.audio`) checks the signature, the expiry, the
studio and that the request is still the same person's before it serves a byte, and asks the
access rule again. A copied address is useless to anyone else and dead after `AUDIO_URL_MAX_AGE`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import connection
from django.urls import reverse

SALT = "studio.audio"
VARIANTS = ("stream", "download")
DEFAULT_MAX_AGE = 2 * 60 * 60


def max_age() -> int:
    return getattr(settings, "AUDIO_URL_MAX_AGE", DEFAULT_MAX_AGE)


@dataclass(frozen=True)
class AudioGrant:
    version_id: int
    variant: str
    # Who it was made for: a staff user's id ("u42") or a portal client's ("c17").
    audience: str
    schema: str


def audience_of(*, user=None, client=None) -> str:
    if client is not None:
        return f"c{client.pk}"
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    raise ValueError("An audio address is made for a signed-in person.")


def audio_url(version, *, variant: str = "stream", user=None, client=None) -> str:
    """The address of `version`'s audio: "stream" plays the preview (or the file itself when it
    is already light), "download" the original file as uploaded."""
    if variant not in VARIANTS:
        raise ValueError(f"Unknown audio variant {variant!r}.")
    token = signing.dumps(
        [version.pk, variant, audience_of(user=user, client=client), connection.schema_name],
        salt=SALT,
        compress=True,
    )
    return reverse("audio", args=[token])


class BadAudioToken(Exception):
    pass


def audio_grant_read(token: str) -> AudioGrant:
    """The grant in `token`, or BadAudioToken when forged, expired or of another studio."""
    try:
        version_id, variant, audience, schema = signing.loads(token, salt=SALT, max_age=max_age())
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadAudioToken(str(error)) from error
    if schema != connection.schema_name or variant not in VARIANTS:
        raise BadAudioToken("This address belongs to another studio.")
    return AudioGrant(int(version_id), variant, audience, schema)
