"""Versions of a track and their review: numbering, timestamped comments, the client's approval,
the master, and the masters released by staff.

Two kinds of actor call these: staff (`by`, a user with roles) from the admin, and a client
(`client`, the signed-in portal client) from the portal, who may only act on their own
projects. Who may listen is `studio.selectors.audio_access`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from studio.models import AudioVersion, Client, OutgoingEmail, Project, ReviewComment, Track
from studio.selectors.audio_access import client_owns
from studio.selectors.projects import masters_release
from studio.selectors.settings import studio_settings_get
from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.mail import email_queue
from studio.services.permissions import permission_check
from studio.services.portal_links import portal_document_url

NOT_YOURS = "This project is not one of yours."
COMMENT_MAX = 4000


def _clock(seconds) -> str:
    seconds = int(Decimal(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _client_check(version: AudioVersion, client: Client | None) -> None:
    if client is not None and not client_owns(client, version.track.project):
        raise StudioError(NOT_YOURS)


# --- versions ---------------------------------------------------------------------------------


def version_number_next(track: Track) -> int:
    """The next version number of a track; call inside the transaction that creates it, after
    `Track.objects.select_for_update()` (the unique constraint refuses a duplicate anyway)."""
    last = AudioVersion.objects.filter(track=track).aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


@transaction.atomic
def version_create(
    *,
    track: Track,
    file_name: str,
    stored_name: str,
    size_bytes: int,
    audio_format: str,
    kind: str = AudioVersion.Kind.MIX,
    label: str = "",
    notes: str = "",
    sha256: str = "",
    by=None,
) -> AudioVersion:
    """Record a new version whose file is already in the studio's storage at `stored_name`.
    Numbered under a lock on the track: two uploads finishing together get v3 and v4."""
    permission_check(by, "studio.add_audioversion")
    if kind not in AudioVersion.Kind.values:
        raise StudioError(f"Unknown kind of audio “{kind}”.", field="kind")
    track = Track.objects.select_for_update().select_related("project").get(pk=track.pk)
    version = AudioVersion(
        track=track,
        number=version_number_next(track),
        kind=kind,
        label=label.strip()[:120],
        notes=notes.strip(),
        original_name=file_name[:255],
        size_bytes=size_bytes,
        audio_format=audio_format,
        sha256=sha256,
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    version.file.name = stored_name
    version.save()
    audit_record(
        action="audioversion.uploaded",
        obj=version,
        by=by,
        changes={
            "track": [None, str(track)],
            "file": [None, file_name],
            "kind": [None, kind],
            "size_bytes": [None, size_bytes],
        },
    )
    return version


@transaction.atomic
def version_share(*, version: AudioVersion, by=None) -> None:
    """E-mail the client that a new version waits for them ("new mix to review")."""
    permission_check(by, "studio.change_audioversion")
    version = AudioVersion.objects.select_related("track__project__client").get(pk=version.pk)
    if version.status != AudioVersion.Status.READY:
        raise StudioError(f"{version} is not ready yet: wait until it has been processed.")
    project = version.track.project
    email_queue(
        kind="mix_to_review",
        to=project.client.email,
        values={
            **_values(version),
            "notes": version.notes,
        },
        about=f"audioversion:{version.pk}",
    )
    audit_record(
        action="audioversion.shared",
        obj=version,
        by=by,
        changes={"to": [None, project.client.email]},
    )


def _values(version: AudioVersion) -> dict:
    track = version.track
    project = track.project
    return {
        "client_name": project.client.name,
        "project": project.title,
        "track": track.title,
        "version": f"v{version.number}" + (f" ({version.label})" if version.label else ""),
        "portal_url": portal_document_url(
            client_id=project.client_id, url_name="portal:track", pk=track.pk
        ),
    }


# --- comments ---------------------------------------------------------------------------------


def _seconds(value, *, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise StudioError(f"“{value}” is not a time in seconds.", field=name) from None
    if not number.is_finite():
        raise StudioError(f"“{value}” is not a time in seconds.", field=name)
    return number.quantize(Decimal("0.001"))


@transaction.atomic
def comment_add(
    *,
    version: AudioVersion,
    body: str,
    at_seconds,
    until_seconds=None,
    parent: ReviewComment | None = None,
    by=None,
    client: Client | None = None,
) -> ReviewComment:
    """A comment at a point of the version (or over a range), or a reply to one (which takes
    its parent's time). Staff need `add_reviewcomment`; a client comments on their own."""
    if client is None:
        permission_check(by, "studio.add_reviewcomment", "studio.listen_audio")
    _client_check(version, client)
    version = AudioVersion.objects.select_related("track__project__client").get(pk=version.pk)
    body = (body or "").strip()
    if not body:
        raise StudioError("Write the comment first.", field="body")
    if len(body) > COMMENT_MAX:
        raise StudioError(f"A comment is at most {COMMENT_MAX} characters.", field="body")
    if version.status == AudioVersion.Status.DELETED:
        raise StudioError(f"The file of {version} has been deleted: it can no longer be reviewed.")
    if version.status != AudioVersion.Status.READY:
        raise StudioError(f"{version} is still being processed: comment once it can be played.")
    if parent is not None:
        if parent.version_id != version.pk:
            raise StudioError("That reply belongs to another version.", field="parent")
        parent = parent.parent or parent  # one level of replies
        at, until = parent.at_seconds, parent.until_seconds
    else:
        at = _seconds(at_seconds, name="at_seconds")
        until = (
            None if until_seconds in (None, "") else _seconds(until_seconds, name="until_seconds")
        )
        duration = version.duration_seconds
        if at < 0:
            raise StudioError("A comment's time cannot be negative.", field="at_seconds")
        if duration is not None and at > Decimal(str(duration)):
            raise StudioError(
                f"{_clock(at)} is past the end of {version} ({_clock(duration)}).",
                field="at_seconds",
            )
        if until is not None:
            if until <= at:
                raise StudioError("A range must end after it starts.", field="until_seconds")
            if duration is not None and until > Decimal(str(duration)) + Decimal("0.001"):
                raise StudioError(
                    f"{_clock(until)} is past the end of {version} ({_clock(duration)}).",
                    field="until_seconds",
                )
    if client is not None:
        author_name = client.artist_name or client.name
    else:
        author_name = (by.get_full_name() or by.email) if by is not None else "The studio"
    comment = ReviewComment.objects.create(
        version=version,
        parent=parent,
        at_seconds=at,
        until_seconds=until,
        body=body,
        author_user=by if client is None and getattr(by, "pk", None) else None,
        author_client=client,
        author_name=author_name,
    )
    audit_record(
        action="audioversion.commented",
        obj=version,
        by=by if client is None else None,
        changes={"comment": [None, f"{author_name} at {_clock(at)}: {body[:120]}"]},
    )
    _comment_notify(comment)
    return comment


def _comment_notify(comment: ReviewComment) -> None:
    """A client's comment goes to the studio; staff's to the client (when they want e-mails)."""
    version = comment.version
    project = version.track.project
    values = {
        **_values(version),
        "author": comment.author_name,
        "at": _clock(comment.at_seconds),
        "comment": comment.body,
    }
    if comment.author_client_id:
        to = studio_settings_get().email
        if to:
            values["portal_url"] = _admin_track_url(version.track)
            email_queue(
                kind="mix_comment", to=to, values=values, about=f"reviewcomment:{comment.pk}"
            )
    elif project.client.email and project.client.notify_documents:
        email_queue(
            kind="mix_comment",
            to=project.client.email,
            values=values,
            about=f"reviewcomment:{comment.pk}",
        )


def _admin_track_url(track: Track) -> str:
    from django.db import connection

    from siteconf.tenancy.models import Studio

    studio = Studio.objects.prefetch_related("domains").get(schema_name=connection.schema_name)
    return studio.url_for(reverse("admin:studio_track_change", args=[track.pk]))


@transaction.atomic
def comment_resolve(
    *, comment: ReviewComment, resolved: bool = True, by=None, client: Client | None = None
) -> ReviewComment:
    if client is None:
        permission_check(by, "studio.change_reviewcomment")
    _client_check(comment.version, client)
    comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
    name = (
        (client.artist_name or client.name)
        if client
        else ((by.get_full_name() or by.email) if by is not None else "The studio")
    )
    if resolved and comment.resolved_at is None:
        comment.resolved_at, comment.resolved_by_name = timezone.now(), name
    elif not resolved:
        comment.resolved_at, comment.resolved_by_name = None, ""
    comment.save(update_fields=["resolved_at", "resolved_by_name"])
    audit_record(
        action="audioversion.comment_resolved" if resolved else "audioversion.comment_reopened",
        obj=comment.version,
        by=by if client is None else None,
        changes={"comment": [None, f"{comment.author_name} at {_clock(comment.at_seconds)}"]},
    )
    return comment


# --- approval, master, release ----------------------------------------------------------------


@transaction.atomic
def version_approve(*, version: AudioVersion, client: Client) -> AudioVersion:
    """The client approves this version: recorded once (approving again changes nothing),
    audited, and e-mailed to the studio."""
    _client_check(version, client)
    version = (
        AudioVersion.objects.select_for_update().select_related("track__project").get(pk=version.pk)
    )
    if version.status != AudioVersion.Status.READY:
        raise StudioError(f"{version} cannot be approved: its file is not available.")
    if version.approved_at is not None:
        return version
    version.approved_at = timezone.now()
    version.approved_by = client
    version.approved_by_name = client.artist_name or client.name
    version.save(update_fields=["approved_at", "approved_by", "approved_by_name"])
    audit_record(
        action="audioversion.approved",
        obj=version,
        changes={
            "approved_by": [None, version.approved_by_name],
            "track": [None, str(version.track)],
        },
    )
    to = studio_settings_get().email
    if to:
        email_queue(
            kind="version_approved",
            to=to,
            values={
                **_values(version),
                "approved_by": version.approved_by_name,
                "admin_url": _admin_track_url(version.track),
            },
            about=f"audioversion:{version.pk}",
        )
    return version


@transaction.atomic
def version_master_set(*, version: AudioVersion, by=None) -> AudioVersion:
    """Mark this version as the track's master (the one master per track moves to it)."""
    permission_check(by, "studio.change_audioversion")
    # The track's lock first: two clicks on two versions of one track queue here instead of
    # meeting at the one-master constraint.
    Track.objects.select_for_update().filter(pk=version.track_id).first()
    version = (
        AudioVersion.objects.select_for_update().select_related("track__project").get(pk=version.pk)
    )
    if version.status != AudioVersion.Status.READY:
        raise StudioError(f"{version} cannot be the master: its file is not available.")
    if version.is_master:
        return version
    previous = AudioVersion.objects.filter(track=version.track, is_master=True).first()
    AudioVersion.objects.filter(track=version.track, is_master=True).update(is_master=False)
    version.is_master = True
    version.save(update_fields=["is_master"])
    audit_record(
        action="audioversion.master_set",
        obj=version,
        by=by,
        changes={"master": [str(previous) if previous else None, str(version)]},
    )
    masters_ready_notify(project=version.track.project)
    return version


def _masters_ready_send(project: Project) -> None:
    client = project.client
    if client.email and client.notify_documents:
        email_queue(
            kind="masters_ready",
            to=client.email,
            values={
                "client_name": client.name,
                "project": project.title,
                "track": "",
                "portal_url": portal_document_url(
                    client_id=client.pk, url_name="portal:project", pk=project.pk
                ),
            },
            about=f"project:{project.pk}",
        )


def masters_ready_notify(*, project: Project) -> None:
    """Called when a project's last invoice is settled: tell the client the masters can be
    downloaded, once per project, when there is a master to download."""
    if not AudioVersion.objects.filter(track__project=project, is_master=True).exists():
        return
    if OutgoingEmail.objects.filter(kind="masters_ready", about=f"project:{project.pk}").exists():
        return
    if masters_release(project).allowed:
        _masters_ready_send(project)


@transaction.atomic
def masters_release_manual(*, project: Project, by=None) -> Project:
    """Staff let the client download the masters without waiting for payment: a money decision,
    so it takes seeing the money as well as changing the project."""
    permission_check(by, "studio.change_project", "studio.view_money")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.masters_released_at is None:
        project.masters_released_at = timezone.now()
        project.masters_released_by = by if getattr(by, "pk", None) else None
        project.save(update_fields=["masters_released_at", "masters_released_by"])
        audit_record(
            action="project.masters_released",
            obj=project,
            by=by,
            changes={"masters": [None, "released"]},
        )
        masters_ready_notify(project=project)
    return project
