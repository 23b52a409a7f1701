"""Provisioning (clone vs migrate) and per-request host resolution."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory

from siteconf.bench.stats import p50
from siteconf.tenancy import host_cache
from siteconf.tenancy.middleware import CachedTenantMiddleware
from siteconf.tenancy.models import Studio
from siteconf.tenancy.services.provisioning import (
    platform_tenant_ensure,
    studio_destroy,
    studio_provision,
    template_ensure,
)

PASSWORD = "bench-owner-Passw0rd"


def _provision_many(method: str, count: int, progress: Callable[[str], None]) -> list[float]:
    durations, created = [], []
    try:
        for i in range(count):
            slug = f"bench-{method}-{i:03d}"
            started = time.perf_counter()
            studio = studio_provision(
                name=f"Bench {method} {i}",
                slug=slug,
                owner_email=f"owner@{slug}.example",
                owner_password=PASSWORD,
                method=method,
                notify_owner=False,
            )
            durations.append(time.perf_counter() - started)
            created.append(studio)
            progress(f"  provision by {method}: {i + 1}/{count} ({durations[-1]:.2f} s)")
    finally:
        for studio in created:
            studio_destroy(studio=studio)
    return durations


def bench_provisioning(*, count: int, progress: Callable[[str], None]) -> dict[str, float]:
    platform_tenant_ensure()
    template_ensure()
    for leftover in Studio.objects.filter(slug__startswith="bench-"):
        studio_destroy(studio=leftover)
    clone = _provision_many(Studio.Method.CLONE, count, progress)
    migrate = _provision_many(Studio.Method.MIGRATE, count, progress)
    return {
        "provision_clone_p50_s": round(p50(clone), 3),
        "provision_migrate_p50_s": round(p50(migrate), 3),
        "provision_clone_speedup_x": round(p50(migrate) / p50(clone), 1),
        "provision_runs": count,
    }


def bench_tenant_resolve(*, requests: int, progress: Callable[[str], None]) -> dict[str, float]:
    """Time the tenant middleware's work per request: host -> studio -> schema selected."""
    studio = Studio.objects.studios().prefetch_related("domains").first()
    if studio is None:
        studio = studio_provision(
            name="Bench resolve",
            slug="bench-resolve",
            owner_email="owner@bench-resolve.example",
            owner_password=PASSWORD,
            notify_owner=False,
        )
    host = studio.domains.all()[0].domain
    middleware = CachedTenantMiddleware(lambda request: None)
    request = RequestFactory().get("/", HTTP_HOST=host)

    def run(clear_cache: bool) -> float:
        started = time.perf_counter()
        for _ in range(requests):
            if clear_cache:
                host_cache.forget_hosts([host])
            middleware.process_request(request)
        return (time.perf_counter() - started) / requests * 1e6

    run(clear_cache=False)  # warm up
    cached = run(clear_cache=False)
    uncached = run(clear_cache=True)
    connection.set_schema_to_public()
    if studio.slug == "bench-resolve":
        studio_destroy(studio=studio)
    progress(f"  host resolution: {cached:.1f} µs cached, {uncached:.1f} µs with a query")
    return {
        "tenant_resolve_us": round(cached, 1),
        "tenant_resolve_uncached_us": round(uncached, 1),
    }


def bench_signup(*, count: int, progress: Callable[[str], None]) -> dict[str, float]:
    """The sign-up form end to end, as a visitor meets it: POST /signup/ (validation, plan,
    provisioning by clone) and the first sign-in link on the new studio's domain."""
    platform_tenant_ensure()
    template_ensure()
    for leftover in Studio.objects.filter(slug__startswith="bench-signup-"):
        studio_destroy(studio=leftover)
    durations = []
    try:
        for i in range(count):
            caches["platform"].clear()  # the rate limit is per address; this is one address
            slug = f"bench-signup-{i:03d}"
            started = time.perf_counter()
            response = Client(HTTP_HOST="localhost").post(
                "/signup/",
                {
                    "studio_name": f"Bench sign-up {i}",
                    "slug": slug,
                    "owner_name": "Bench Owner",
                    "owner_email": f"owner@{slug}.example",
                    "owner_password": PASSWORD,
                    "plan": "pro",
                    "accepted_terms": "on",
                },
            )
            link = response["Location"].split("localhost", 1)[1].split("/", 1)[1]
            landed = Client(HTTP_HOST=f"{slug}.localhost").get("/" + link)
            durations.append(time.perf_counter() - started)
            if landed.status_code != 302:
                raise RuntimeError(f"sign-in link answered {landed.status_code}")
            progress(f"  sign-up {i + 1}/{count} ({durations[-1]:.2f} s)")
    finally:
        connection.set_schema_to_public()
        for studio in Studio.objects.filter(slug__startswith="bench-signup-"):
            studio_destroy(studio=studio)
    return {"signup_p50_s": round(p50(durations), 3), "signup_max_s": round(max(durations), 3)}
