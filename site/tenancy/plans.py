"""Plans the platform sells, and each studio's subscription state. Public schema.

Prices, limits and features live in this table, edited in the platform admin: the pricing page
and the limit checks read them, nothing hard-codes them. A limit left empty means unlimited.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanQuerySet(models.QuerySet):
    def public(self) -> PlanQuerySet:
        """The plans offered on the pricing page and at sign-up, in display order."""
        return self.filter(is_public=True).order_by("order", "monthly_price")


class Plan(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    tagline = models.CharField(_("tagline"), max_length=120, blank=True)
    monthly_price = models.DecimalField(
        _("monthly price"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    max_rooms = models.PositiveIntegerField(
        _("rooms"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    max_sessions_per_month = models.PositiveIntegerField(
        _("sessions per month"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    max_staff = models.PositiveIntegerField(
        _("staff seats"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    features = models.TextField(
        _("features"), blank=True, help_text=_("One per line, as shown on the pricing page.")
    )
    card_payments = models.BooleanField(
        _("card payments in the portal"),
        default=False,
        help_text=_(
            "Clients pay booking deposits by card; without it the portal takes "
            "booking requests only."
        ),
    )
    platform_fee_percent = models.DecimalField(
        _("platform fee on card payments (%)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Taken from each card payment a studio on this plan receives."),
    )
    white_label = models.BooleanField(
        _("white-label portal"),
        default=False,
        help_text=_("The portal and its e-mails show the studio only, not this platform."),
    )
    trial_days = models.PositiveSmallIntegerField(_("free trial (days)"), default=14)
    is_public = models.BooleanField(_("on the pricing page"), default=True)
    highlighted = models.BooleanField(_("highlighted"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["order", "monthly_price"]

    def __str__(self) -> str:
        return self.name

    @property
    def feature_list(self) -> list[str]:
        return [line.strip() for line in self.features.splitlines() if line.strip()]

    def limit_for(self, what: str) -> int | None:
        return {
            "rooms": self.max_rooms,
            "sessions_per_month": self.max_sessions_per_month,
            "staff": self.max_staff,
        }[what]


class SubscriptionStatus(models.TextChoices):
    TRIALING = "trialing", _("Free trial")
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Payment overdue")
    READ_ONLY = "read_only", _("Read-only (lapsed)")
