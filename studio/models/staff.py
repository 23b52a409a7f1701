from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from studio.models.rooms import COLOUR


class Engineer(models.Model):
    """A staff member who can be booked on sessions (with or without a back-office login)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engineer",
        verbose_name=_("login"),
    )
    name = models.CharField(_("name"), max_length=120, unique=True)
    hourly_rate = models.DecimalField(
        _("hourly rate"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    specialties = models.CharField(_("specialties"), max_length=200, blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#0ea5e9", validators=[COLOUR])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
