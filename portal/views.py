from __future__ import annotations

from django.shortcuts import render

from studio.selectors.settings import studio_settings_get


def home(request):
    """The studio's page on its own domain: who the studio is, how to reach it, and the staff
    sign-in. The client portal (client accounts, online booking) is not built yet."""
    return render(
        request,
        "portal/home.html",
        {"studio": request.tenant, "contact": studio_settings_get()},
    )
