"""Sessions (bookings) and what they reserve: a room, engineers, equipment.

No two active sessions may overlap in a room (changeover included), nor share an engineer or a
piece of equipment at the same time. PostgreSQL enforces it with exclusion constraints; the
booking services in studio/services/sessions.py are the only writers and turn a violation into a
message that names the conflicting session.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.utils.translation import gettext_lazy as _

from studio.models.clients import Client
from studio.models.db import SameId, TsTzRange
from studio.models.equipment import Equipment
from studio.models.projects import Project
from studio.models.rooms import Room
from studio.models.staff import Engineer


def overlapping(start: datetime, end: datetime) -> models.Q:
    """Rows whose [start, end) meets [start, end), written so PostgreSQL can walk the index on
    `start`: a row cannot start earlier than MAX_SESSION before the window."""
    return models.Q(start__lt=end, start__gt=start - MAX_SESSION, end__gt=start)


class SessionQuerySet(models.QuerySet):
    def active(self) -> SessionQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def overlapping(self, start: datetime, end: datetime) -> SessionQuerySet:
        return self.filter(overlapping(start, end))


class SessionSeries(models.Model):
    """Sessions booked together as a weekly series."""

    created_at = models.DateTimeField(auto_now_add=True)
    weeks = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"Weekly series #{self.pk} ({self.weeks} weeks)"


# A session lasts at most a day; longer lockouts are booked as one session per day. The bound
# also lets every "what overlaps this window" query use the index on start.
MAX_SESSION = timedelta(hours=24)

# Statuses that hold the room, the engineers and the gear. "held" is a slot kept for a client
# of the portal while they pay the deposit, until `hold_expires_at`.
ACTIVE_STATUSES = ("held", "requested", "confirmed", "checked_in", "completed")


class Session(models.Model):
    class Status(models.TextChoices):
        HELD = "held", _("Held (client paying)")
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        CHECKED_IN = "checked_in", _("Checked in")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    ACTIVE = ACTIVE_STATUSES

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="sessions")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="sessions")
    engineers = models.ManyToManyField(Engineer, through="SessionEngineer", blank=True)
    equipment = models.ManyToManyField(Equipment, through="SessionEquipment", blank=True)
    series = models.ForeignKey(
        SessionSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("project"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # end + the room's changeover: the room stays blocked until then.
    blocked_until = models.DateTimeField(editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="EUR")
    deposit_due = models.DecimalField(_("deposit due"), max_digits=10, decimal_places=2, default=0)
    hold_expires_at = models.DateTimeField(_("held until"), null=True, blank=True)
    booked_online = models.BooleanField(_("booked in the portal"), default=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    refund_percent = models.DecimalField(
        _("refund on cancellation (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    recall_notes = models.TextField(
        _("recall notes"), blank=True, help_text=_("Mic and console setup to restore next time.")
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    overtime_minutes = models.PositiveIntegerField(_("overtime (minutes)"), default=0)
    gear_alert = models.CharField(_("gear alert"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        permissions = [("view_money", "Can see prices, deposits and revenue")]
        indexes = [
            models.Index(fields=["start"], name="session_start"),
            models.Index(fields=["client", "-start"], name="session_client_start"),
            models.Index(fields=["status", "start"], name="session_status_start"),
            # The release of expired holds reads only the few held rows.
            models.Index(
                fields=["hold_expires_at"],
                name="session_holds",
                condition=models.Q(status="held"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(end__lte=models.F("start") + MAX_SESSION),
                name="session_at_most_a_day",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="held") | models.Q(hold_expires_at__isnull=False),
                name="session_hold_expires",
            ),
            models.CheckConstraint(
                condition=models.Q(blocked_until__gte=models.F("end")),
                name="session_block_covers_end",
            ),
            ExclusionConstraint(
                name="session_room_no_overlap",
                expressions=[
                    (SameId("room_id"), RangeOperators.OVERLAPS),
                    (TsTzRange("start", "blocked_until"), RangeOperators.OVERLAPS),
                ],
                condition=models.Q(status__in=ACTIVE_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return f"Session #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def hours(self):
        return (self.end - self.start).total_seconds() / 3600


class Reservation(models.Model):
    """Something a session holds (an engineer, a piece of gear). start/end/active mirror the
    session so PostgreSQL can refuse the same resource in two places at once; only the booking
    services write them."""

    start = models.DateTimeField()
    end = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        abstract = True

    @staticmethod
    def constraints_for(resource: str, *, name: str) -> list:
        return [
            models.UniqueConstraint(fields=["session", resource], name=f"session_{resource}_once"),
            ExclusionConstraint(
                name=name,
                expressions=[
                    (SameId(f"{resource}_id"), RangeOperators.OVERLAPS),
                    (TsTzRange("start", "end"), RangeOperators.OVERLAPS),
                ],
                condition=models.Q(active=True),
            ),
        ]


class SessionEngineer(Reservation):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="crew")
    engineer = models.ForeignKey(Engineer, on_delete=models.PROTECT, related_name="bookings")

    class Meta:
        constraints = Reservation.constraints_for("engineer", name="engineer_no_double_booking")

    def __str__(self) -> str:
        return f"{self.engineer} on session #{self.session_id}"


class SessionEquipment(Reservation):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="gear")
    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="bookings")

    class Meta:
        constraints = Reservation.constraints_for("equipment", name="equipment_no_double_booking")

    def __str__(self) -> str:
        return f"{self.equipment} for session #{self.session_id}"
