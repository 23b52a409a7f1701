"""Client accounts of the portal, in each studio's schema.

A portal account is a Django user of the studio's schema (so sign-in, sessions, throttling and
password hashing are Django's) tied to exactly one `Client`. Its username is `portal:<e-mail>`:
it can never be typed into the back office's e-mail login, and it is never staff, so the admin
refuses it. Staff users have no portal account, so the portal never takes them for a client.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from studio.models import Client

USERNAME_PREFIX = "portal:"


class PortalAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_account"
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="portal_accounts")
    email = models.EmailField(_("e-mail"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"), name="portal_account_email_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.client})"


class PortalLink(models.Model):
    """A signed, single-use link e-mailed to a client: an invitation, a sign-in link or a
    password reset. Only a hash of its secret is stored; using it stamps `used_at` once."""

    class Purpose(models.TextChoices):
        INVITE = "invite", _("Invitation")
        SIGN_IN = "sign_in", _("Sign-in link")
        RESET = "reset", _("Password reset")

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["account", "-created_at"], name="portal_link_account")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for {self.account.email}"


class DocumentView(models.Model):
    """A client opened one of their documents in the portal: first and last time. Kept apart
    from the documents themselves, which are frozen once issued or signed."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        QUOTE = "quote", _("Quote")
        CONTRACT = "contract", _("Contract")

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="views")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    first_viewed_at = models.DateTimeField(auto_now_add=True)
    last_viewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind", "object_id"], name="document_view_once"
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="document_view_object")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id} seen by {self.account.email}"


class DataExport(models.Model):
    """“Download my data”: a ZIP of the client's data and documents, built by a task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="exports")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    done_steps = models.PositiveIntegerField(default=0)
    total_steps = models.PositiveIntegerField(default=0)
    archive = models.FileField(upload_to="exports/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Data export for {self.account.email} ({self.get_status_display()})"
