"""The one rule for masters: released when the project's issued invoices are all paid (or
when staff release them), whichever path asks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from studio.models import AuditEntry
from studio.selectors.projects import NOT_INVOICED, UNPAID, masters_release
from studio.services import projects as svc
from studio.services.audio_review import masters_release_manual
from studio.services.errors import PermissionRefused, StudioError
from studio.services.invoices import invoice_create, invoice_issue, invoice_void
from studio.services.payments import payment_record
from tests.studio.conftest import staff_user
from tests.studio.factories import ClientFactory

pytestmark = pytest.mark.django_db

LINE = {"description": "Mixing, 4 tracks", "quantity": 1, "unit_price": Decimal("800")}


@pytest.fixture
def project(in_studio_a):
    return svc.project_create(client=ClientFactory(), title="Low Tide")


def _issued(project, **extra):
    invoice = invoice_create(client=project.client, project=project, lines=[LINE], **extra)
    return invoice_issue(invoice=invoice)


def test_nothing_invoiced_keeps_the_masters(project):
    release = masters_release(project)
    assert not release.allowed and release.reason == NOT_INVOICED


def test_an_open_invoice_keeps_them_and_says_what_is_due(project):
    invoice = _issued(project)
    release = masters_release(project)
    assert not release.allowed and release.reason == UNPAID
    assert release.due == (invoice,) and release.balance == invoice.balance > 0
    payment_record(invoice=invoice, amount=str(invoice.balance - 1), method="bank_transfer")
    assert not masters_release(project).allowed


def test_paid_in_full_releases_them_and_a_void_invoice_does_not_count(project):
    invoice = _issued(project)
    void = invoice_create(client=project.client, project=project, lines=[LINE])
    invoice_void(invoice=invoice_issue(invoice=void), reason="Issued twice")
    payment_record(invoice=invoice, amount=str(invoice.balance), method="bank_transfer")
    assert masters_release(project).allowed


def test_an_invoice_of_another_clients_project_is_refused(project):
    with pytest.raises(StudioError, match="project, not"):
        invoice_create(client=ClientFactory(), project=project, lines=[LINE])


def test_staff_release_them_without_payment_once_and_audited(project):
    _issued(project)
    with pytest.raises(PermissionRefused):
        masters_release_manual(project=project, by=staff_user("eng@a.example", "Accountant"))
    owner = staff_user("boss@a.example", "Owner")
    masters_release_manual(project=project, by=owner)
    masters_release_manual(project=project, by=owner)
    project.refresh_from_db()
    assert masters_release(project).allowed
    assert (
        AuditEntry.objects.filter(model="project", action="project.masters_released").count() == 1
    )


def _with_master(project):
    from studio.models import AudioVersion
    from studio.services.audio_review import version_create, version_master_set

    track = svc.track_create(project=project, title="Opener")
    version = version_create(
        track=track, file_name="m.wav", stored_name="m.wav", size_bytes=1, audio_format="wav"
    )
    AudioVersion.objects.filter(pk=version.pk).update(status="ready")
    version_master_set(version=version)


def test_masters_ready_goes_once_whether_a_payment_or_a_credit_note_settles(project):
    from studio.models import OutgoingEmail
    from studio.services.credit_notes import credit_note_create
    from studio.services.payments import payment_refund

    _with_master(project)
    project.client.email = "artist@example.com"
    project.client.save()
    invoice = _issued(project)
    ready = OutgoingEmail.objects.filter(kind="masters_ready")
    credit_note_create(
        invoice=invoice,
        reason="Discount agreed",
        lines=[{"description": "Discount", "unit_price": str(invoice.balance)}],
    )
    invoice.refresh_from_db()
    assert invoice.status == "paid" and masters_release(project).allowed
    assert ready.count() == 1
    # Paid again after a refund reopened it: no second e-mail.
    other = _issued(project)
    payment = payment_record(invoice=other, amount=str(other.balance), method="bank_transfer")
    payment_refund(payment=payment, amount=str(payment.amount))
    payment_record(invoice=other, amount=str(other.total), method="bank_transfer")
    assert ready.count() == 1
