"""A studio moving in: the owner uploads Excel's messy client export in a real browser, reads
the preview, imports the valid rows and finds the clients in the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from studio.models import Client, ImportJob
from tests.e2e.axe import axe_violations
from tests.e2e.test_calendar_journey import sign_in

MESSY = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "messy-clients.csv"


@pytest.fixture
def clean_clients(e2e_studio, django_db_blocker):
    yield
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        Client.objects.all().delete()
        ImportJob.objects.all().delete()


def test_uploading_a_messy_file_previews_then_imports_the_valid_rows(
    page, live_url, e2e_studio, django_db_blocker, clean_clients
):
    found: list[str] = []  # accessibility violations on each page of the journey
    sign_in(page, live_url)
    page.goto(f"{live_url}/admin/studio/client/")
    found += axe_violations(page)
    page.locator('a[href$="/admin/import/clients/"]').first.click()
    page.wait_for_url("**/admin/import/clients/")
    found += axe_violations(page)
    page.set_input_files("input[name=file]", str(MESSY))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/admin/import/jobs/**")
    found += axe_violations(page)

    body = page.locator("#import-job")
    assert "CSV, Windows-1252, semicolon-separated" in body.inner_text()
    errors = page.locator("#import-errors tbody tr, #import-errors tr").all_inner_texts()
    assert any("already on line 2" in row for row in errors)
    assert any("jo.smith@@example.com" in row for row in errors)
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        assert Client.objects.count() == 0  # the preview wrote nothing

    page.get_by_role("button", name="Import the 4 valid rows, skip 2 invalid").click()
    page.wait_for_load_state("networkidle")
    assert "Imported: 4 created, 0 updated, 0 unchanged, 2 invalid rows skipped." in (
        body.inner_text()
    )
    page.get_by_role("link", name="Open clients").click()
    page.wait_for_url("**/admin/studio/client/")
    found += axe_violations(page)
    assert "Élodie Dubois" in page.locator("#result_list").inner_text()
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        assert Client.objects.count() == 4
    assert not found, "\n".join(found)
