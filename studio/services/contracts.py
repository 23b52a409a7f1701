"""Contracts: rendered from a template for one client, sent, signed once, then frozen.

The signature covers the exact text: the SHA-256 of the title and body as the signer saw them
is stored with who signed, when, from where and how. Staff record a contract signed on paper
with contract_mark_signed_on_paper(); clients sign in the portal through contract_sign(), which
`portal_documents.portal_contract_sign` calls after checking the contract is theirs.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from studio.models import Client, Contract, ContractTemplate
from studio.services.audit import audit_record
from studio.services.documents import pdf_store, status_lock
from studio.services.errors import StudioError
from studio.services.mail_defaults import PLACEHOLDERS
from studio.services.permissions import permission_check
from studio.services.placeholders import placeholders_check, placeholders_fill
from studio.services.records import record_before, record_save

CONTRACT_PLACEHOLDERS = (*PLACEHOLDERS["contract"], "client_email", "client_address", "today")


def contract_template_check(*, title: str, body: str) -> None:
    placeholders_check(title, allowed=CONTRACT_PLACEHOLDERS, field="title")
    placeholders_check(body, allowed=CONTRACT_PLACEHOLDERS, field="body")


def contract_text_hash(*, title: str, body: str) -> str:
    """The fingerprint of what was signed: title and body, exactly, in UTF-8."""
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


@transaction.atomic
def contract_create(
    *,
    client: Client,
    template: ContractTemplate,
    project: str = "",
    start_date: date | None = None,
    end_date: date | None = None,
    fee: Decimal | None = None,
    currency: str = "EUR",
    by=None,
) -> Contract:
    permission_check(by, "studio.add_contract")
    from studio.money import money_format
    from studio.services.mail import email_values

    contract_template_check(title=template.title, body=template.body)
    if start_date and end_date and end_date < start_date:
        raise StudioError("The contract ends before it starts.", field="end_date")
    values = email_values(
        {
            "client_name": client.name,
            "client_email": client.email,
            "client_address": ", ".join(client.address.split("\n")),
            "project": project or "the project",
            "start_date": f"{start_date:%d %B %Y}" if start_date else "to be agreed",
            "end_date": f"{end_date:%d %B %Y}" if end_date else "to be agreed",
            "fee": money_format(fee, currency) if fee is not None else "as quoted",
            "title": template.title,
            "today": f"{timezone.localdate():%d %B %Y}",
        }
    )
    contract = Contract.objects.create(
        client=client,
        template=template,
        title=placeholders_fill(template.title, values),
        project=project,
        start_date=start_date,
        end_date=end_date,
        fee=fee,
        currency=currency,
        body=placeholders_fill(template.body, values),
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    audit_record(action="contract.created", obj=contract, by=by)
    return contract


def _lock(contract: Contract, *allowed: str) -> Contract:
    return status_lock(contract, *allowed, refusal="This contract is {status}.")


# What staff may still edit on a draft (the client and template chose its text).
DRAFT_FIELDS = ("title", "project", "start_date", "end_date", "fee", "currency", "body")


@transaction.atomic
def contract_draft_update(*, contract: Contract, by=None, **changes) -> Contract:
    """Edit a draft before it is sent: its title, project, dates, fee and wording."""
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise StudioError(f"A contract's {', '.join(sorted(unknown))} cannot be edited.")
    contract = _lock(contract, Contract.Status.DRAFT)
    before = record_before(contract)
    for name, value in changes.items():
        setattr(contract, name, value)
    if contract.start_date and contract.end_date and contract.end_date < contract.start_date:
        raise StudioError("The contract ends before it starts.", field="end_date")
    return record_save(obj=contract, by=by, before=before)


@transaction.atomic
def contract_delete(*, contract: Contract, by=None) -> None:
    """Drop a draft; a contract that was sent stays (void it instead)."""
    permission_check(by, "studio.delete_contract")
    contract = _lock(contract, Contract.Status.DRAFT)
    audit_record(action="contract.deleted", obj=contract, by=by)
    contract.delete()


@transaction.atomic
def contract_send(*, contract: Contract, by=None) -> Contract:
    permission_check(by, "studio.change_contract")
    from studio.money import money_format
    from studio.services.mail import email_queue
    from studio.services.portal_links import portal_document_url

    contract = _lock(contract, Contract.Status.DRAFT, Contract.Status.SENT)
    contract.status = Contract.Status.SENT
    contract.sent_at = timezone.now()
    contract.save(update_fields=["status", "sent_at"])
    # A client who turned document e-mails off finds the contract in the portal.
    if contract.client.email and contract.client.notify_documents:
        email_queue(
            kind="contract",
            to=contract.client.email,
            values={
                "client_name": contract.client.name,
                "title": contract.title,
                "project": contract.project or "the project",
                "start_date": f"{contract.start_date:%d %B %Y}" if contract.start_date else "",
                "end_date": f"{contract.end_date:%d %B %Y}" if contract.end_date else "",
                "fee": (
                    money_format(contract.fee, contract.currency)
                    if contract.fee is not None
                    else ""
                ),
                "portal_url": portal_document_url(
                    client_id=contract.client_id, url_name="portal:contract", pk=contract.pk
                ),
            },
            about=f"contract:{contract.pk}",
        )
    audit_record(action="contract.sent", obj=contract, by=by)
    return contract


def _sign(contract: Contract, *, name: str, via: str, ip, user_agent: str, shown_hash, by):
    name = " ".join(name.split())
    if len(name) < 2:
        raise StudioError("Type your full name to sign.", field="signed_name")
    current = contract_text_hash(title=contract.title, body=contract.body)
    if shown_hash is not None and shown_hash != current:
        raise StudioError("The contract changed since it was opened: read it again before signing.")
    contract.status = Contract.Status.SIGNED
    contract.signed_at = timezone.now()
    contract.signed_name = name[:200]
    contract.signed_ip = ip or None
    contract.signed_user_agent = (user_agent or "")[:400]
    contract.signed_via = via
    contract.document_sha256 = current
    if by is not None and getattr(by, "pk", None):
        contract.recorded_by = by
    contract.save()
    contract_pdf(contract)
    audit_record(
        action="contract.signed",
        obj=contract,
        by=by,
        changes={"signed_name": [None, contract.signed_name], "via": [None, via]},
    )
    return contract


@transaction.atomic
def contract_sign(
    *, contract: Contract, name: str, ip: str, user_agent: str, shown_hash: str
) -> Contract:
    """The client signs online (the portal, through `portal_documents`): `shown_hash` is the
    hash of the text the page showed, so a contract edited while the client was reading is not
    signed unseen."""
    contract = _lock(contract, Contract.Status.SENT)
    return _sign(
        contract,
        name=name,
        via=Contract.SignedVia.PORTAL,
        ip=ip,
        user_agent=user_agent,
        shown_hash=shown_hash,
        by=None,
    )


@transaction.atomic
def contract_mark_signed_on_paper(*, contract: Contract, name: str, by, ip: str = "") -> Contract:
    permission_check(by, "studio.change_contract")
    contract = _lock(contract, Contract.Status.DRAFT, Contract.Status.SENT)
    return _sign(
        contract,
        name=name,
        via=Contract.SignedVia.PAPER,
        ip=ip,
        user_agent="",
        shown_hash=None,
        by=by,
    )


@transaction.atomic
def contract_void(*, contract: Contract, by=None) -> Contract:
    permission_check(by, "studio.change_contract")
    contract = _lock(contract, Contract.Status.DRAFT, Contract.Status.SENT)
    contract.status = Contract.Status.VOID
    contract.voided_at = timezone.now()
    contract.save(update_fields=["status", "voided_at"])
    audit_record(action="contract.voided", obj=contract, by=by)
    return contract


def contract_pdf(contract: Contract):
    """Signed: the kept PDF with its signature page. Otherwise a fresh rendering."""
    from studio.pdf import render_pdf
    from studio.selectors.documents import contract_data

    if contract.status != Contract.Status.SIGNED:
        return render_pdf(contract_data(contract))
    return pdf_store(
        kind="contract",
        object_id=contract.pk,
        filename=f"contract-{contract.pk}-signed.pdf",
        render=lambda: render_pdf(contract_data(contract)),
    )
