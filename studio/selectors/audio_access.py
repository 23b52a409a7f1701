"""Who may hear and who may download a studio's audio: the one answer for every path that serves
a file (the admin's player, the portal's player, the download URL, a signed link, the export).

- Staff listen (stream and download any version) with the `studio.listen_audio` permission:
  owners, managers and engineers have it; accountants and the front desk do not.
- A client streams every processed version of their own projects, and downloads only a track's
  master, and only once `masters_release` allows it (invoices paid, or released by staff).
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.models import AudioVersion, Client, Project
from studio.selectors.projects import Release, masters_release

LISTEN = "studio.listen_audio"


def client_owns(client: Client, project: Project) -> bool:
    return client is not None and project.client_id == client.pk


def staff_may_listen(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm(LISTEN))


def client_may_stream(client: Client, version: AudioVersion) -> bool:
    return (
        client_owns(client, version.track.project) and version.status == AudioVersion.Status.READY
    )


@dataclass(frozen=True)
class Download:
    allowed: bool
    reason: str
    release: Release | None = None


NOT_MASTER = "Only the master of a track can be downloaded."
GONE = "This file has been deleted."


def client_download(client: Client, version: AudioVersion) -> Download:
    """May this client download this version's file? (The caller has already checked that the
    project is theirs: a version of someone else's project is a 404, not a refusal.)"""
    if version.status == AudioVersion.Status.DELETED or not version.file:
        return Download(False, GONE)
    if not version.is_master:
        return Download(False, NOT_MASTER)
    release = masters_release(version.track.project)
    return Download(release.allowed, release.reason, release)
