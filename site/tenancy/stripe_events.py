"""Stripe webhook events as received, in the public schema: each event id once.

The webhook view inserts the row (`ON CONFLICT DO NOTHING` through the unique id) and answers at
once; a task in the studio's schema does the work and stamps `processed_at`. An event that
arrives again finds its row and is acknowledged without being applied twice.
"""

from __future__ import annotations

from django.db import models


class StripeEvent(models.Model):
    event_id = models.CharField(max_length=120, unique=True)
    type = models.CharField(max_length=80)
    account = models.CharField(max_length=60, blank=True)
    schema_name = models.CharField(max_length=63, blank=True)
    object_id = models.CharField(max_length=120, blank=True)
    created = models.DateTimeField(help_text="When Stripe created the event.")
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
