"""Contracts: text rendered from a template for one client, sent, then signed once.

Signing freezes the exact text with a SHA-256 of it; PostgreSQL refuses a signed contract without
its signature record, and the trigger of migration 0006 refuses any change to a signed one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from studio.models.clients import Client
from studio.models.settings import CURRENCIES


class ContractTemplate(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    title = models.CharField(_("document title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders in double braces, e.g. {{ client_name }}, {{ project }}, {{ fee }}."
        ),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        SIGNED = "signed", _("Signed")
        VOID = "void", _("Void")

    class SignedVia(models.TextChoices):
        PORTAL = "portal", _("Signed in the client portal")
        PAPER = "paper", _("Signed on paper")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="contracts")
    template = models.ForeignKey(
        ContractTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    project = models.CharField(_("project"), max_length=200, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    fee = models.DecimalField(_("fee"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True, editable=False)
    signed_name = models.CharField(_("signed by"), max_length=200, blank=True, editable=False)
    signed_ip = models.GenericIPAddressField(
        _("from IP address"), null=True, blank=True, editable=False
    )
    signed_user_agent = models.CharField(_("browser"), max_length=400, blank=True, editable=False)
    signed_via = models.CharField(
        _("how"), max_length=8, choices=SignedVia.choices, blank=True, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    document_sha256 = models.CharField(
        _("SHA-256 of the signed text"), max_length=64, blank=True, editable=False
    )
    voided_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="signed")
                | (
                    models.Q(signed_at__isnull=False, signed_via__in=["portal", "paper"])
                    & ~models.Q(signed_name="")
                    & models.Q(document_sha256__regex=r"^[0-9a-f]{64}$")
                ),
                name="contract_signed_is_recorded",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.client}"
