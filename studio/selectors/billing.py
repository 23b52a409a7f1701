"""Which sessions are waiting to be billed."""

from __future__ import annotations

from django.db.models import QuerySet

from studio.models import InvoiceLine, Session


def sessions_unbilled(sessions: QuerySet[Session] | None = None) -> QuerySet[Session]:
    """Completed sessions no live invoice bills yet (a void invoice releases its sessions)."""
    billed = InvoiceLine.objects.filter(billed=True, session__isnull=False).values("session")
    queryset = Session.objects.all() if sessions is None else sessions
    return queryset.filter(status=Session.Status.COMPLETED).exclude(pk__in=billed)
