"""Every business write is audited, and this file proves the list is complete.

`test_every_model_is_accounted_for` fails when a model of the studio or tenancy apps is added
without saying how its writes are audited. Models edited on an admin page are then changed
through that page, as a person would (the form as the page renders it, one field changed,
posted back), and must leave a "<model>.changed" entry. Models written only by services point
at the tests of those services; the rest say why they have no entry of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Domain, Plan, PlatformAuditEntry, Studio
from studio.models import (
    AudioDeletion,
    AudioVersion,
    AuditEntry,
    ContractTemplate,
    EmailTemplate,
    ProjectStage,
    StudioSettings,
)
from studio.services import audio_review, audio_uploads, contracts, invoices, projects, quotes
from studio.services.retention import version_files_delete
from studio.services.sessions import session_create
from studio.services.staff import staff_create
from tests.conftest import STUDIO_A, sign_in_verified
from tests.studio.factories import ClientFactory, EngineerFactory, EquipmentFactory, RoomFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _template():
    return ContractTemplate.objects.create(name="Basic", title="Deal", body="Hi {{ client_name }}")


def _project():
    return projects.project_create(client=ClientFactory(), title="Night Drive", kind="ep")


# model label: (make the object, field changed on its page, new value)
STUDIO_PAGES: dict[str, tuple[Callable, str, str]] = {
    "studio.Client": (lambda: ClientFactory(), "name", "Renamed client"),
    "studio.Room": (lambda: RoomFactory(), "name", "Renamed room"),
    "studio.Engineer": (lambda: EngineerFactory(), "specialties", "Mixing, mastering"),
    "studio.Equipment": (lambda: EquipmentFactory(), "notes", "Fresh valves"),
    "studio.StudioSettings": (lambda: StudioSettings.objects.get(), "legal_name", "Renamed Ltd"),
    "studio.EmailTemplate": (
        lambda: EmailTemplate.objects.get(kind="invoice"),
        "subject",
        "Your invoice {{ number }}",
    ),
    "studio.ContractTemplate": (_template, "name", "Renamed template"),
    "studio.Contract": (
        lambda: contracts.contract_create(client=ClientFactory(), template=_template()),
        "project",
        "Second album",
    ),
    "studio.Quote": (
        lambda: quotes.quote_create(client=ClientFactory(), title="EP"),
        "title",
        "Album",
    ),
    "studio.Invoice": (
        lambda: invoices.invoice_create(client=ClientFactory()),
        "notes",
        "Thanks for the session",
    ),
    "studio.Session": (
        lambda: session_create(
            client=ClientFactory(),
            room=RoomFactory(),
            start=datetime(2031, 5, 1, 10, tzinfo=PARIS),
            end=datetime(2031, 5, 1, 12, tzinfo=PARIS),
        ),
        "notes",
        "Bring the Rhodes",
    ),
    "studio.ProjectStage": (
        lambda: ProjectStage.objects.order_by("position").first(),
        "name",
        "Tracking",
    ),
    "studio.Project": (_project, "title", "Night Drive (deluxe)"),
    "studio.Track": (
        lambda: projects.track_create(project=_project(), title="Intro"),
        "title",
        "Outro",
    ),
    "auth.User": (lambda: staff_create(username="desk@studio-a.example"), "first_name", "Dana"),
    "auth.Group": (lambda: Group.objects.get(name="Front desk"), "name", "Reception"),
}
PLATFORM_PAGES: dict[str, tuple[Callable, str, str]] = {
    "tenancy.Studio": (lambda: Studio.objects.get(slug=STUDIO_A.slug), "name", "Studio A+"),
    "tenancy.Plan": (lambda: Plan.objects.get(slug="pro"), "tagline", "For busy rooms"),
    "tenancy.Domain": (
        lambda: Domain.objects.create(
            domain="alias.localhost", tenant=Studio.objects.get(slug=STUDIO_A.slug)
        ),
        "domain",
        "alias2.localhost",
    ),
    "auth.User": (
        lambda: User.objects.create_user("helper@platform.example", "helper@platform.example"),
        "first_name",
        "Helper",
    ),
    "auth.Group": (lambda: Group.objects.create(name="Support"), "name", "Support team"),
}
# Rows edited as inline rows of a page above (tests/studio/test_admin_access.py covers peak
# rates) or written only by services, with the test that proves their entry.
BY_SERVICES = {
    "studio.RoomPeakRate": "tests/studio/test_admin_access.py (room page inline rows)",
    "studio.OpeningHours": "record_save through the settings page's inline rows",
    "studio.CancellationTier": "record_save through the settings page's inline rows",
    "studio.MaintenanceEntry": "maintenance_record: 'equipment.maintenance'",
    "studio.SessionSeries": "session_series_create: 'session.created' for each session",
    "studio.QuoteLine": "document_draft_update: the quote's entry lists its lines",
    "studio.InvoiceLine": "document_draft_update / invoice_sessions_add: the invoice's entry",
    "studio.CreditNote": "credit_note_create: 'creditnote.issued'",
    "studio.CreditNoteLine": "credit_note_create: the credit note's entry",
    "studio.Payment": "payment_record / payment_refund: 'payment.recorded', 'payment.refunded'",
    "studio.ImportJob": "import_run: '<model>.imported'; import_files_drop: 'importjob.expired'",
    "studio.ReminderSent": "reminders: 'invoice.reminded' in the same transaction",
    "studio.SessionEngineer": "session_create / session_update: the session's entry",
    "studio.SessionEquipment": "session_create / session_update: the session's entry",
    "studio.CardPayment": "card_charge / card_payment_refresh: 'card_payment.<status>', "
    "with the session's 'session.deposit_attempted'",
    "studio.StripeCustomer": "card_setup_start / card_from_setup: a client's card on file, "
    "charged only through the audited card payment services",
    # The project and audio rows below: test_the_project_and_audio_services_leave_entries.
    "studio.ProjectExpense": "expense_add: 'projectexpense.created' (added, never edited)",
    "studio.Credit": "credit_add / credit_delete: 'credit.created', 'credit.deleted'",
    "studio.Split": "splits_set: the track's 'track.splits_changed', before and after",
    "studio.AudioVersion": "version_create, version_share, version_master_set, "
    "version_files_delete: 'audioversion.<what happened>'",
    "studio.AudioUpload": "upload_start / upload_discard: 'audioupload.started', "
    "'audioupload.discarded'",
    "studio.ReviewComment": "comment_add / comment_resolve: the version's "
    "'audioversion.commented', 'audioversion.comment_resolved'",
    "studio.AudioDeletion": "version_files_delete: the log row is written with the version's "
    "'audioversion.file_deleted'",
    # Billing the studios (tests/payments/test_billing_lifecycle.py, tests/tenancy/).
    "tenancy.PlanPrice": "plan_stripe_sync: 'plan.price_created', 'plan.price_retired'",
    "tenancy.SubscriptionChange": "subscription_apply: written beside 'studio.subscription'",
    "tenancy.CustomDomain": "custom_domain_add / _verify / _remove / custom_domains_recheck: "
    "'custom_domain.added', 'custom_domain.verified', 'custom_domain.removed', "
    "'custom_domain.unverified'",
}
NOT_BUSINESS_RECORDS = {
    "studio.AuditEntry": "the trail itself: append-only, read-only in the admin",
    "tenancy.PlatformAuditEntry": "the platform's trail itself",
    "studio.DocumentCounter": "numbering state, advanced inside the audited issuing service",
    "studio.StoredPdf": "the kept PDF of an audited issue, sign or payment; never edited",
    "studio.OutgoingEmail": "the mailbox; what was sent is the audited action that queued it",
    "tenancy.BillingNotice": "the record that a billing e-mail went, once; the move that "
    "called for it is the audited 'studio.subscription'",
    "tenancy.StripeEvent": "Stripe's events as received; what each one changed is audited by "
    "the service it ran (card payments, 'studio.stripe_account_updated')",
}


def test_every_model_is_accounted_for():
    labels = {
        model._meta.label
        for app in ("studio", "tenancy")
        for model in apps.get_app_config(app).get_models()
    }
    accounted = set(STUDIO_PAGES) | set(PLATFORM_PAGES) | set(BY_SERVICES)
    accounted |= set(NOT_BUSINESS_RECORDS)
    assert sorted(labels - accounted) == []


class FormReader(HTMLParser):
    """The fields of the admin's change form as a browser would post them."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value", "on"))
            else:
                self.data[name] = [a.get("value", "")]
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def change_through_the_page(browser, obj, field: str, value: str):
    opts = obj._meta
    url = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/"
    page = browser.get(url)
    assert page.status_code == 200, url
    reader = FormReader(f"{opts.model_name}_form")
    reader.feed(page.content.decode())
    data = {name: values for name, values in reader.data.items() if values}
    data[field] = [value]
    data.pop("_saveasnew", None)
    data["_save"] = ["Save"]
    response = browser.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


@pytest.mark.parametrize("label", sorted(STUDIO_PAGES))
def test_a_change_on_a_studio_page_is_audited(label, studio_a):
    make, field, value = STUDIO_PAGES[label]
    browser = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        owner = User.objects.get(email=STUDIO_A.owner_email)
        browser.force_login(owner)
        obj = make()
        AuditEntry.objects.all().delete()
    change_through_the_page(browser, obj, field, value)
    with schema_context(studio_a.schema_name):
        entry = AuditEntry.objects.get(model=obj._meta.model_name, object_id=str(obj.pk))
        assert entry.action == f"{obj._meta.model_name}.changed"
        assert entry.changes[field][1] == value
        assert entry.user == owner


@pytest.mark.parametrize("label", sorted(PLATFORM_PAGES))
def test_a_change_on_a_platform_page_is_audited(label, db):
    make, field, value = PLATFORM_PAGES[label]
    operator = User.objects.create_superuser("op@platform.example", "op@platform.example", "pw")
    browser = sign_in_verified(HttpClient(HTTP_HOST="localhost"), operator)
    obj = make()
    change_through_the_page(browser, obj, field, value)
    entry = PlatformAuditEntry.objects.get(
        action=f"{obj._meta.model_name}.changed", object_id=str(obj.pk)
    )
    assert entry.changes[field][1] == value
    assert entry.user == operator


def test_plan_prices_are_decimals_in_the_trail(db):
    """What an operator reads back: the old and new price, as typed amounts."""
    pro = Plan.objects.get(slug="pro")
    from studio.services.records import record_update

    record_update(obj=pro, monthly_price=Decimal("119.00"))
    entry = PlatformAuditEntry.objects.get(action="plan.changed", object_id=str(pro.pk))
    assert entry.changes["monthly_price"][1] == "119.00"


def test_the_project_and_audio_services_leave_entries(in_studio_a, settings, tmp_path):
    """The rows of a project no admin page edits: each service that writes them leaves its
    entry, by whoever did it, on the record the entry is about."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.AUDIO_SPOOL_DIR = str(tmp_path / "spool")
    owner = User.objects.get(email=STUDIO_A.owner_email)
    project = _project()
    track = projects.track_create(project=project, title="Intro")
    AuditEntry.objects.all().delete()

    def entry(action: str, obj, pk=None) -> AuditEntry:
        return AuditEntry.objects.get(
            action=action, model=obj._meta.model_name, object_id=str(pk or obj.pk), user=owner
        )

    expense = projects.expense_add(project=project, description="Tape", amount=40, by=owner)
    assert entry("projectexpense.created", expense)
    credit = projects.credit_add(track=track, person="Ada", role="producer", by=owner)
    assert entry("credit.created", credit)
    credit_pk = credit.pk
    projects.credit_delete(credit=credit, by=owner)
    assert entry("credit.deleted", credit, credit_pk).changes["track"] == [str(track), None]
    shares = [{"person": "Ada", "percent": "70"}, {"person": "Grace", "percent": "30"}]
    projects.splits_set(track=track, right="master", shares=shares, by=owner)
    assert "master" in entry("track.splits_changed", track).changes

    upload = audio_uploads.upload_start(track=track, filename="mix.wav", size=1000, by=owner)
    assert entry("audioupload.started", upload)
    upload_pk = upload.pk
    audio_uploads.upload_discard(upload=upload, by=owner)
    assert entry("audioupload.discarded", upload, upload_pk)

    version = audio_review.version_create(
        track=track,
        file_name="mix.wav",
        stored_name="audio/mix.wav",
        size_bytes=1000,
        audio_format="wav",
        by=owner,
    )
    assert entry("audioversion.uploaded", version)
    AudioVersion.objects.filter(pk=version.pk).update(
        status=AudioVersion.Status.READY, duration_seconds=60.0
    )
    version.refresh_from_db()
    comment = audio_review.comment_add(version=version, body="Louder", at_seconds=42, by=owner)
    assert "0:42" in entry("audioversion.commented", version).changes["comment"][1]
    audio_review.comment_resolve(comment=comment, by=owner)
    assert entry("audioversion.comment_resolved", version)
    audio_review.version_share(version=version, by=owner)
    assert entry("audioversion.shared", version)
    audio_review.version_master_set(version=version, by=owner)
    assert entry("audioversion.master_set", version)
    version_files_delete(version=version, reason=AudioDeletion.Reason.STAFF, by=owner)
    assert entry("audioversion.file_deleted", version)
    assert AudioDeletion.objects.get(version=version).deleted_by == owner
