"""The right to erasure, carried out by the studio: a client anonymised everywhere the law lets.

A client asks in the portal (`portal.services.profile.erasure_request`); an owner (anyone who
may delete clients) does it here. What goes:
- the client's name (it becomes "Anonymised client #<id>"), artist name, e-mail, phone,
  address, country, VAT number, tags, notes and notification choices;
- their portal account: closed, its e-mail and sign-in name replaced, its links, document
  views and data exports (and their ZIPs) deleted;
- the notes on their sessions, their card on file (the studio's Stripe customer row), and the
  address and text of the e-mails the studio sent them.
What stays, because the law asks the studio to keep it, and is listed back to the owner:
issued invoices, sent quotes and credit notes keep the bill-to printed on them, payments and
receipts stay as recorded, signed contracts keep the signer's name, IP address and browser
(database triggers freeze all of these). Sessions stay, under the anonymised client, so the
calendar's history and the room's figures are unchanged.

It cannot be undone: the audit entry records which fields were cleared, never their values.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from studio.models import (
    Client,
    Contract,
    CreditNote,
    Invoice,
    OutgoingEmail,
    Payment,
    Quote,
    Session,
)
from studio.models.payments import StripeCustomer
from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.permissions import permission_check

ANONYMISED_NAME = "Anonymised client #{id}"
ALREADY = "{client} was already anonymised on {date}."
CLEARED = [
    "name",
    "artist_name",
    "email",
    "phone",
    "address",
    "country",
    "vat_number",
    "tags",
    "notes",
    "notify_documents",
    "notify_reminders",
]


@transaction.atomic
def client_anonymise(*, client: Client, by) -> list[str]:
    """Anonymise `client`; returns what was kept, one sentence per kind of record."""
    # Imported here: the portal's models import the studio's, never the reverse at load time.
    from portal.models import DataExport, DocumentView, PortalAccount, PortalLink

    permission_check(by, "studio.delete_client")
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.anonymised_at:
        raise StudioError(
            ALREADY.format(client=client, date=timezone.localdate(client.anonymised_at))
        )
    email = client.email
    client.name = ANONYMISED_NAME.format(id=client.pk)
    client.artist_name = client.email = client.phone = client.address = ""
    client.country = client.vat_number = client.notes = ""
    client.tags = []
    client.notify_documents = client.notify_reminders = False
    client.anonymised_at = timezone.now()
    client.save()

    accounts = list(PortalAccount.objects.filter(client=client).select_related("user"))
    for export in DataExport.objects.filter(account__in=accounts):
        if export.archive:
            export.archive.delete(save=False)
    DataExport.objects.filter(account__in=accounts).delete()
    DocumentView.objects.filter(account__in=accounts).delete()
    PortalLink.objects.filter(account__in=accounts).delete()
    for account in accounts:
        user = account.user
        user.username = f"portal:anonymised-{user.pk}"
        user.email = user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        account.email = f"anonymised-{account.pk}@invalid.example"
        account.save(update_fields=["email"])

    Session.objects.filter(client=client).exclude(notes="").update(notes="")
    StripeCustomer.objects.filter(client=client).delete()
    if email:
        OutgoingEmail.objects.filter(to__iexact=email).update(
            to="", body="(removed: the client was anonymised)"
        )
    # Drafts are not frozen: their bill-to is written again, from the anonymised client, if
    # they are ever issued; until then it says nothing about the person.
    Quote.objects.filter(client=client, status=Quote.Status.DRAFT).update(bill_to="")
    Invoice.objects.filter(client=client, status=Invoice.Status.DRAFT).update(bill_to="")

    kept = _kept(client)
    audit_record(
        action="client.anonymised",
        obj=client,
        by=by,
        changes={
            **{name: ["(removed)", getattr(client, name)] for name in CLEARED},
            "portal_accounts_closed": [None, len(accounts)],
            "kept": [None, kept],
        },
    )
    return kept


def _kept(client: Client) -> list[str]:
    counts = [
        (
            Invoice.objects.filter(client=client, number__isnull=False).count(),
            "issued invoice(s) keep the name and address printed on them",
        ),
        (
            Quote.objects.filter(client=client, number__isnull=False).count(),
            "sent quote(s) keep the name and address printed on them",
        ),
        (
            CreditNote.objects.filter(invoice__client=client).count(),
            "credit note(s) keep the name and address printed on them",
        ),
        (
            Payment.objects.filter(client=client).count(),
            "payment(s) and their receipts stay as recorded",
        ),
        (
            Contract.objects.filter(client=client, status=Contract.Status.SIGNED).count(),
            "signed contract(s) keep the signer's name, IP address and browser",
        ),
        (
            Contract.objects.filter(client=client).exclude(status=Contract.Status.SIGNED).count(),
            "unsigned contract(s) keep their text: void them if it names the client",
        ),
        (
            Session.objects.filter(client=client).count(),
            "session(s) stay in the calendar under the anonymised name",
        ),
    ]
    return [f"{count} {what}." for count, what in counts if count]
