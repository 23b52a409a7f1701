"""Music projects: a client's single, EP, album, mix or mastering job, its tracks, who played
and wrote what on them (credits), and who owns what share of each right (splits).

A project moves through stages the studio defines itself (a Kanban board); one service,
`project_stage_set`, moves it and writes the audit entry. Sessions and invoices may name the
project they belong to, which is how "spent" and "paid in full" are known.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from studio.models.clients import Client

# The colours a stage may take on the board: names the admin's palette knows in light and dark.
STAGE_COLOURS = [
    ("slate", _("Slate")),
    ("sky", _("Sky")),
    ("violet", _("Violet")),
    ("amber", _("Amber")),
    ("rose", _("Rose")),
    ("emerald", _("Emerald")),
]

# A new studio starts with five stages (migration 0017 makes them: Pre-production, Recording,
# Mixing, Mastering, Delivered) and renames, adds, reorders and recolours them freely.

# CC-XXX-YY-NNNNN: country, registrant, year, designation (ISO 3901), written without hyphens.
ISRC_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{2}[0-9]{5}$")


def isrc_compact(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


def validate_isrc(value: str) -> None:
    if value and not ISRC_RE.match(isrc_compact(value)):
        raise ValidationError(
            _(
                "%(value)s is not an ISRC: 12 characters, country (2 letters), registrant "
                "(3 letters or digits), year (2 digits) and 5 digits, e.g. GB-AB1-26-00042."
            ),
            params={"value": value},
            code="isrc",
        )


class ProjectStage(models.Model):
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    colour = models.CharField(_("colour"), max_length=10, choices=STAGE_COLOURS, default="slate")
    is_delivered = models.BooleanField(
        _("means delivered"),
        default=False,
        help_text=_(
            "Projects moved here get today as their delivery date (retention counts from it)."
        ),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("project stage")
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="project_stage_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single")
        EP = "ep", _("EP")
        ALBUM = "album", _("Album")
        MIX = "mix", _("Mixing job")
        MASTERING = "mastering", _("Mastering job")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    stage = models.ForeignKey(
        ProjectStage, on_delete=models.PROTECT, related_name="projects", verbose_name=_("stage")
    )
    # Order of the cards within a stage on the board (lower first).
    board_position = models.PositiveIntegerField(default=0, editable=False)
    budget = models.DecimalField(
        _("budget"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(max_length=3, default="EUR", editable=False)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Retention: audio files are deleted `audio_retention_days` after delivery, unless staff
    # set a later date here.
    retention_until = models.DateField(
        _("keep audio until"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to follow the studio's rule; a later date keeps the files longer."
        ),
    )
    retention_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    audio_deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Masters normally go out when the project's invoices are paid in full; staff may release
    # them without an invoice (a free job, a label that pays later) and it is recorded here.
    masters_released_at = models.DateTimeField(
        _("masters released by staff"), null=True, blank=True, editable=False
    )
    masters_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project")
        indexes = [
            models.Index(fields=["stage", "board_position"], name="project_board"),
            models.Index(fields=["client", "-created_at"], name="project_client"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(target_date__gte=models.F("start_date")),
                name="project_target_after_start",
                violation_error_message=_("The target date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProjectExpense(models.Model):
    """Money spent on a project besides its sessions: session players, hire, travel."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="expenses")
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    spent_on = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        ordering = ["spent_on", "id"]
        verbose_name = _("expense")

    def __str__(self) -> str:
        return self.description


KEYS = [
    (f"{note} {mode}", f"{note} {mode}")
    for mode in ("major", "minor")
    for note in ("C", "C♯/D♭", "D", "D♯/E♭", "E", "F", "F♯/G♭", "G", "G♯/A♭", "A", "A♯/B♭", "B")
]


class Track(models.Model):
    class Status(models.TextChoices):
        WRITING = "writing", _("Writing")
        RECORDING = "recording", _("Recording")
        EDITING = "editing", _("Editing")
        MIXING = "mixing", _("Mixing")
        MASTERING = "mastering", _("Mastering")
        DONE = "done", _("Done")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tracks")
    number = models.PositiveSmallIntegerField(_("no."), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECORDING
    )
    bpm = models.DecimalField(
        _("BPM"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("20")), MaxValueValidator(Decimal("400"))],
    )
    key = models.CharField(_("key"), max_length=16, choices=KEYS, blank=True)
    isrc = models.CharField(_("ISRC"), max_length=12, blank=True, validators=[validate_isrc])
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)
    recall_notes = models.TextField(
        _("recall notes"),
        blank=True,
        help_text=_("Mics, outboard and console settings to restore at the next session."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "number"]
        verbose_name = _("track")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="track_number_once"),
            models.UniqueConstraint(
                fields=["isrc"],
                condition=~models.Q(isrc=""),
                name="track_isrc_once",
                violation_error_message=_("Another track already has this ISRC."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def clean(self) -> None:
        self.isrc = isrc_compact(self.isrc)


class Credit(models.Model):
    class Role(models.TextChoices):
        ARTIST = "artist", _("Artist")
        FEATURED = "featured", _("Featured artist")
        SONGWRITER = "songwriter", _("Songwriter")
        COMPOSER = "composer", _("Composer")
        LYRICIST = "lyricist", _("Lyricist")
        PRODUCER = "producer", _("Producer")
        MUSICIAN = "musician", _("Musician")
        VOCALIST = "vocalist", _("Vocalist")
        RECORDING = "recording", _("Recording engineer")
        MIXING = "mixing", _("Mixing engineer")
        MASTERING = "mastering", _("Mastering engineer")
        ARRANGER = "arranger", _("Arranger")

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="credits")
    person = models.CharField(_("person"), max_length=200)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    instrument = models.CharField(_("instrument"), max_length=100, blank=True)

    class Meta:
        ordering = ["track", "role", "person"]
        verbose_name = _("credit")
        constraints = [
            models.UniqueConstraint(
                fields=["track", "person", "role", "instrument"], name="credit_once"
            )
        ]

    def __str__(self) -> str:
        what = self.get_role_display()
        return f"{self.person} — {what}" + (f" ({self.instrument})" if self.instrument else "")


class Split(models.Model):
    """One person's share of one right in a track. The shares of a right total exactly 100 %:
    `studio.services.projects.splits_set` writes a right's shares together or not at all."""

    class Right(models.TextChoices):
        MASTER = "master", _("Master recording")
        PUBLISHING = "publishing", _("Publishing (composition)")

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="splits")
    right = models.CharField(_("right"), max_length=10, choices=Right.choices)
    person = models.CharField(_("person"), max_length=200)
    percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["track", "right", "-percent", "person"]
        verbose_name = _("split")
        constraints = [
            models.UniqueConstraint(fields=["track", "right", "person"], name="split_once"),
            models.CheckConstraint(
                condition=models.Q(percent__gt=0) & models.Q(percent__lte=100),
                name="split_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.percent} % of {self.get_right_display()}"
