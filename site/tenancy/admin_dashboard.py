from __future__ import annotations

from siteconf.tenancy.selectors.overview import platform_overview


def dashboard_callback(request, context: dict) -> dict:
    overview = platform_overview()
    context["overview"] = overview
    context["recent_table"] = {
        "headers": ["Studio", "Domain", "Provisioned", "Seconds"],
        "rows": [
            [
                studio.name,
                next((d.domain for d in studio.domains.all() if d.is_primary), "—"),
                studio.provisioned_at.strftime("%d %b %Y %H:%M") if studio.provisioned_at else "—",
                f"{studio.provision_seconds:.2f}" if studio.provision_seconds else "—",
            ]
            for studio in overview["recent"]
        ],
    }
    return context
