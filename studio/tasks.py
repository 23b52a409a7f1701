"""Background tasks of the back office. Each runs inside one studio's schema.

Imports run one way: this module imports the services, never the reverse. A task is a thin
wrapper that takes ids and the schema name, re-reads inside the studio's schema and calls one
service. A service that has to queue a task after its transaction commits names the task by its
dotted path, `task_enqueue("studio.tasks.email_deliver_task", email.pk)` (siteconf.tasks), so no
service imports this module.
"""

from __future__ import annotations

from datetime import date

import django_q.tasks
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection

from siteconf.tasks import tenant_task
from siteconf.tenancy.models import Studio
from studio.services.imports import import_job_run
from studio.services.mail import email_deliver
from studio.services.reminders import studio_daily


@tenant_task
def owner_welcome_send(user_id: int) -> str:
    """Tell a new studio's owner where their back office is and which login to use."""
    user = get_user_model().objects.get(pk=user_id)
    studio = Studio.objects.prefetch_related("domains").get(schema_name=connection.schema_name)
    admin_url = studio.url_for("/admin/")
    send_mail(
        subject=f"{studio.name} is ready on Recording Studio Manager",
        message=(
            f"Hello {user.first_name or user.email},\n\n"
            f"Your studio “{studio.name}” is set up. Sign in to its back office at\n"
            f"{admin_url}\nwith the e-mail address {user.email} and the password you chose.\n\n"
            "Your clients will find your portal at "
            f"{studio.url_for('/')}.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return user.email


@tenant_task
def import_job_task(job_id: str) -> str:
    """Run an import job's current phase (preview or import) on the worker."""
    job = import_job_run(job_id=job_id)
    return f"{job.status}: {job.filename}" if job else "already taken"


@tenant_task
def email_deliver_task(email_id: int) -> str:
    email = email_deliver(email_id=email_id)
    return f"sent to {email.to}" if email else "already sent"


@tenant_task
def studio_daily_task(today: str | None = None) -> str:
    """Once a day in each studio: overdue invoices and their reminders, expired quotes, and
    import files nobody confirmed within a week."""
    report = studio_daily(today=date.fromisoformat(today) if today else None)
    return ", ".join(f"{key}: {value}" for key, value in report.items())


def studio_daily_fanout() -> int:
    """The daily schedule's entry point, in the public schema: one task per studio, so one
    studio's failure or size never holds up another's reminders."""
    count = 0
    for schema in (
        Studio.objects.studios()
        .filter(status=Studio.Status.ACTIVE)
        .values_list("schema_name", flat=True)
    ):
        # Queued at once, not on commit: the scheduler runs this outside any transaction.
        django_q.tasks.async_task(
            studio_daily_task.task_path, schema, task_name=f"studio-daily@{schema}"
        )
        count += 1
    return count
