"""Project audio retention: a delivered project's files are deleted when the studio's rule says,
after a warning, and every deletion is logged.

The rule is the studio's (Settings → Projects and audio): "delete project audio N days after
delivery". Staff may keep one project's files longer (`retention_extend`). The daily round
(`studio.services.reminders.studio_daily`) warns `retention_warning_days` ahead, then deletes
the files of what is due: the audio and its preview, never the versions' rows, their comments,
the credits or the splits. A file that cannot be deleted is left for the next round and nothing
about it is marked deleted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from studio.models import AudioDeletion, AudioVersion, Project
from studio.selectors.settings import studio_settings_get, studio_today
from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.mail import email_queue
from studio.services.permissions import permission_check
from studio.services.portal_links import portal_document_url

logger = logging.getLogger(__name__)


def delete_on(project: Project, *, days: int | None = None) -> date | None:
    """The day this project's audio goes, or None when it is kept: staff's "keep until" date
    when set, otherwise the delivery date plus the studio's rule (None without either)."""
    if project.retention_until is not None:
        return project.retention_until
    if days is None:
        days = studio_settings_get().audio_retention_days
    if days is None or project.delivered_on is None:
        return None
    return project.delivered_on + timedelta(days=days)


@dataclass(frozen=True)
class Retention:
    delete_on: date | None
    deleted_at: object | None

    @property
    def line(self) -> str:
        if self.deleted_at:
            return f"Audio files deleted on {self.deleted_at:%d %b %Y}."
        if self.delete_on is None:
            return "Audio files are kept (no retention rule applies)."
        return f"Audio files will be deleted on {self.delete_on:%d %b %Y}."


def project_retention(project: Project) -> Retention:
    return Retention(delete_on(project), project.audio_deleted_at)


@transaction.atomic
def retention_extend(*, project: Project, until: date, by=None) -> Project:
    """Keep a project's audio until `until` (later than it would otherwise go). The warning is
    sent again before the new date."""
    permission_check(by, "studio.change_project")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.audio_deleted_at is not None:
        raise StudioError(
            "This project's audio has already been deleted: it cannot be kept longer."
        )
    current = delete_on(project)
    if until <= studio_today():
        raise StudioError("Choose a date after today.", field="retention_until")
    if current is not None and until <= current:
        raise StudioError(
            f"The audio is already kept until {current:%d %b %Y}: choose a later date.",
            field="retention_until",
        )
    before = project.retention_until
    project.retention_until = until
    project.retention_warned_at = None
    project.save(update_fields=["retention_until", "retention_warned_at"])
    audit_record(
        action="project.retention_extended",
        obj=project,
        by=by,
        changes={"retention_until": [before.isoformat() if before else None, until.isoformat()]},
    )
    return project


def _due_projects(*, today: date, days: int | None, ahead: int = 0):
    """Projects whose audio goes on or before today + ahead, and is not gone yet."""
    horizon = today + timedelta(days=ahead)
    kept_until = Q(retention_until__isnull=False, retention_until__lte=horizon)
    ruled = Q(retention_until__isnull=True)
    if days is None:
        ruled = Q(pk__in=[])
    else:
        ruled &= Q(delivered_on__isnull=False, delivered_on__lte=horizon - timedelta(days=days))
    return Project.objects.filter(audio_deleted_at__isnull=True).filter(kept_until | ruled)


def retention_warnings_send(*, today: date | None = None) -> int:
    """E-mail the client (and the studio) about projects whose audio goes within the warning
    period; once per project and date."""
    today = today or studio_today()
    settings = studio_settings_get()
    sent = 0
    due = _due_projects(
        today=today, days=settings.audio_retention_days, ahead=settings.retention_warning_days
    )
    for project in due.filter(retention_warned_at__isnull=True).select_related("client"):
        if not AudioVersion.objects.filter(track__project=project).exclude(file="").exists():
            continue
        with transaction.atomic():
            claimed = Project.objects.filter(
                pk=project.pk, retention_warned_at__isnull=True
            ).update(retention_warned_at=timezone.now())
            if not claimed:
                continue
            when = delete_on(project, days=settings.audio_retention_days)
            values = {
                "client_name": project.client.name,
                "project": project.title,
                "track": "",
                "delete_on": f"{when:%d %B %Y}",
                "portal_url": portal_document_url(
                    client_id=project.client_id, url_name="portal:project", pk=project.pk
                ),
            }
            for to in {project.client.email, settings.email} - {""}:
                email_queue(
                    kind="audio_retention", to=to, values=values, about=f"project:{project.pk}"
                )
            sent += 1
    return sent


def version_files_delete(*, version: AudioVersion, reason: str, by=None) -> int:
    """Delete a version's audio and preview from storage, mark it deleted and log it. Returns the
    bytes freed. The row, its comments and its approval stay."""
    if reason == AudioDeletion.Reason.STAFF:
        permission_check(by, "studio.delete_audioversion")
    names = [f.name for f in (version.file, version.preview) if f]
    if not names:
        return 0
    storage = version.file.storage
    # The row is marked and logged first, in the transaction the deletions run in: a storage
    # that fails rolls the marking back, and the next round tries again.
    with transaction.atomic():
        AudioVersion.objects.filter(pk=version.pk).update(
            file="", preview="", status=AudioVersion.Status.DELETED, is_master=False
        )
        AudioDeletion.objects.create(
            project=version.track.project,
            version=version,
            description=f"{version.track} — {version}",
            file_name=version.original_name,
            size_bytes=version.size_bytes,
            reason=reason,
            deleted_by=by if getattr(by, "pk", None) else None,
        )
        audit_record(
            action="audioversion.file_deleted",
            obj=version,
            by=by,
            changes={"file": [version.original_name, None], "reason": [None, reason]},
        )
        for name in names:
            storage.delete(name)  # a file already gone is not an error for the storage
    return version.size_bytes


def retention_run(*, today: date | None = None) -> dict[str, int]:
    """The daily round's part: warnings, then the deletions that are due."""
    today = today or studio_today()
    report = {"retention_warnings": retention_warnings_send(today=today)}
    days = studio_settings_get().audio_retention_days
    deleted = freed = 0
    for project in _due_projects(today=today, days=days).select_related("client"):
        if delete_on(project, days=days) > today:
            continue
        versions = (
            AudioVersion.objects.filter(track__project=project)
            .exclude(status=AudioVersion.Status.DELETED)
            .select_related("track__project")
        )
        failed = False
        for version in versions:
            try:
                freed += version_files_delete(
                    version=version, reason=AudioDeletion.Reason.RETENTION
                )
                deleted += 1
            except Exception:  # a disk or an object store refusing: the next round tries again
                logger.exception("Could not delete the audio of version %s", version.pk)
                failed = True
        if not failed:
            Project.objects.filter(pk=project.pk).update(audio_deleted_at=timezone.now())
    report["retention_files_deleted"] = deleted
    report["retention_bytes_freed"] = freed
    return report
