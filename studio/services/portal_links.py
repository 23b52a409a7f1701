"""Where a client's document is in the portal, for the e-mails about it.

The plain address of the page, never a sign-in link: e-mails are kept in the studio's mailbox,
where staff can read them, and a live sign-in secret there would let them sign in as the
client. Opening the address signed out leads to the portal's sign-in page, which brings the
client back to the document (by password, or by a sign-in link it e-mails them on the spot,
written by the sending task and never stored). A client without a portal account gets the
portal's front page, where the studio's mode says how to get one.
"""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from siteconf.tenancy.models import Studio


def portal_document_url(*, client_id: int, url_name: str, pk: int) -> str:
    from portal.models import PortalAccount

    studio = Studio.objects.prefetch_related("domains").get(schema_name=connection.schema_name)
    if not PortalAccount.objects.filter(client_id=client_id, user__is_active=True).exists():
        return studio.url_for("/")
    return studio.url_for(reverse(url_name, args=[pk]))
