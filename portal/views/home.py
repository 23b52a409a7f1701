"""The portal's front page: the studio's page for visitors, the client's home once signed in."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from portal.auth import portal_account_of
from portal.views.booking import session_summary
from studio.models import Invoice, Session
from studio.selectors.projects import client_projects
from studio.selectors.settings import studio_settings_get
from studio.services.deposits import policy_lines

UPCOMING = (
    Session.Status.HELD,
    Session.Status.REQUESTED,
    Session.Status.CONFIRMED,
    Session.Status.CHECKED_IN,
)


def home(request):
    account = portal_account_of(request.user)
    contact = studio_settings_get()
    if account is None:
        return render(request, "portal/home.html", {"studio": request.tenant, "contact": contact})
    client = account.client
    upcoming = (
        Session.objects.filter(client=client, status__in=UPCOMING, end__gt=timezone.now())
        .select_related("room", "client")
        .order_by("start")[:10]
    )
    # Invoices may be in other currencies than the studio's: listed one by one, not summed.
    due = list(
        Invoice.objects.filter(client=client, status__in=Invoice.OPEN, balance__gt=0).order_by(
            "due_date"
        )
    )
    past = (
        Session.objects.filter(client=client, end__lte=timezone.now())
        .select_related("room", "client")
        .order_by("-start")[:5]
    )
    return render(
        request,
        "portal/client_home.html",
        {
            "client": client,
            "upcoming": [session_summary(s) for s in upcoming],
            "past": [session_summary(s) for s in past],
            "invoices_due": due,
            "projects": list(client_projects(client.pk).prefetch_related(None)[:4]),
            "contact": contact,
            "policy": policy_lines(),
        },
    )
