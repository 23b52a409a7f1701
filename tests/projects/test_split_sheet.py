"""Split sheets: one selector read by the PDF and the CSV, per track and per project, and who
may download them."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django_tenants.utils import schema_context

from studio.pdf.split_sheet import SplitSheetRenderer
from studio.selectors.split_sheets import (
    CSV_HEADER,
    split_sheet_csv,
    split_sheet_for_project,
    split_sheet_for_track,
)
from studio.services import projects as svc
from tests.conftest import STUDIO_A, STUDIO_B
from tests.projects.track_fixtures import track_make
from tests.studio.conftest import staff_user
from tests.studio.pdf.test_renderers import clear, shown

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","x")'


def _credited(track):
    svc.credit_add(track=track, person="Ada Lovelace", role="producer")
    svc.credit_add(track=track, person="Bo Diddley", role="musician", instrument="Guitar")
    svc.splits_set(
        track=track,
        right="master",
        shares=[
            {"person": "Ada Lovelace", "percent": "62.5"},
            {"person": "Bo Diddley", "percent": "37.5"},
        ],
    )
    svc.splits_set(
        track=track,
        right="publishing",
        shares=[{"person": "Bo Diddley", "percent": "50"}, {"person": FORMULA, "percent": "50"}],
    )
    return track


@pytest.fixture
def track(in_studio_a):
    return _credited(track_make(title="Night Drive", isrc="GB-AB1-26-00042", duration_seconds=187))


def test_the_selector_lists_credits_shares_totals_isrc_and_who_signs(track):
    sheet = split_sheet_for_track(track)

    assert sheet.title == "Split sheet: 1. Night Drive"
    (printed,) = sheet.tracks
    assert printed.isrc_display == "GB-AB1-26-00042"
    assert [(c.person, c.role, c.instrument) for c in printed.credits] == [
        ("Bo Diddley", "Musician", "Guitar"),
        ("Ada Lovelace", "Producer", ""),
    ]
    master, publishing = printed.rights
    assert [(s.person, s.percent) for s in master.shares] == [
        ("Ada Lovelace", Decimal("62.50")),
        ("Bo Diddley", Decimal("37.50")),
    ]
    assert master.total == publishing.total == Decimal("100")
    assert sheet.signatories == ["Ada Lovelace", "Bo Diddley", FORMULA]


def test_the_pdf_prints_the_names_percentages_isrc_and_signature_lines(track):
    pdf = clear(SplitSheetRenderer, split_sheet_for_track(track))
    lines = b"\n".join(shown(pdf))

    assert pdf.startswith(b"%PDF")
    for text in (
        b"Split sheet",
        b"1. Night Drive",
        b"ISRC GB-AB1-26-00042",
        b"Ada Lovelace",
        b"Bo Diddley",
        b"62.50 %",
        b"37.50 %",
        b"100.00 %",
        b"Guitar",
        b"Signatures",
        b"Signature",
    ):
        assert text in lines, text


def test_the_csv_has_every_credit_and_share_and_neutralises_formulas(track):
    rows = list(csv.reader(io.StringIO(split_sheet_csv(split_sheet_for_track(track)))))

    assert rows[0] == CSV_HEADER
    body = [row[4:] for row in rows[1:]]
    assert ["Credit", "Bo Diddley", "Musician", "Guitar", ""] in body
    assert ["Master recording", "Ada Lovelace", "", "", "62.50"] in body
    assert ["Master recording", "Total", "", "", "100.00"] in body
    assert ["Publishing (composition)", "'" + FORMULA, "", "", "50.00"] in body
    assert all(row[3] == "GB-AB1-26-00042" for row in rows[1:])


def test_the_project_sheet_covers_every_track_in_order(track):
    second = svc.track_create(project=track.project, title="Outro")
    sheet = split_sheet_for_project(track.project)

    assert [t.title for t in sheet.tracks] == ["Night Drive", "Outro"]
    assert sheet.tracks[1].credits == [] and all(not r.shares for r in sheet.tracks[1].rights)
    assert b"This project has no tracks yet." not in clear(SplitSheetRenderer, sheet)
    assert second.number == 2


@pytest.fixture
def browsers(studio_a, studio_b):
    with schema_context(studio_a.schema_name):
        track = _credited(track_make(title="Night Drive"))
        people = {
            "owner": User.objects.get(email=STUDIO_A.owner_email),
            "accountant": staff_user("books@studio-a.example", "Accountant"),
            "front_desk": staff_user("desk@studio-a.example", "Front desk"),
        }
        clients = {}
        for role, user in people.items():
            clients[role] = HttpClient(HTTP_HOST=STUDIO_A.host)
            clients[role].force_login(user)
    with schema_context(studio_b.schema_name):
        clients["studio_b"] = HttpClient(HTTP_HOST=STUDIO_B.host)
        clients["studio_b"].force_login(User.objects.get(email=STUDIO_B.owner_email))
    clients["anonymous"] = HttpClient(HTTP_HOST=STUDIO_A.host)
    return clients, track


@pytest.mark.parametrize("role", ["owner", "accountant"])
def test_owner_and_accountant_download_both_formats(browsers, role):
    clients, track = browsers
    pdf = clients[role].get(reverse("admin:studio_track_split_sheet", args=[track.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    project_csv = clients[role].get(
        reverse("admin:studio_track_project_split_sheet", args=[track.project_id, "csv"])
    )
    assert project_csv.status_code == 200
    assert "Ada Lovelace" in project_csv.content.decode("utf-8-sig")


def test_the_front_desk_studio_b_and_strangers_get_no_split_sheet(browsers):
    clients, track = browsers
    url = reverse("admin:studio_track_split_sheet", args=[track.pk, "pdf"])
    assert clients["front_desk"].get(url).status_code == 403
    assert clients["studio_b"].get(url).status_code == 404
    response = clients["anonymous"].get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    other_format = reverse("admin:studio_track_split_sheet", args=[track.pk, "xlsx"])
    assert clients["owner"].get(other_format).status_code == 404
