"""The throwaway studio a benchmark measures in: provisioned fresh (any leftover of an
interrupted run is dropped first), destroyed by the benchmark when it is done."""

from __future__ import annotations

from siteconf.tenancy.models import Studio
from siteconf.tenancy.services.provisioning import (
    platform_tenant_ensure,
    studio_destroy,
    studio_provision,
    template_ensure,
)

PASSWORD = "bench-owner-Passw0rd"


def bench_studio(*, slug: str, name: str) -> Studio:
    platform_tenant_ensure()
    template_ensure()
    for leftover in Studio.objects.filter(slug=slug):
        studio_destroy(studio=leftover)
    return studio_provision(
        name=name,
        slug=slug,
        owner_email=owner_email(slug),
        owner_password=PASSWORD,
        notify_owner=False,
    )


def owner_email(slug: str) -> str:
    return f"owner@{slug}.example"
