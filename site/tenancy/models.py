"""Studios (tenants) and the domains that reach them. Public schema."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from siteconf.tenancy import host_cache
from siteconf.tenancy.billing import BillingNotice, CustomDomain, SubscriptionChange
from siteconf.tenancy.plans import Plan, PlanPrice, SubscriptionStatus
from siteconf.tenancy.stripe_events import StripeEvent


class StudioQuerySet(models.QuerySet):
    def studios(self) -> StudioQuerySet:
        """Real studios: neither the platform's own public tenant nor the template."""
        return self.filter(kind=Studio.Kind.STUDIO)


class Studio(TenantMixin):
    """A recording studio, with its own PostgreSQL schema.

    The public schema and the template schema that new studios are cloned from are rows of this
    table too (django-tenants needs a tenant for the public schema, and `migrate_schemas` keeps
    every tenant row's schema current, which is what keeps the template fresh).
    """

    class Kind(models.TextChoices):
        PLATFORM = "platform", _("Platform (public schema)")
        TEMPLATE = "template", _("Template for new studios")
        STUDIO = "studio", _("Studio")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    class Method(models.TextChoices):
        CLONE = "clone", _("Cloned from the template")
        MIGRATE = "migrate", _("Built by migrations")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STUDIO)
    name = models.CharField(_("name"), max_length=100)
    slug = models.CharField(_("sub-domain"), max_length=40, unique=True, null=True, blank=True)
    owner_email = models.EmailField(_("owner e-mail"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    provisioned_at = models.DateTimeField(null=True, blank=True)
    provision_method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    provision_seconds = models.FloatField(null=True, blank=True)
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="studios"
    )
    subscription_status = models.CharField(
        _("subscription"),
        max_length=10,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.TRIALING,
    )
    trial_ends_at = models.DateTimeField(_("trial ends"), null=True, blank=True)
    # The platform's own Stripe account bills the studio: its customer and subscription there.
    stripe_customer_id = models.CharField(max_length=60, null=True, blank=True, unique=True)
    stripe_subscription_id = models.CharField(max_length=60, null=True, blank=True, unique=True)
    price = models.ForeignKey(
        PlanPrice, on_delete=models.PROTECT, null=True, blank=True, related_name="studios"
    )
    card_label = models.CharField(_("card"), max_length=60, blank=True)
    current_period_end = models.DateTimeField(_("paid until"), null=True, blank=True)
    cancel_at_period_end = models.BooleanField(_("cancels at the period's end"), default=False)
    past_due_since = models.DateTimeField(_("overdue since"), null=True, blank=True)
    read_only_since = models.DateTimeField(_("read-only since"), null=True, blank=True)
    # Stripe's time of the newest subscription state applied: an older event is stale.
    billing_synced_at = models.DateTimeField(null=True, blank=True)
    # The studio's own Stripe account (Connect), which its clients' card payments go to.
    stripe_account_id = models.CharField(max_length=60, null=True, blank=True, unique=True)
    stripe_charges_enabled = models.BooleanField(default=False)
    stripe_details_submitted = models.BooleanField(default=False)

    # The provisioning service creates schemas explicitly (clone after a freshness check).
    auto_create_schema = False
    auto_drop_schema = False

    objects = StudioQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="studio") | models.Q(slug__isnull=False),
                name="studio_has_slug",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def url_for(self, path: str = "/") -> str:
        """Absolute URL of `path` on this studio's primary domain (or the platform's)."""
        domain = next((d.domain for d in self.domains.all() if d.is_primary), None)
        host = domain or settings.PLATFORM_DOMAIN
        port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT else ""
        return f"{settings.PUBLIC_SCHEME}://{host}{port}{path}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        host_cache.forget_studio(self)

    def delete(self, *args, **kwargs):
        host_cache.forget_studio(self)
        return super().delete(*args, **kwargs)


__all__ = [
    "AuditRecord",
    "BillingNotice",
    "CustomDomain",
    "Domain",
    "Plan",
    "PlanPrice",
    "PlatformAuditEntry",
    "StripeEvent",
    "Studio",
    "SubscriptionChange",
    "SubscriptionStatus",
]


class Domain(DomainMixin):
    """A host name that serves a studio (or the platform, for the public tenant)."""

    class Meta:
        ordering = ["domain"]

    def save(self, *args, **kwargs):
        if self.pk:
            previous = Domain.objects.filter(pk=self.pk).values_list("domain", flat=True).first()
            if previous and previous != self.domain:
                host_cache.forget_hosts([previous])
        super().save(*args, **kwargs)
        host_cache.forget_hosts([self.domain])

    def delete(self, *args, **kwargs):
        host_cache.forget_hosts([self.domain])
        return super().delete(*args, **kwargs)


class AuditRecord(models.Model):
    """One entry of an audit trail: who did what to which object, and which fields changed
    (old and new values). A studio's trail and the platform's share this shape."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    model = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"


class PlatformAuditEntry(AuditRecord):
    """The platform's own audit trail (public schema): who changed a plan's price, a studio's
    subscription or an operator account. Each studio's trail lives in its own schema
    (`studio.AuditEntry`)."""

    class Meta(AuditRecord.Meta):
        verbose_name = _("platform audit entry")
        verbose_name_plural = _("platform audit trail")
        indexes = [models.Index(fields=["model", "object_id"], name="platform_audit_object")]
