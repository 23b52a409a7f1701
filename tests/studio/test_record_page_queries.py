"""The change pages the benchmark measures (a session, an invoice, the studio's settings, a
project, a track with its player) cost the same number of queries however much the studio,
the client, the invoice or the track has behind it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from studio.models import Session
from studio.selectors.settings import studio_settings_get
from studio.services import audio_review, projects
from studio.services.invoices import invoice_create, invoice_issue
from studio.services.payments import payment_record
from studio.services.sessions import session_create
from tests.projects.track_fixtures import version_ready
from tests.studio.factories import ClientFactory, EngineerFactory, EquipmentFactory, RoomFactory

pytestmark = pytest.mark.django_db

LINE = {
    "description": "Mixing",
    "quantity": Decimal(1),
    "unit_price": Decimal(300),
    "discount_percent": Decimal(0),
    "tax_rate": Decimal(20),
}


def queries(http, url: str) -> int:
    http.get(url)  # warm the per-studio caches (time zone, locale, content types)
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)


def history(client, *, count: int, first_day: int) -> None:
    """`count` more sessions for `client` a day apart, in a room of their own, each with an
    engineer and a piece of gear."""
    room = RoomFactory()
    base = timezone.now().replace(minute=0, second=0, microsecond=0)
    for i in range(count):
        start = base + timedelta(days=first_day + i)
        session_create(
            client=client,
            room=room,
            start=start,
            end=start + timedelta(hours=2),
            engineers=[EngineerFactory()],
            equipment=[EquipmentFactory()],
        )


def issued(client, *, lines: int = 1) -> object:
    invoice = invoice_create(client=client, lines=[LINE] * lines)
    return invoice_issue(invoice=invoice, today=timezone.localdate() - timedelta(days=10))


def test_a_session_page_costs_the_same_with_a_long_history(studio_a, owner_browser):
    with schema_context(studio_a.schema_name):
        band = ClientFactory(name="Long Story")
        history(band, count=2, first_day=-30)
        session = Session.objects.filter(client=band).latest("start")
    url = f"/admin/studio/session/{session.pk}/change/"
    before = queries(owner_browser, url)

    with schema_context(studio_a.schema_name):
        history(band, count=25, first_day=-300)  # the same client's past
        history(ClientFactory(), count=10, first_day=5)  # and the rest of the studio
    assert queries(owner_browser, url) == before


def test_an_invoice_page_costs_the_same_with_more_payments_and_invoices(studio_a, owner_browser):
    with schema_context(studio_a.schema_name):
        band = ClientFactory(name="Paying Band")
        invoice = issued(band)
        payment_record(amount=Decimal(50), method="cash", invoice=invoice)
    url = f"/admin/studio/invoice/{invoice.pk}/change/"
    before = queries(owner_browser, url)

    with schema_context(studio_a.schema_name):
        for _ in range(4):
            payment_record(amount=Decimal(20), method="bank_transfer", invoice=invoice)
        for _ in range(6):
            issued(band)
            issued(ClientFactory())
    assert queries(owner_browser, url) == before


def test_the_settings_page_costs_the_same_with_a_busier_studio(studio_a, owner_browser):
    with schema_context(studio_a.schema_name):
        url = f"/admin/studio/studiosettings/{studio_settings_get().pk}/change/"
        history(ClientFactory(), count=2, first_day=-3)
    before = queries(owner_browser, url)

    with schema_context(studio_a.schema_name):
        for _ in range(5):
            band = ClientFactory()
            history(band, count=4, first_day=-60)
            issued(band)
    assert queries(owner_browser, url) == before


def reviewed(track, *, versions: int, comments: int) -> None:
    """`versions` more processed mixes of `track`, each with `comments` comments and a reply."""
    for _ in range(versions):
        version = version_ready(track)
        for i in range(comments):
            comment = audio_review.comment_add(version=version, body=f"Note {i}", at_seconds=i)
            audio_review.comment_add(version=version, body="Done", at_seconds=0, parent=comment)


def test_a_track_page_costs_the_same_with_more_versions_and_comments(studio_a, owner_browser):
    with schema_context(studio_a.schema_name):
        project = projects.project_create(client=ClientFactory(), title="Night Drive")
        track = projects.track_create(project=project, title="Intro")
        projects.credit_add(track=track, person="Ada", role="producer")
        reviewed(track, versions=2, comments=2)
    url = f"/admin/studio/track/{track.pk}/change/"
    before = queries(owner_browser, url)

    with schema_context(studio_a.schema_name):
        reviewed(track, versions=6, comments=8)
        for person in ("Grace", "Linus", "Barbara"):
            projects.credit_add(track=track, person=person, role="musician")
        projects.splits_set(
            track=track,
            right="master",
            shares=[{"person": "Ada", "percent": "50"}, {"person": "Grace", "percent": "50"}],
        )
    assert queries(owner_browser, url) == before


def test_a_project_page_costs_the_same_with_more_sessions_and_other_projects(
    studio_a, owner_browser
):
    with schema_context(studio_a.schema_name):
        band = ClientFactory(name="Long Story")
        project = projects.project_create(client=band, title="Night Drive", budget=Decimal(2000))
        projects.track_create(project=project, title="Intro")
        projects.expense_add(project=project, description="Tape", amount=Decimal(40))
        history(band, count=2, first_day=-30)
        for session in Session.objects.filter(client=band):
            projects.session_project_set(session=session, project=project)
    url = f"/admin/studio/project/{project.pk}/change/"
    before = queries(owner_browser, url)

    with schema_context(studio_a.schema_name):
        history(band, count=8, first_day=-300)
        for session in Session.objects.filter(client=band, project__isnull=True):
            projects.session_project_set(session=session, project=project)
        for i in range(3):
            projects.expense_add(project=project, description=f"Strings {i}", amount=Decimal(10))
        for i in range(5):
            projects.project_create(client=ClientFactory(), title=f"Other {i}")
        issued(band)
    assert queries(owner_browser, url) == before
