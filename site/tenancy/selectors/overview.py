"""Figures for the platform admin's front page."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q
from django_tenants.utils import schema_exists

from siteconf.tenancy.models import Studio
from siteconf.tenancy.services.provisioning import template_missing_migrations


def platform_overview() -> dict:
    studios = Studio.objects.studios()
    counts = studios.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status=Studio.Status.ACTIVE)),
        suspended=Count("pk", filter=Q(status=Studio.Status.SUSPENDED)),
    )
    template_present = schema_exists(settings.TENANT_BASE_SCHEMA)
    missing = template_missing_migrations() if template_present else None
    return {
        **counts,
        "template_missing": missing,
        "recent": list(studios.prefetch_related("domains").order_by("-created_at")[:8]),
    }
