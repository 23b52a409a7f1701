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
from studio.services.audio_uploads import uploads_abandoned_drop
from studio.services.audit import audit_record
from studio.services.quotes import quotes_expire
from studio.services.readonly import studio_is_read_only
from studio.services.retention import retention_run

IMPORT_FILES_KEPT = timedelta(days=7)
# An upload with no chunk for this long is taken as abandoned (its spool file can be gigabytes).
UPLOADS_KEPT = timedelta(days=2)


def invoices_overdue_process(*, today: date) -> dict[str, int]:
    settings = studio_settings_get()
    steps = settings.reminder_steps
    with transaction.atomic():
        newly_overdue = list(
            Invoice.objects.select_for_update()
            .filter(status__in=Invoice.OPEN, due_date__lt=today, overdue_since__isnull=True)
            .only("pk", "number")
        )
        marked = Invoice.objects.filter(pk__in=[i.pk for i in newly_overdue]).update(
            overdue_since=today
        )
        for invoice in newly_overdue:
            audit_record(
                action="invoice.overdue",
                obj=invoice,
                changes={"overdue_since": [None, today.isoformat()]},
            )
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
            audit_record(
                action="invoice.reminded",
                obj=invoice,
                changes={"reminder": [None, f"step {step}, {days} days overdue"]},
            )
            # The client may have turned reminders off in the portal: the step still counts.
            if invoice.client.email and invoice.client.notify_reminders:
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


def import_files_drop(*, before) -> int:
    """Forget the files of imports previewed and never confirmed (they may hold personal
    data nobody decided to keep)."""
    with transaction.atomic():
        stale = list(
            ImportJob.objects.select_for_update().filter(
                status=ImportJob.Status.PREVIEWED, created_at__lt=before
            )
        )
        dropped = ImportJob.objects.filter(pk__in=[job.pk for job in stale]).update(
            status=ImportJob.Status.CANCELLED, data=b"", finished_at=timezone.now()
        )
        for job in stale:
            audit_record(
                action="importjob.expired",
                obj=job,
                changes={"status": [job.status, ImportJob.Status.CANCELLED]},
            )
    return dropped


def studio_daily(*, today: date | None = None) -> dict[str, int]:
    """The day's round. A read-only studio (lapsed subscription) is left as it is."""
    if studio_is_read_only():
        return {"read_only": 1}
    today = today or studio_today()
    report = invoices_overdue_process(today=today)
    report["quotes_expired"] = quotes_expire(today=today)
    report["import_files_dropped"] = import_files_drop(before=timezone.now() - IMPORT_FILES_KEPT)
    report.update(retention_run(today=today))
    report["uploads_abandoned"] = uploads_abandoned_drop(before=timezone.now() - UPLOADS_KEPT)
    return report
