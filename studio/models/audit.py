from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from siteconf.tenancy.models import AuditRecord


class AuditEntry(AuditRecord):
    """A studio's audit trail, in the studio's own schema."""

    class Meta(AuditRecord.Meta):
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["model", "object_id"], name="audit_object")]
