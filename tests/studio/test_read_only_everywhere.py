"""A lapsed studio is read-only on every path a write can take: the back office, its audio
uploads, imports (job and command), the scheduled rounds, the portal and management commands.
Reading, exporting, paying and signing in stay possible, and so does the Subscription page, where
the owner pays to be writable again."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core import mail
from django.core.management import call_command
from django.test import Client as Browser
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_tenants.utils import schema_context

from portal.models import DataExport
from siteconf.tenancy.models import Studio
from studio.middleware import ReadOnlySubscriptionMiddleware
from studio.models import AudioUpload, AuditEntry, Client, ImportJob, OutgoingEmail, Session
from studio.services import imports
from studio.services.audio_uploads import spool_path, upload_chunk, upload_start
from studio.services.mail import email_deliver
from studio.services.online_bookings import booking_cancel
from studio.services.projects import project_create, track_create
from studio.services.readonly import StudioReadOnly
from studio.tasks import data_export_task, studio_daily_task, studio_minute_task
from tests.conftest import STUDIO_A
from tests.portal.conftest import CLIENT_PASSWORD, portal_account_make, portal_browser
from tests.studio.factories import ClientFactory, RoomFactory

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
CSV = b"Name,Email\nRiver,river@x.example\n"


def lapse(studio: Studio) -> None:
    """What the billing lifecycle does when the grace period is over (saved, so the host
    cache forgets the studio it had)."""
    studio.subscription_status = "read_only"
    studio.read_only_since = timezone.now()
    studio.save(update_fields=["subscription_status", "read_only_since"])


@pytest.fixture
def owner(studio_a):
    browser = Browser(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        browser.force_login(User.objects.get(email=STUDIO_A.owner_email), backend=MODEL_BACKEND)
    return browser


@pytest.fixture
def nova(studio_a):
    with schema_context(studio_a.schema_name):
        return ClientFactory(name="Nova", email="nova@bands.example")


@pytest.fixture
def portal_nova(studio_a, nova):
    with schema_context(studio_a.schema_name):
        account = portal_account_make(client=nova, email=nova.email)
        return portal_browser(STUDIO_A.host, account)


# --- which requests the middleware lets through -------------------------------------------------


def _decide(studio: Studio, method: str, path: str):
    request = getattr(RequestFactory(), method.lower())(path, HTTP_HOST=STUDIO_A.host)
    request.tenant = studio
    request.user = AnonymousUser()
    try:
        request.resolver_match = resolve(path, urlconf="siteconf.urls_tenant")
    except Resolver404:  # a page still to come is decided by its address alone
        request.resolver_match = None
    with schema_context(studio.schema_name):
        return ReadOnlySubscriptionMiddleware(lambda r: None).process_view(request, None, (), {})


ALLOWED = [
    "/admin/login/",
    "/admin/logout/",
    "/admin/subscription/",
    "/admin/studio/client/export/",
    "/admin/studio/invoice/1/payment/",
    "/sign-in/",
    "/sign-out/",
    "/password/reset/",
    "/invoices/7/pay/",
    "/invoices/7/pay/return/",
    "/profile/data/",
    "/profile/delete/",
]
REFUSED = [
    "/admin/studio/client/add/",
    "/admin/studio/client/1/change/",
    "/admin/studio/client/",
    "/admin/audio/uploads/",
    "/register/",
    "/book/hold/",
    "/bookings/3/cancel/",
    "/bookings/3/move/",
    "/tracks/3/comments/",
    "/versions/3/approve/",
    "/comments/3/resolve/",
    "/profile/",
    "/documents/quotes/3/accept/",
    "/documents/contracts/3/sign/",
]


@pytest.mark.parametrize("path", ALLOWED)
def test_signing_in_paying_exporting_and_renewing_still_take_a_post(studio_a, path):
    lapse(studio_a)
    assert _decide(studio_a, "POST", path) is None


@pytest.mark.parametrize("path", REFUSED)
def test_every_other_post_is_answered_with_the_read_only_page(studio_a, path):
    lapse(studio_a)
    response = _decide(studio_a, "POST", path)
    assert response is not None and response.status_code == 402


def test_an_active_studio_is_not_stopped(studio_a):
    assert _decide(studio_a, "POST", "/book/hold/") is None


def test_a_path_that_only_ends_like_a_payment_is_still_refused(studio_a):
    lapse(studio_a)
    # A portal page whose address happens to end in /payment/ is no payment.
    response = _decide(studio_a, "POST", "/bookings/3/cancel/")
    assert response.status_code == 402


# --- the back office ----------------------------------------------------------------------------


def test_a_back_office_save_is_refused_and_points_to_the_subscription_page(studio_a, owner, nova):
    lapse(studio_a)
    response = owner.post(
        f"/admin/studio/client/{nova.pk}/change/", {"name": "Renamed", "kind": "artist"}
    )
    page = response.content.decode()
    assert response.status_code == 402
    assert "read-only" in page and "/admin/subscription/" in page
    added = owner.post("/admin/studio/client/add/", {"name": "Someone", "kind": "artist"})
    assert added.status_code == 402
    with schema_context(studio_a.schema_name):
        assert Client.objects.get(pk=nova.pk).name == "Nova"
        assert not Client.objects.filter(name="Someone").exists()


def test_a_bulk_delete_from_the_list_is_refused(studio_a, owner, nova):
    lapse(studio_a)
    response = owner.post(
        "/admin/studio/client/",
        {"action": "delete_selected", "_selected_action": [nova.pk], "post": "yes"},
    )
    assert response.status_code == 402
    with schema_context(studio_a.schema_name):
        assert Client.objects.filter(pk=nova.pk).exists()


def test_reading_the_back_office_and_signing_in_still_work(studio_a, owner, nova):
    lapse(studio_a)
    assert owner.get(f"/admin/studio/client/{nova.pk}/change/").status_code == 200
    fresh = Browser(HTTP_HOST=STUDIO_A.host)
    signed_in = fresh.post(
        "/admin/login/",
        {"username": STUDIO_A.owner_email, "password": STUDIO_A.owner_password},
    )
    assert signed_in.status_code == 302


def test_the_subscription_page_takes_the_owners_post(studio_a, owner):
    lapse(studio_a)
    response = owner.post("/admin/subscription/", {})
    assert response.status_code != 402


# --- audio uploads ------------------------------------------------------------------------------


def test_audio_uploads_are_refused_before_a_byte_is_written(
    studio_a, owner, nova, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    with schema_context(studio_a.schema_name):
        track = track_create(project=project_create(client=nova, title="EP"), title="One")
        upload = upload_start(track=track, filename="one.wav", size=1000)
    lapse(studio_a)
    answer = owner.post(
        "/admin/audio/uploads/",
        data=json.dumps({"track": track.pk, "filename": "two.wav", "size": 10}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert answer.status_code == 402 and "read-only" in answer.content.decode()
    chunk = owner.put(
        f"/admin/audio/uploads/{upload.pk}/",
        data=b"RIFF" + b"\0" * 96,
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE="bytes 0-99/1000",
    )
    assert chunk.status_code == 402
    with schema_context(studio_a.schema_name):
        with pytest.raises(StudioReadOnly):
            upload_chunk(upload=upload, offset=0, stream=io.BytesIO(b"x" * 100), length=100)
        with pytest.raises(StudioReadOnly):
            upload_start(track=track, filename="three.wav", size=10)
        assert not spool_path(upload).exists() or spool_path(upload).stat().st_size == 0
        assert AudioUpload.objects.get(pk=upload.pk).received_bytes == 0
        assert AudioUpload.objects.count() == 1


# --- imports ------------------------------------------------------------------------------------


def test_an_import_is_refused_at_every_step(studio_a):
    with schema_context(studio_a.schema_name):
        owner = User.objects.get(email=STUDIO_A.owner_email)
        previewed = imports.import_job_create(
            resource_key="clients", filename="c.csv", data=CSV, by=owner
        )
        imports.import_job_run(job_id=previewed.pk)
        previewed.refresh_from_db()
        assert previewed.status == ImportJob.Status.PREVIEWED
        queued = imports.import_job_create(
            resource_key="clients", filename="d.csv", data=CSV, by=owner
        )
        ImportJob.objects.filter(pk=queued.pk).update(phase=ImportJob.Phase.IMPORT)
    lapse(studio_a)
    with schema_context(studio_a.schema_name):
        with pytest.raises(StudioReadOnly):
            imports.import_job_create(resource_key="clients", filename="e.csv", data=CSV, by=owner)
        with pytest.raises(StudioReadOnly):
            imports.import_job_confirm(job=previewed, skip_invalid=False, by=owner)
        # A job queued before the studio lapsed ends with the reason, not with a crash.
        job = imports.import_job_run(job_id=queued.pk)
        assert job.status == ImportJob.Status.FAILED
        assert "read-only" in job.report["file_errors"][0]
        assert not Client.objects.filter(email="river@x.example").exists()
        previewed.refresh_from_db()
        assert previewed.status == ImportJob.Status.PREVIEWED


def test_the_import_command_refuses_and_the_export_command_still_works(studio_a, nova, tmp_path):
    sample = tmp_path / "clients.csv"
    sample.write_bytes(CSV)
    lapse(studio_a)
    with pytest.raises(Exception, match="read-only"):
        call_command("import_data", str(sample), "--studio", studio_a.slug, "--model", "clients")
    out = tmp_path / "out.csv"
    call_command("export_data", "--studio", studio_a.slug, "--model", "clients", "-o", str(out))
    assert "Nova" in out.read_text(encoding="utf-8-sig")
    with schema_context(studio_a.schema_name):
        assert not Client.objects.filter(email="river@x.example").exists()


# --- the scheduled rounds -----------------------------------------------------------------------


def test_the_minute_round_leaves_holds_and_reminders_alone(studio_a, nova):
    now = timezone.now()
    with schema_context(studio_a.schema_name):
        room = RoomFactory()
        held = Session.objects.create(
            client=nova,
            room=room,
            start=now + timedelta(days=3),
            end=now + timedelta(days=3, hours=2),
            blocked_until=now + timedelta(days=3, hours=2),
            status=Session.Status.HELD,
            hold_expires_at=now - timedelta(minutes=5),
        )
        tomorrow = Session.objects.create(
            client=nova,
            room=room,
            start=now + timedelta(hours=20),
            end=now + timedelta(hours=22),
            blocked_until=now + timedelta(hours=22),
            status=Session.Status.CONFIRMED,
        )
    lapse(studio_a)
    assert studio_minute_task(studio_a.schema_name) == {"read_only": 1}
    assert studio_daily_task(studio_a.schema_name) == "read_only: 1"
    with schema_context(studio_a.schema_name):
        held.refresh_from_db()
        tomorrow.refresh_from_db()
        assert held.status == Session.Status.HELD
        assert tomorrow.reminder_sent_at is None
        assert not OutgoingEmail.objects.exists()


def test_mail_already_queued_is_still_delivered(studio_a):
    with schema_context(studio_a.schema_name):
        queued = OutgoingEmail.objects.create(
            kind="invoice", to="nova@bands.example", subject="Your invoice", body="Attached."
        )
    lapse(studio_a)
    with schema_context(studio_a.schema_name):
        email_deliver(email_id=queued.pk)
        queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Your invoice"]


# --- the portal ---------------------------------------------------------------------------------


def test_the_portal_refuses_a_booking_with_a_page_that_says_what_still_works(studio_a, portal_nova):
    with schema_context(studio_a.schema_name):
        room = RoomFactory()
        sessions = Session.objects.count()
    lapse(studio_a)
    start = timezone.now() + timedelta(days=5)
    response = portal_nova.post(
        "/book/hold/", {"room": room.pk, "start": start.isoformat(), "hours": 2}
    )
    page = response.content.decode()
    assert response.status_code == 402
    assert 'id="read-only"' in page and "not taking changes online" in page
    assert "pay your invoices" in page
    # A client is not told to renew anything: the subscription is the studio's business.
    assert "subscription" not in page.lower() and "/admin/" not in page
    with schema_context(studio_a.schema_name):
        assert Session.objects.count() == sessions


def test_the_portal_refuses_profile_changes(studio_a, portal_nova, nova):
    lapse(studio_a)
    response = portal_nova.post("/profile/", {"name": "Nova Renamed", "email": nova.email})
    assert response.status_code == 402
    with schema_context(studio_a.schema_name):
        assert Client.objects.get(pk=nova.pk).name == "Nova"


def test_a_client_cannot_cancel_a_booking_by_any_path(studio_a, portal_nova, nova):
    now = timezone.now()
    expires = now + timedelta(minutes=10)
    with schema_context(studio_a.schema_name):
        held = Session.objects.create(
            client=nova,
            room=RoomFactory(),
            start=now + timedelta(days=3),
            end=now + timedelta(days=3, hours=2),
            blocked_until=now + timedelta(days=3, hours=2),
            status=Session.Status.HELD,
            hold_expires_at=expires,
        )
    lapse(studio_a)
    assert portal_nova.post(f"/bookings/{held.pk}/cancel/").status_code == 402
    with schema_context(studio_a.schema_name):
        # The service asks before its first write (a hold's release used to write first).
        with pytest.raises(StudioReadOnly):
            booking_cancel(session_id=held.pk, client=nova)
        held.refresh_from_db()
    assert held.status == Session.Status.HELD and held.hold_expires_at == expires


def test_a_client_can_still_sign_in(studio_a, nova):
    with schema_context(studio_a.schema_name):
        portal_account_make(client=nova, email=nova.email)
    lapse(studio_a)
    browser = Browser(HTTP_HOST=STUDIO_A.host)
    response = browser.post(
        "/sign-in/", {"password-email": nova.email, "password-password": CLIENT_PASSWORD}
    )
    assert response.status_code == 302
    assert browser.get("/").status_code == 200


def test_a_client_can_still_take_their_data_away(studio_a, portal_nova, nova, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    lapse(studio_a)
    response = portal_nova.post("/profile/data/")
    assert response.status_code in (200, 302)
    with schema_context(studio_a.schema_name):
        export = DataExport.objects.get(account__client=nova)
    data_export_task(studio_a.schema_name, export.pk)
    with schema_context(studio_a.schema_name):
        export.refresh_from_db()
        assert export.status == DataExport.Status.DONE
        assert AuditEntry.objects.filter(action="dataexport.requested").exists()


def test_invoices_stay_readable_downloadable_and_payable(studio_a, portal_nova, nova):
    from studio.services.invoices import invoice_create, invoice_issue

    with schema_context(studio_a.schema_name):
        invoice = invoice_issue(
            invoice=invoice_create(
                client=nova, lines=[{"description": "Mix", "unit_price": Decimal(100)}]
            )
        )
    lapse(studio_a)
    assert portal_nova.get(f"/invoices/{invoice.pk}/").status_code == 200
    pdf = portal_nova.get(f"/invoices/{invoice.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf).startswith(b"%PDF")
    # Paying is let through (here the studio takes no cards, so the page says that instead).
    assert portal_nova.post(f"/invoices/{invoice.pk}/pay/").status_code != 402
