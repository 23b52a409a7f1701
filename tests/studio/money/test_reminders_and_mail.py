from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from studio.models import Client, EmailTemplate, Invoice, OutgoingEmail, ReminderSent
from studio.services.errors import StudioError
from studio.services.invoices import invoice_create, invoice_issue, invoice_send
from studio.services.mail import email_deliver, email_render, email_template_check
from studio.services.payments import payment_record
from studio.services.reminders import invoices_overdue_process, studio_daily
from studio.tasks import studio_daily_fanout
from tests.studio.money.conftest import ISSUED_ON, lines

DUE = date(2026, 4, 1)  # 30 days after ISSUED_ON


def reminders(invoice) -> list[int]:
    return list(ReminderSent.objects.filter(invoice=invoice).values_list("step", flat=True))


def test_an_invoice_is_marked_overdue_the_day_after_its_due_date(issued):
    invoices_overdue_process(today=DUE)
    assert Invoice.objects.get(pk=issued.pk).overdue_since is None
    invoices_overdue_process(today=DUE + timedelta(days=1))
    assert Invoice.objects.get(pk=issued.pk).overdue_since == DUE + timedelta(days=1)


def test_each_reminder_step_is_sent_exactly_once(issued):
    sent = []
    for day in range(0, 45):
        report = invoices_overdue_process(today=DUE + timedelta(days=day))
        sent.append(report["reminders"])
    # Steps at 7, 14 and 30 days overdue, once each, on those days.
    assert [d for d, n in enumerate(sent) if n] == [7, 14, 30]
    assert reminders(issued) == [1, 2, 3]
    emails = OutgoingEmail.objects.filter(kind="reminder", about=f"invoice:{issued.pk}")
    assert emails.count() == 3
    assert emails.filter(subject__contains="30 days overdue").count() == 1


def test_a_rerun_of_the_same_day_sends_nothing_more(issued):
    day = DUE + timedelta(days=8)
    assert invoices_overdue_process(today=day)["reminders"] == 1
    assert invoices_overdue_process(today=day)["reminders"] == 0
    assert reminders(issued) == [1]


def test_after_a_pause_only_the_latest_step_is_sent(issued):
    invoices_overdue_process(today=DUE + timedelta(days=31))
    assert reminders(issued) == [3]
    invoices_overdue_process(today=DUE + timedelta(days=32))
    assert reminders(issued) == [3]


def test_a_client_who_turned_reminders_off_gets_no_e_mail_but_the_step_counts(issued):
    Client.objects.filter(pk=issued.client_id).update(notify_reminders=False)
    assert invoices_overdue_process(today=DUE + timedelta(days=8))["reminders"] == 1
    assert reminders(issued) == [1]
    assert not OutgoingEmail.objects.filter(kind="reminder").exists()


def test_paid_invoices_get_no_reminder(issued):
    payment_record(invoice=issued, amount="1200", method="bank_transfer")
    invoices_overdue_process(today=DUE + timedelta(days=10))
    assert reminders(issued) == []
    assert Invoice.objects.get(pk=issued.pk).overdue_since is None


def test_the_studio_steps_are_used(issued, settings_row):
    settings_row.reminder_days = "3"
    settings_row.save()
    invoices_overdue_process(today=DUE + timedelta(days=3))
    invoices_overdue_process(today=DUE + timedelta(days=20))
    assert reminders(issued) == [1]


def test_the_daily_round_runs_per_studio_and_only_touches_that_studio(
    issued, studio_a, studio_b, django_capture_on_commit_callbacks
):
    with schema_context(studio_b.schema_name):
        from tests.studio.factories import ClientFactory

        b_invoice = invoice_issue(
            invoice=invoice_create(client=ClientFactory(), lines=lines((1, 50, 0, 0))),
            today=ISSUED_ON,
        )
    with schema_context(studio_a.schema_name):
        report = studio_daily(today=DUE + timedelta(days=7))
        assert report["reminders"] == 1
    with schema_context(studio_b.schema_name):
        assert not ReminderSent.objects.filter(invoice=b_invoice).exists()
        assert Invoice.objects.get(pk=b_invoice.pk).overdue_since is None


def test_the_fanout_queues_one_task_per_studio(in_studio_a, monkeypatch):
    queued = []
    monkeypatch.setattr(
        "django_q.tasks.async_task", lambda path, schema, **kw: queued.append((path, schema))
    )
    from siteconf.tenancy.models import Studio

    count = studio_daily_fanout()
    schemas = set(Studio.objects.studios().values_list("schema_name", flat=True))
    assert count == len(schemas) >= 2
    assert {schema for _, schema in queued} == schemas
    assert {path for path, _ in queued} == {"studio.tasks.studio_daily_task"}


def test_sending_an_invoice_delivers_it_with_its_pdf(issued):
    mail.outbox.clear()
    email = invoice_send(invoice=issued)
    assert email.status == "queued"
    email_deliver(email_id=email.pk)
    assert email_deliver(email_id=email.pk) is None  # a second delivery sends nothing
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["band@ondes.example"]
    assert message.subject.startswith("Invoice INV-2026-0001 from ")
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("INV-2026-0001.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    assert OutgoingEmail.objects.get(pk=email.pk).status == "sent"


def test_the_studio_edits_its_templates(issued):
    template = EmailTemplate.objects.get(kind="invoice")
    template.subject = "Facture {{ number }} — {{ total }}"
    template.save()
    subject, _ = email_render(kind="invoice", values={"number": "X-1", "total": "12.00 EUR"})
    assert subject == "Facture X-1 — 12.00 EUR"


def test_a_template_with_an_unknown_placeholder_is_refused(in_studio_a):
    with pytest.raises(StudioError, match=r"\{\{ iban \}\}"):
        email_template_check(kind="invoice", subject="Invoice {{ number }}", body="Pay {{ iban }}")


def test_a_draft_is_not_sent(band):
    draft = invoice_create(client=band, lines=lines((1, 10, 0, 0)))
    with pytest.raises(StudioError, match="issue it first"):
        invoice_send(invoice=draft)
    assert not OutgoingEmail.objects.exists()


def test_e_mails_and_documents_stay_in_their_studio(issued, studio_b):
    invoice_send(invoice=issued)
    with schema_context(studio_b.schema_name):
        from studio.models import StoredPdf

        assert not OutgoingEmail.objects.exists()
        assert not Invoice.objects.exists()
        assert not StoredPdf.objects.exists()
    assert Decimal(issued.total) == Decimal(1200)


def test_the_daily_round_is_scheduled_once_on_the_platform(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="Studios: daily round")
    assert (schedule.func, schedule.schedule_type) == ("studio.tasks.studio_daily_fanout", "D")
    assert schedule.repeats < 0  # forever
