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
    custom_domains = models.BooleanField(
        _("custom domains"),
        default=False,
        help_text=_("The studio serves its portal on its own domain, once its DNS is verified."),
    )
    audit_export = models.BooleanField(
        _("audit-log export"),
        default=False,
        help_text=_("The studio downloads its audit trail as CSV."),
    )
    yearly_price = models.DecimalField(
        _("yearly price"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Empty: monthly billing only."),
    )
    trial_days = models.PositiveSmallIntegerField(_("free trial (days)"), default=14)
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=7,
        help_text=_(
            "How long a studio whose payment is overdue keeps working before it turns read-only."
        ),
    )
    # The platform's own Stripe account: the product this plan is sold as.
    stripe_product_id = models.CharField(max_length=60, blank=True)
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


class PlanPrice(models.Model):
    """A price a plan was sold at on Stripe, for one billing interval.

    Stripe prices cannot change: a new amount is a new price. The plan's current price per
    interval is the one new subscriptions get; studios on an older price stay on it until an
    operator moves them.
    """

    class Interval(models.TextChoices):
        MONTH = "month", _("Monthly")
        YEAR = "year", _("Yearly")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="prices")
    interval = models.CharField(max_length=5, choices=Interval.choices)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    currency = models.CharField(max_length=3)
    stripe_price_id = models.CharField(max_length=60, unique=True)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "interval", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "interval"],
                condition=models.Q(is_current=True),
                name="plan_price_one_current",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="plan_price_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.amount} {self.currency}/{self.interval}"

    @property
    def monthly_amount(self) -> Decimal:
        """What this price brings in a month (MRR): a yearly price counts a twelfth."""
        if self.interval == self.Interval.YEAR:
            return (self.amount / 12).quantize(Decimal("0.01"))
        return self.amount


class SubscriptionStatus(models.TextChoices):
    TRIALING = "trialing", _("Free trial")
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Payment overdue")
    READ_ONLY = "read_only", _("Read-only (lapsed)")
