"""E-mails to clients: rendered from the studio's templates, kept in the mailbox, delivered by
the worker with the document's PDF attached."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from siteconf.tasks import task_enqueue
from studio.models import EmailTemplate, OutgoingEmail, StoredPdf
from studio.pdf.data import registration_lines
from studio.selectors.settings import studio_display_name, studio_settings_get
from studio.services.errors import StudioError
from studio.services.mail_defaults import DEFAULTS, PLACEHOLDERS
from studio.services.placeholders import placeholders_check, placeholders_fill

DELIVER_TASK = "studio.tasks.email_deliver_task"


def email_template_get(kind: str) -> EmailTemplate:
    template = EmailTemplate.objects.filter(kind=kind).first()
    if template is None:  # a studio that deleted it gets the default back rather than nothing
        subject, body = DEFAULTS[kind]
        template = EmailTemplate(kind=kind, subject=subject, body=body)
    return template


def email_template_check(*, kind: str, subject: str, body: str) -> None:
    placeholders_check(subject, allowed=PLACEHOLDERS[kind], field="subject")
    placeholders_check(body, allowed=PLACEHOLDERS[kind], field="body")


def studio_signature() -> str:
    """How the studio signs its e-mails: name, address, phone and e-mail, registration numbers."""
    settings = studio_settings_get()
    lines = [studio_display_name()]
    lines += [line.strip() for line in settings.address.splitlines() if line.strip()]
    lines += [value for value in (settings.phone, settings.email) if value]
    numbers = registration_lines(
        vat_number=settings.vat_number, company_number=settings.company_number
    )
    if numbers:
        lines.append(" · ".join(numbers))
    return "\n".join(lines)


def payment_details_text() -> str:
    settings = studio_settings_get()
    parts = [*settings.bank_lines]
    if settings.payment_details.strip():
        parts.append(settings.payment_details.strip())
    return "\n".join(parts) or "Ask us for our bank details."


def email_values(values: dict) -> dict:
    return {
        "studio_name": studio_display_name(),
        "studio_email": studio_settings_get().email,
        "studio_signature": studio_signature(),
        "payment_details": payment_details_text(),
        **values,
    }


def email_render(*, kind: str, values: dict) -> tuple[str, str]:
    template = email_template_get(kind)
    filled = email_values(values)
    subject = placeholders_fill(template.subject, filled)
    return " ".join(subject.split()), placeholders_fill(template.body, filled)


ICS = "ics"


def email_queue(
    *,
    kind: str,
    to: str,
    values: dict,
    attachment: StoredPdf | None = None,
    calendar_session_id: int | None = None,
    about: str = "",
) -> OutgoingEmail:
    """Write the e-mail to the mailbox and have the worker send it once this transaction
    commits (a rolled-back issue sends nothing). It carries a stored PDF, or the .ics calendar
    file of a session, made when it is sent (so it has the session's latest time)."""
    if not to:
        raise StudioError("The client has no e-mail address: add one, or send it yourself.")
    subject, body = email_render(kind=kind, values=values)
    email = OutgoingEmail.objects.create(
        kind=kind,
        to=to,
        subject=subject[:300],
        body=body,
        attachment_kind=attachment.kind if attachment else (ICS if calendar_session_id else ""),
        attachment_id=attachment.object_id if attachment else calendar_session_id,
        about=about,
    )
    task_enqueue(DELIVER_TASK, email.pk)
    return email


def email_deliver(*, email_id: int) -> OutgoingEmail | None:
    """Send one queued e-mail. Claimed with a conditional UPDATE, so a task delivered twice
    sends it once."""
    claimed = OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.QUEUED).update(
        status=OutgoingEmail.Status.SENDING
    )
    if not claimed:
        return None
    email = OutgoingEmail.objects.get(pk=email_id)
    settings = studio_settings_get()
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=django_settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[settings.email] if settings.email else None,
    )
    if email.attachment_kind == ICS:
        from studio.services.booking_mail import session_ics

        message.attach("session.ics", session_ics(session_id=email.attachment_id), "text/calendar")
    elif email.attachment_kind:
        stored = StoredPdf.objects.get(kind=email.attachment_kind, object_id=email.attachment_id)
        message.attach(stored.filename, bytes(stored.data), "application/pdf")
    try:
        message.send()
    except Exception as exc:  # the mailbox shows why; the task's retry tries again
        with transaction.atomic():
            OutgoingEmail.objects.filter(pk=email_id).update(
                status=OutgoingEmail.Status.QUEUED, error=str(exc)[:2000]
            )
        raise
    email.status = OutgoingEmail.Status.SENT
    email.sent_at = timezone.now()
    email.error = ""
    email.save(update_fields=["status", "sent_at", "error"])
    return email
