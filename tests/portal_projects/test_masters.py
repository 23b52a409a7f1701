"""The master of a track in the portal: refused (with what is due and a link to pay) until the
project's invoices are paid; paying the last one in the portal e-mails "masters ready" once and
the download works; the client's data export carries released masters only."""

from __future__ import annotations

import html as htmllib
import io
import json
import zipfile
from decimal import Decimal

import pytest

from portal.services.data_export import data_export_build, data_export_start
from studio.models import OutgoingEmail
from studio.selectors.projects import UNPAID
from studio.services.audio_review import comment_add
from studio.services.audio_urls import audio_url
from studio.services.invoices import invoice_create, invoice_issue
from studio.services.projects import credit_add
from tests.portal_invoices.conftest import save_invoice_card

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def download(browser, review):
    url = audio_url(review.v2, variant="download", client=review.project.client)
    return browser.get(url)


def pay_in_portal(portal_client, invoice) -> None:
    setup = save_invoice_card(portal_client.client, invoice)
    answer = portal_client.browser.post(f"/invoices/{invoice.pk}/pay/", {"setup_intent": setup})
    assert answer.json()["ok"] is True, answer.json()


def masters_ready(review) -> int:
    return OutgoingEmail.objects.filter(
        kind="masters_ready", about=f"project:{review.project.pk}"
    ).count()


def test_before_payment_the_pages_say_what_is_due_and_the_download_is_refused(
    review, portal_client_x
):
    browser = portal_client_x.browser
    track = browser.get(f"/tracks/{review.track.pk}/")
    page = text(track)
    assert UNPAID in page and "data-master-download" not in page
    assert f'href="/invoices/{review.invoice.pk}/pay/"' in page
    assert "€120.00" in page
    project = text(browser.get(f"/projects/{review.project.pk}/"))
    assert "Masters after payment" in project and 'data-masters="held"' in project
    assert f'href="/invoices/{review.invoice.pk}/pay/"' in project
    refused = download(browser, review)
    assert refused.status_code == 403 and UNPAID in text(refused)


def test_paying_the_last_invoice_in_the_portal_emails_masters_ready_once_and_opens_the_download(
    review, portal_client_x
):
    second = invoice_issue(
        invoice=invoice_create(
            client=review.project.client,
            project=review.project,
            lines=[{"description": "Stems", "quantity": 1, "unit_price": Decimal("30.00")}],
        )
    )
    pay_in_portal(portal_client_x, review.invoice)
    assert masters_ready(review) == 0  # one invoice still open
    assert download(portal_client_x.browser, review).status_code == 403
    pay_in_portal(portal_client_x, second)
    assert masters_ready(review) == 1
    mail = OutgoingEmail.objects.get(kind="masters_ready")
    assert mail.to == review.project.client.email
    assert f"/projects/{review.project.pk}/" in mail.body

    page = text(portal_client_x.browser.get(f"/tracks/{review.track.pk}/"))
    assert "data-master-download" in page and UNPAID not in page
    response = download(portal_client_x.browser, review)
    assert response.status_code == 200
    with review.v2.file.open("rb") as original:
        assert b"".join(response.streaming_content) == original.read()


def test_a_payment_that_settles_nothing_sends_nothing(review, portal_client_x, part_payments):
    setup = save_invoice_card(portal_client_x.client, review.invoice)
    portal_client_x.browser.post(
        f"/invoices/{review.invoice.pk}/pay/", {"setup_intent": setup, "amount": "20.00"}
    )
    review.invoice.refresh_from_db()
    assert review.invoice.balance == Decimal("100.00")
    assert masters_ready(review) == 0


@pytest.fixture
def part_payments(studio_rules):
    from studio.models import StudioSettings

    StudioSettings.objects.update(portal_part_payments=True)


def export_of(portal_client) -> zipfile.ZipFile:
    export = data_export_start(account=portal_client.account)
    export = data_export_build(export_id=export.pk)
    with export.archive.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_the_export_holds_projects_tracks_credits_and_comments_but_no_unpaid_master(
    review, portal_client_x
):
    credit_add(track=review.track, person="Ana Ruiz", role="vocalist")
    comment_add(version=review.v1, body="Lovely", at_seconds=42, client=review.project.client)
    archive = export_of(portal_client_x)
    projects = json.loads(archive.read("projects.json"))
    (project,) = projects
    (track,) = project["tracks"]
    assert project["title"] == "Night Drive EP" and "notes" not in project
    assert track["credits"][0]["person"] == "Ana Ruiz" and "recall_notes" not in track
    v1 = next(v for v in track["versions"] if v["number"] == 1)
    assert v1["comments"][0]["at_seconds"] == "42.000" and "peaks" not in v1
    assert not [name for name in archive.namelist() if name.startswith("masters/")]


def test_once_paid_the_export_holds_the_master_file(review, portal_client_x):
    pay_in_portal(portal_client_x, review.invoice)
    archive = export_of(portal_client_x)
    masters = [name for name in archive.namelist() if name.startswith("masters/")]
    assert masters == [f"masters/p{review.project.pk}/01 Headlights v2.wav"]
    with review.v2.file.open("rb") as original:
        assert archive.read(masters[0]) == original.read()
    assert "masters/" in archive.read("README.txt").decode()


def test_the_export_of_client_y_holds_none_of_client_xs_project(review, portal_client_y):
    archive = export_of(portal_client_y)
    assert json.loads(archive.read("projects.json")) == []
    assert not [name for name in archive.namelist() if name.startswith("masters/")]
