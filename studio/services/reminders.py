"""The daily round of each studio: overdue invoices, reminders at the studio's steps, expired
quotes, abandoned import files.

A reminder step is recorded in ReminderSent (unique per invoice and step) in the same
transaction that queues its e-mail, so a rerun of the day, or two workers running it at once,
send each step once. If the studio was not checked for a while, only the latest step due is
sent: a client gets one reminder, not three in a row.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from studio.models import ImportJob, Invoice, ReminderSent
from studio.selectors.settings import studio_settings_get, studio_today
from studio.services.quotes import quotes_expire

IMPORT_FILES_KEPT = timedelta(days=7)


def invoices_overdue_process(*, today: date) -> dict[str, int]:
    settings = studio_settings_get()
    steps = settings.reminder_steps
    marked = Invoice.objects.filter(
        status__in=Invoice.OPEN, due_date__lt=today, overdue_since__isnull=True
    ).update(overdue_since=today)
    sent = 0
    overdue = (
        Invoice.objects.filter(status__in=Invoice.OPEN, due_date__lt=today)
        .annotate(last_step=Max("reminders__step"))
        .select_related("client")
    )
    for invoice in overdue:
        days = (today - invoice.due_date).days
        due_steps = [n for n, after in enumerate(steps, start=1) if days >= after]
        if not due_steps or due_steps[-1] <= (invoice.last_step or 0):
            continue
        if _remind(invoice, step=due_steps[-1], days=days, today=today):
            sent += 1
    return {"marked_overdue": marked, "reminders": sent}


def _remind(invoice: Invoice, *, step: int, days: int, today: date) -> bool:
    from studio.services.invoices import invoice_mail_values, invoice_pdf
    from studio.services.mail import email_queue

    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                invoice=invoice, step=step, days_overdue=days, sent_on=today
            )
            if invoice.client.email:
                email_queue(
                    kind="reminder",
                    to=invoice.client.email,
                    values={**invoice_mail_values(invoice), "days_overdue": days, "step": step},
                    attachment=invoice_pdf(invoice),
                    about=f"invoice:{invoice.pk}",
                )
    except IntegrityError:
        return False  # another run sent this step meanwhile
    return True


def studio_daily(*, today: date | None = None) -> dict[str, int]:
    today = today or studio_today()
    report = invoices_overdue_process(today=today)
    report["quotes_expired"] = quotes_expire(today=today)
    stale = timezone.now() - IMPORT_FILES_KEPT
    report["import_files_dropped"] = ImportJob.objects.filter(
        status=ImportJob.Status.PREVIEWED, created_at__lt=stale
    ).update(status=ImportJob.Status.CANCELLED, data=b"", finished_at=timezone.now())
    return report
