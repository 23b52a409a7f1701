from __future__ import annotations

from studio.selectors.overview import staff_overview


def dashboard_callback(request, context: dict) -> dict:
    context["staff"] = staff_overview()
    context["studio"] = request.tenant
    return context
