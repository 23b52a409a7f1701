"""Audio versions of a track (mixes, stems, masters), their uploads and their review.

A version is a file that never changes once uploaded: a new mix is a new version (v1, v2...),
numbered per track under a row lock, and PostgreSQL refuses a second v2. Uploads arrive in
chunks into an `AudioUpload` (resumable from `received`), are checked by their content, written
to the studio's storage, and processed once in the background: technical details, waveform
peaks, integrated loudness and a streaming preview are stored on the version so the player never
decodes audio in the browser.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from studio.models.clients import Client
from studio.models.projects import Project, Track


def audio_path(version: AudioVersion, filename: str) -> str:
    # The storage adds the studio's prefix (its schema); the name keeps the uploader's file name
    # readable in downloads, the version number keeps two uploads of "mix.wav" apart.
    track = version.track
    return f"audio/p{track.project_id}/t{track.pk}/v{version.number}-{filename}"


def preview_path(version: AudioVersion, filename: str) -> str:
    track = version.track
    return f"audio/p{track.project_id}/t{track.pk}/previews/v{version.number}-{filename}"


class AudioVersion(models.Model):
    class Kind(models.TextChoices):
        MIX = "mix", _("Mix")
        STEM = "stem", _("Stem")
        MASTER = "master", _("Master")
        ROUGH = "rough", _("Rough / reference")

    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be read")
        DELETED = "deleted", _("File deleted")

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices, default=Kind.MIX)
    label = models.CharField(
        _("label"), max_length=120, blank=True, help_text=_("e.g. 'Vocal up 1 dB' or 'Drums'.")
    )
    file = models.FileField(_("file"), upload_to=audio_path, max_length=300, blank=True)
    original_name = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField(default=0)
    # What the content says it is (not the extension): wav, aiff, flac, mp3, ogg.
    audio_format = models.CharField(_("format"), max_length=8)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PROCESSING, editable=False
    )
    progress = models.PositiveSmallIntegerField(default=0, editable=False)
    error = models.CharField(max_length=300, blank=True, editable=False)
    duration_seconds = models.FloatField(_("duration (s)"), null=True, blank=True, editable=False)
    sample_rate = models.PositiveIntegerField(
        _("sample rate"), null=True, blank=True, editable=False
    )
    bit_depth = models.PositiveSmallIntegerField(
        _("bit depth"), null=True, blank=True, editable=False
    )
    channels = models.PositiveSmallIntegerField(
        _("channels"), null=True, blank=True, editable=False
    )
    lufs = models.FloatField(_("loudness (LUFS)"), null=True, blank=True, editable=False)
    peak_dbfs = models.FloatField(_("peak (dBFS)"), null=True, blank=True, editable=False)
    # One list per channel (1 or 2) of ~1000 values in [0, 1] (max |sample| per bucket): what
    # the player draws, so the browser never decodes the file.
    peaks = models.JSONField(null=True, blank=True, editable=False)
    preview = models.FileField(upload_to=preview_path, max_length=300, blank=True, editable=False)
    is_master = models.BooleanField(_("the master"), default=False, editable=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    approved_by_name = models.CharField(max_length=200, blank=True, editable=False)
    notes = models.TextField(_("notes for the client"), blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["track", "-number"]
        verbose_name = _("audio version")
        permissions = [("listen_audio", "Can play and download the studio's audio")]
        constraints = [
            models.UniqueConstraint(fields=["track", "number"], name="audio_version_number_once"),
            models.UniqueConstraint(
                fields=["track"], condition=models.Q(is_master=True), name="audio_one_master"
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="audio_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}" + (f" — {self.label}" if self.label else "")

    @property
    def project(self) -> Project:
        return self.track.project


class AudioUpload(models.Model):
    """A file arriving in chunks. The bytes go to a local spool file (never into memory); the
    client asks for `received` to resume after a cut, and the last chunk creates the version."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="uploads")
    kind = models.CharField(max_length=8, choices=AudioVersion.Kind.choices)
    label = models.CharField(max_length=120, blank=True)
    filename = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    received_bytes = models.BigIntegerField(default=0)
    version = models.OneToOneField(
        AudioVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="upload"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(received_bytes__gte=0)
                & models.Q(received_bytes__lte=models.F("size_bytes")),
                name="audio_upload_received_in_size",
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.received_bytes}/{self.size_bytes} bytes)"


class ReviewComment(models.Model):
    """A comment on a version at a point (`at_seconds`) or over a range (to `until_seconds`),
    by staff or by the client, with replies (`parent`) and a resolved state."""

    version = models.ForeignKey(AudioVersion, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    at_seconds = models.DecimalField(max_digits=9, decimal_places=3)
    until_seconds = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    body = models.TextField(_("comment"), max_length=4000)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at_seconds", "created_at", "id"]
        indexes = [models.Index(fields=["version", "at_seconds"], name="comment_version_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(at_seconds__gte=0), name="comment_at_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(until_seconds__isnull=True)
                | models.Q(until_seconds__gt=models.F("at_seconds")),
                name="comment_range_forward",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name} at {self.at_seconds}s"


class AudioDeletion(models.Model):
    """The log of audio files deleted (by the retention rule or by staff): what, when, why.
    The version row stays, marked deleted, so the project's history and credits survive."""

    class Reason(models.TextChoices):
        RETENTION = "retention", _("Retention rule")
        STAFF = "staff", _("Deleted by staff")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="audio_deletions")
    version = models.ForeignKey(
        AudioVersion, on_delete=models.SET_NULL, null=True, related_name="deletions"
    )
    description = models.CharField(max_length=300)
    file_name = models.CharField(max_length=300)
    size_bytes = models.BigIntegerField(default=0)
    reason = models.CharField(max_length=10, choices=Reason.choices)
    deleted_at = models.DateTimeField(auto_now_add=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-deleted_at", "-id"]
        verbose_name = _("audio deletion")

    def __str__(self) -> str:
        return f"{self.description} ({self.get_reason_display()})"
