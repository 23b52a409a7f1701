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
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection

from siteconf.tasks import tenant_task
from siteconf.tenancy.models import Studio
from studio.services.imports import import_job_run
from studio.services.mail import email_deliver
from studio.services.reminders import studio_daily
from studio.services.staff_links import INVITE, staff_link_path


@tenant_task
def stripe_event_process_task(event_pk: int) -> str:
    """Apply one stored Stripe event to this studio's card payment, once (the event row is
    locked and stamped; siteconf.webhooks.card_event_apply)."""
    from siteconf.webhooks import card_event_apply

    return card_event_apply(event_pk=event_pk)


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
            f"Your client portal is at {studio.url_for('/')}: your clients sign in there to "
            "book studio time and follow their bookings, and it shows them how to reach you "
            "(the e-mail, phone and address in Settings → Studio settings). Choose who may "
            "use it and what deposit they pay under Settings → Studio settings → Client "
            "portal. To take deposits by card (Pro and Enterprise), connect your Stripe "
            "account under Settings → Online payments.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return user.email


@tenant_task
def staff_link_send_task(user_id: int, purpose: str) -> str:
    """The invitation of a new team member, or a reset link, with the set-password link."""
    user = get_user_model().objects.get(pk=user_id)
    studio = Studio.objects.prefetch_related("domains").get(schema_name=connection.schema_name)
    link = studio.url_for(staff_link_path(user))
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    if purpose == INVITE:
        subject = f"You are invited to {studio.name}'s back office"
        opening = (
            f"You have been added to the team of {studio.name} on Recording Studio Manager, "
            f"with the login {user.email}."
        )
    else:
        subject = f"Set a new password for {studio.name}"
        opening = f"Someone asked for a new password for your login {user.email} at {studio.name}."
    send_mail(
        subject=subject,
        message=(
            f"Hello {user.first_name or user.email},\n\n{opening}\n\n"
            f"Choose your password here (the link works once, for {hours} hours):\n{link}\n\n"
            "If you did not expect this e-mail, you can ignore it.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return user.email


@tenant_task
def portal_link_send_task(account_id: int, kind: str, next_url: str = "") -> str:
    """A client's invitation, welcome, sign-in or reset e-mail. The link is made here and
    sent straight to the client, never through the studio's mailbox, so staff cannot read it."""
    # Imported here: the portal's services import the studio's, never this module.
    from portal.services.link_mail import link_email

    studio = Studio.objects.prefetch_related("domains").get(schema_name=connection.schema_name)
    email = link_email(account_id=account_id, kind=kind, next_url=next_url, studio=studio)
    if email is None:
        return "no such account"
    subject, body, to = email
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[to])
    return to


@tenant_task
def data_export_task(export_id: int) -> str:
    """Build a client's "Download my data" ZIP."""
    from portal.services.data_export import data_export_build

    export = data_export_build(export_id=export_id)
    return f"{export.done_steps} files" if export else "already built"


@tenant_task
def import_job_task(job_id: str) -> str:
    """Run an import job's current phase (preview or import) on the worker."""
    job = import_job_run(job_id=job_id)
    return f"{job.status}: {job.filename}" if job else "already taken"


@tenant_task
def audio_process_task(version_id: int) -> str:
    """Read a new audio version once: details, waveform peaks, loudness and the preview.
    (Imported here: numpy and the audio libraries stay out of workers that never need them.)"""
    from studio.services.audio_uploads import version_process

    version = version_process(version_id=version_id)
    return f"v{version.number}: {version.status}"


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


def _fan_out(task, name: str) -> int:
    """Queue `task` once in every active studio, from the public schema: one task per studio,
    so one studio's failure or size never holds up another's round."""
    count = 0
    for schema in (
        Studio.objects.studios()
        .filter(status=Studio.Status.ACTIVE)
        .values_list("schema_name", flat=True)
    ):
        # Queued at once, not on commit: the scheduler runs this outside any transaction.
        django_q.tasks.async_task(task.task_path, schema, task_name=f"{name}@{schema}")
        count += 1
    return count


def studio_daily_fanout() -> int:
    """The daily schedule's entry point: overdue invoices, reminders and expired quotes."""
    return _fan_out(studio_daily_task, "studio-daily")


@tenant_task
def owner_other_studios_send() -> str:
    """Tell the owner of a new studio which other studios their e-mail address already owns
    and where each one signs in: the sign-up page never says (it would say it to anyone)."""
    studio = Studio.objects.get(schema_name=connection.schema_name)
    others = list(
        Studio.objects.studios()
        .filter(owner_email=studio.owner_email)
        .exclude(pk=studio.pk)
        .prefetch_related("domains")
        .order_by("created_at")
    )
    if not studio.owner_email or not others:
        return "no other studio"
    listing = "".join(f"  {other.name}: {other.url_for('/admin/')}\n" for other in others)
    send_mail(
        subject="You already have a studio on Recording Studio Manager",
        message=(
            f"Hello,\n\nA new studio, “{studio.name}”, was just signed up with this e-mail "
            "address. It already owns:\n\n"
            f"{listing}\n"
            "If you meant to sign in to one of those, use its address above: each studio has "
            "its own back office and its own login.\n"
        ),
        from_email=None,
        recipient_list=[studio.owner_email],
    )
    return studio.owner_email


@tenant_task
def studio_minute_task() -> dict[str, int]:
    """Every minute in each studio: release the slots held for payments that did not come, and
    send tomorrow's session reminders."""
    from studio.services.booking_mail import session_reminders_send
    from studio.services.online_bookings import holds_release
    from studio.services.readonly import studio_is_read_only

    if studio_is_read_only():  # like the daily round: a lapsed studio is left as it is
        return {"read_only": 1}
    return {"holds_released": holds_release(), "reminders_sent": session_reminders_send()}


def studio_minute_fanout() -> int:
    """The minute schedule's entry point: expired holds and session reminders."""
    return _fan_out(studio_minute_task, "studio-minute")
