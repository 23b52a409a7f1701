"""The import pages: owner uploads, previews, confirms; refusals change nothing; staff without
the permissions and people from another studio see nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from django_tenants.utils import schema_context

from studio.models import AuditEntry, Client, ImportJob
from tests.conftest import STUDIO_A, STUDIO_B
from tests.imports.conftest import fingerprint, xlsx_bomb
from tests.studio.conftest import staff_user

pytestmark = pytest.mark.django_db

CLIENTS = b"Name,Email\nAna,ana@example.com\nBo,bo@example.com\n"
WITH_ONE_BAD = b"Name,Email\nAna,ana@example.com\nBad,nope\nBo,bo@example.com\n"


@pytest.fixture
def owner(studio_a):
    with schema_context(studio_a.schema_name):
        http = HttpClient(HTTP_HOST=STUDIO_A.host)
        http.force_login(User.objects.get(email=STUDIO_A.owner_email))
    return http


def upload(http, data: bytes, key: str = "clients", name: str = "clients.csv"):
    return http.post(
        reverse("admin:studio_import_upload", args=[key], urlconf="siteconf.urls_tenant"),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def url(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args, urlconf="siteconf.urls_tenant")


def test_upload_shows_a_preview_and_writes_nothing(owner, studio_a):
    response = upload(owner, CLIENTS)
    assert response.status_code == 302
    with schema_context(studio_a.schema_name):
        job = ImportJob.objects.get()
        assert job.status == "previewed" and Client.objects.count() == 0
    page = owner.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Preview only, nothing was changed: 2 to create" in html
    assert "Import 2 rows" in html


def test_confirming_imports_and_keeps_the_report_but_not_the_file(owner, studio_a):
    upload(owner, CLIENTS)
    with schema_context(studio_a.schema_name):
        job = ImportJob.objects.get()
    response = owner.post(url("studio_import_job_go", job.pk))
    assert response.status_code == 302
    with schema_context(studio_a.schema_name):
        job.refresh_from_db()
        assert job.status == "done" and bytes(job.data) == b""
        assert job.report["committed"] and job.report["counts"]["new"] == 2
        assert Client.objects.count() == 2
        entry = AuditEntry.objects.get(action="client.imported")
        assert entry.user.email == STUDIO_A.owner_email
    page = owner.get(url("studio_import_job", job.pk)).content.decode()
    assert "Imported: 2 created, 0 updated, 0 unchanged." in page


def test_a_file_with_an_invalid_row_offers_only_the_explicit_skip(owner, studio_a):
    upload(owner, WITH_ONE_BAD)
    with schema_context(studio_a.schema_name):
        job = ImportJob.objects.get()
    page = owner.get(url("studio_import_job", job.pk)).content.decode()
    assert "Import the 2 valid rows, skip 1 invalid" in page
    assert "Enter a valid email address." in page
    errors = owner.get(url("studio_import_job_errors", job.pk))
    assert errors["Content-Type"].startswith("text/csv")
    assert errors.content.decode("utf-8-sig").splitlines() == [
        "Line,Column,Value,Problem",
        "3,Email,nope,Enter a valid email address.",
    ]
    owner.post(url("studio_import_job_go", job.pk), {"skip_invalid": "1"})
    with schema_context(studio_a.schema_name):
        assert sorted(Client.objects.values_list("name", flat=True)) == ["Ana", "Bo"]


def test_confirming_twice_imports_once(owner, studio_a):
    upload(owner, CLIENTS)
    with schema_context(studio_a.schema_name):
        job = ImportJob.objects.get()
    owner.post(url("studio_import_job_go", job.pk))
    owner.post(url("studio_import_job_go", job.pk))
    with schema_context(studio_a.schema_name):
        assert Client.objects.count() == 2
        assert AuditEntry.objects.filter(action="client.imported").count() == 1


def test_cancelling_changes_nothing(owner, studio_a):
    upload(owner, CLIENTS)
    with schema_context(studio_a.schema_name):
        job = ImportJob.objects.get()
        before = fingerprint()
    owner.post(url("studio_import_job_cancel", job.pk))
    with schema_context(studio_a.schema_name):
        job.refresh_from_db()
        assert job.status == "cancelled" and fingerprint() == before
    assert owner.post(url("studio_import_job_go", job.pk)).status_code == 302
    with schema_context(studio_a.schema_name):
        assert Client.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_its_page(owner, studio_a):
    response = upload(owner, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", name="photo.png")
    page = owner.get(response["Location"]).content.decode()
    assert "This file cannot be imported" in page and "This file is not a spreadsheet" in page
    with schema_context(studio_a.schema_name):
        assert ImportJob.objects.get().status == "done" and Client.objects.count() == 0


def test_a_zip_bomb_is_refused_on_its_page(owner, studio_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(owner, xlsx_bomb(), name="clients.xlsx")
    page = owner.get(response["Location"]).content.decode()
    assert "This file cannot be imported" in page
    assert "unpacks to 1027 times its packed size" in page
    with schema_context(studio_a.schema_name):
        assert ImportJob.objects.get().status == "done" and Client.objects.count() == 0


def test_an_empty_upload_is_refused_on_the_form(owner, studio_a):
    page = upload(owner, b"").content.decode()
    assert "The submitted file is empty." in page
    with schema_context(studio_a.schema_name):
        assert not ImportJob.objects.exists()


def test_the_pages_render_with_columns_and_samples(owner):
    index = owner.get(url("studio_import_index")).content.decode()
    assert "Upload a file" in index and "clients.csv" in index
    form = owner.get(url("studio_import_upload", "sessions")).content.decode()
    assert "Client e-mail" in form and "day/month/year" in form
    sample = owner.get(url("studio_import_sample", "messy-clients.csv"))
    assert sample.status_code == 200 and b"Courriel" in b"".join(sample.streaming_content)
    assert owner.get(url("studio_import_sample", "..%2Fsettings.py")).status_code == 404


def test_staff_without_add_and_change_rights_cannot_import(studio_a):
    with schema_context(studio_a.schema_name):
        engineer = staff_user("eng@studio-a.example", "Engineer")
        accountant = staff_user("books@studio-a.example", "Accountant")
        clients = {}
        for user in (engineer, accountant):
            clients[user.pk] = HttpClient(HTTP_HOST=STUDIO_A.host)
            clients[user.pk].force_login(user)
    for user, key in [(engineer, "clients"), (engineer, "rooms"), (accountant, "clients")]:
        http = clients[user.pk]
        assert upload(http, CLIENTS, key=key).status_code == 403
        assert http.get(url("studio_import_upload", key)).status_code == 403
    assert clients[engineer.pk].get(url("studio_import_upload", "sessions")).status_code == 200
    with schema_context(studio_a.schema_name):
        assert not ImportJob.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(client_a):
    response = client_a.get(url("studio_import_index"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_another_studios_staff_cannot_reach_a_job(owner, studio_a, studio_b):
    upload(owner, CLIENTS)
    with schema_context(studio_a.schema_name):
        job = ImportJob.objects.get()
    with schema_context(studio_b.schema_name):
        outsider = HttpClient(HTTP_HOST=STUDIO_B.host)
        outsider.force_login(User.objects.get(email=STUDIO_B.owner_email))
    for name in ["studio_import_job", "studio_import_job_status", "studio_import_job_errors"]:
        assert outsider.get(url(name, job.pk)).status_code == 404
    assert outsider.post(url("studio_import_job_go", job.pk)).status_code == 404
    with schema_context(studio_a.schema_name):
        job.refresh_from_db()
        assert job.status == "previewed" and Client.objects.count() == 0
    # The owner of B logging in on A's domain is not A's staff.
    outsider.defaults["HTTP_HOST"] = STUDIO_A.host
    assert outsider.get(url("studio_import_job", job.pk)).status_code == 302
