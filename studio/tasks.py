"""Background tasks of the back office. Each runs inside one studio's schema."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection

from siteconf.tasks import tenant_task
from siteconf.tenancy.models import Studio


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
    from studio.services.imports import import_job_run

    job = import_job_run(job_id=job_id)
    return f"{job.status}: {job.filename}" if job else "already taken"
