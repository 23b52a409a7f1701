"""E-mails the studio sends: templates it edits, and every message as it was sent (the mailbox)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailTemplate(models.Model):
    class Kind(models.TextChoices):
        QUOTE = "quote", _("Quote")
        INVOICE = "invoice", _("Invoice")
        RECEIPT = "receipt", _("Payment receipt")
        REMINDER = "reminder", _("Payment reminder")
        CREDIT_NOTE = "credit_note", _("Credit note")
        CONTRACT = "contract", _("Contract to sign")
        BOOKING_RECEIVED = "booking_received", _("Booking request received")
        BOOKING_CONFIRMED = "booking_confirmed", _("Booking confirmed")
        BOOKING_DECLINED = "booking_declined", _("Booking declined")
        BOOKING_CANCELLED = "booking_cancelled", _("Booking cancelled")
        SESSION_REMINDER = "session_reminder", _("Session reminder (24 hours before)")
        MIX_TO_REVIEW = "mix_to_review", _("New mix to review")
        MIX_COMMENT = "mix_comment", _("Comment on a mix")
        VERSION_APPROVED = "version_approved", _("Version approved (to the studio)")
        MASTERS_READY = "masters_ready", _("Masters ready to download")
        AUDIO_RETENTION = "audio_retention", _("Project audio to be deleted soon")

    kind = models.CharField(_("e-mail"), max_length=20, choices=Kind.choices, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))

    class Meta:
        ordering = ["kind"]
        verbose_name = _("e-mail template")

    def __str__(self) -> str:
        return self.get_kind_display()


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("e-mail"), max_length=20, choices=EmailTemplate.Kind.choices)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    # The PDF attached, by reference to the stored document (kind + id).
    attachment_kind = models.CharField(max_length=20, blank=True)
    attachment_id = models.PositiveBigIntegerField(null=True, blank=True)
    # What the e-mail is about, for the document's history.
    about = models.CharField(max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("mailbox")
        indexes = [models.Index(fields=["about"], name="email_about")]

    def __str__(self) -> str:
        return self.subject
