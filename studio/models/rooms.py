from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from studio.models.settings import WEEKDAYS

COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #7c3aed."))
MONEY = [MinValueValidator(Decimal("0"))]


class Room(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity (people)"), default=4)
    hourly_rate = models.DecimalField(
        _("hourly rate"), max_digits=9, decimal_places=2, validators=MONEY
    )
    min_minutes = models.PositiveSmallIntegerField(_("minimum booking (minutes)"), default=60)
    buffer_minutes = models.PositiveSmallIntegerField(
        _("changeover after each session (minutes)"), default=30
    )
    bookable_online = models.BooleanField(_("bookable online"), default=True)
    colour = models.CharField(_("colour"), max_length=7, default="#7c3aed", validators=[COLOUR])
    photo = models.ImageField(_("photo"), upload_to="rooms/", blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoomPeakRate(models.Model):
    """A different hourly rate on some weekdays between two local times (peak or off-peak)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="peak_rates")
    label = models.CharField(_("label"), max_length=40, default="Peak")
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(choices=WEEKDAYS), verbose_name=_("weekdays")
    )
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"), help_text=_("Earlier than “from” runs past midnight."))
    hourly_rate = models.DecimalField(
        _("hourly rate"), max_digits=9, decimal_places=2, validators=MONEY
    )

    class Meta:
        ordering = ["room", "starts"]
        verbose_name = _("peak / off-peak rate")

    def __str__(self) -> str:
        return f"{self.label} {self.starts:%H:%M}–{self.ends:%H:%M}"
