"""What the platform keeps about billing its studios. Public schema.

- `SubscriptionChange`: every state a studio's subscription was in, from when. The platform
  dashboard's MRR, conversion and churn are computed from these rows only, so a figure for a
  past month does not move when a plan's price changes later.
- `BillingNotice`: each billing e-mail once (trial ending, payment failed, read-only...). The
  unique key makes a second daily run, or a webhook arriving beside it, send nothing twice.
- `CustomDomain`: a host name a studio asked to be served on, with the DNS TXT token that
  proves it owns it. Only a verified domain gets a `Domain` row, which is what serves it.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from siteconf.tenancy.plans import Plan, PlanPrice, SubscriptionStatus


class SubscriptionChange(models.Model):
    class Source(models.TextChoices):
        SIGNUP = "signup", _("Sign-up")
        WEBHOOK = "webhook", _("Stripe event")
        DAILY = "daily", _("Daily check")
        OWNER = "owner", _("Studio owner")
        OPERATOR = "operator", _("Platform operator")

    studio = models.ForeignKey(
        "tenancy.Studio", on_delete=models.CASCADE, related_name="subscription_changes"
    )
    at = models.DateTimeField(_("from"))
    status = models.CharField(max_length=10, choices=SubscriptionStatus.choices)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True)
    interval = models.CharField(max_length=5, choices=PlanPrice.Interval.choices, blank=True)
    # What the studio pays a month from `at` (0 while on trial or lapsed), in `currency`.
    mrr = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, default="EUR")
    source = models.CharField(max_length=10, choices=Source.choices)
    event_id = models.CharField(max_length=120, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["studio", "at", "pk"]
        indexes = [models.Index(fields=["studio", "at"], name="subscription_change_studio_at")]
        constraints = [
            models.CheckConstraint(condition=models.Q(mrr__gte=0), name="subscription_mrr")
        ]

    def __str__(self) -> str:
        return f"{self.studio_id} {self.status} from {self.at:%Y-%m-%d}"


class BillingNotice(models.Model):
    class Kind(models.TextChoices):
        TRIAL_3_DAYS = "trial_3d", _("Trial ends in 3 days")
        TRIAL_1_DAY = "trial_1d", _("Trial ends tomorrow")
        TRIAL_ENDED = "trial_ended", _("Trial ended without a card")
        PAYMENT_FAILED = "payment_failed", _("Payment failed")
        DUNNING = "dunning", _("Payment still overdue")
        READ_ONLY = "read_only", _("Studio is read-only")
        REACTIVATED = "reactivated", _("Studio is active again")

    studio = models.ForeignKey(
        "tenancy.Studio", on_delete=models.CASCADE, related_name="billing_notices"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # What makes this notice distinct from the same kind sent before: the trial's end, the
    # day payment became overdue plus the dunning step...
    key = models.CharField(max_length=60)
    to = models.EmailField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "kind", "key"], name="billing_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.key})"


def _token() -> str:
    return f"rsm-verify={secrets.token_urlsafe(24)}"


class CustomDomain(models.Model):
    """A host name of the studio's own (`book.mystudio.com`), served once verified."""

    studio = models.ForeignKey(
        "tenancy.Studio", on_delete=models.CASCADE, related_name="custom_domains"
    )
    hostname = models.CharField(_("domain"), max_length=253, unique=True)
    token = models.CharField(max_length=80, default=_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["hostname"]
        verbose_name = _("custom domain")

    def __str__(self) -> str:
        return self.hostname

    @property
    def txt_name(self) -> str:
        """Where the owner puts the TXT record."""
        return f"_rsm-verify.{self.hostname}"
