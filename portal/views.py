from __future__ import annotations

from django.shortcuts import render


def home(request):
    """The studio's front door on its own domain: who the studio is and where to sign in."""
    return render(request, "portal/home.html", {"studio": request.tenant})
