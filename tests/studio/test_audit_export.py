"""The audit trail downloads as CSV on a plan with audit-log export: exactly the entries the list
shows (filters, search), formulas neutralised, streamed; other plans see which plans include it.
Whoever may read the trail may export it; nobody else."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Plan, Studio
from studio.models import AuditEntry
from tests.conftest import STUDIO_A, STUDIO_B
from tests.payments.conftest import staff

pytestmark = pytest.mark.django_db

LIST = "/admin/studio/auditentry/"
EXPORT = "/admin/studio/auditentry/export.csv"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
HOSTILE = '=HYPERLINK("http://evil.example","Nova")'


def _plan(studio: Studio, slug: str) -> None:
    studio.plan = Plan.objects.get(slug=slug)
    studio.save(update_fields=["plan"])


def _browser(studio: Studio, user: User, host: str = STUDIO_A.host) -> Browser:
    browser = Browser(HTTP_HOST=host)
    with schema_context(studio.schema_name):
        browser.force_login(user, backend=MODEL_BACKEND)
    return browser


@pytest.fixture
def trail(studio_a):
    with schema_context(studio_a.schema_name):
        AuditEntry.objects.all().delete()
        AuditEntry.objects.create(
            action="client.created", model="client", object_id="1", object_repr=HOSTILE
        )
        AuditEntry.objects.create(
            action="client.changed",
            model="client",
            object_id="1",
            object_repr="Nova",
            changes={"name": ["Nov", "Nova"]},
        )
        AuditEntry.objects.create(
            action="room.created", model="room", object_id="4", object_repr="Live room"
        )


@pytest.fixture
def cast(studio_a, studio_b):
    with schema_context(studio_a.schema_name):
        people = {
            "owner": User.objects.get(email=STUDIO_A.owner_email),
            "accountant": staff("books@studio-a.example", "Accountant"),
            "engineer": staff("eng@studio-a.example", "Engineer"),
        }
    browsers = {name: _browser(studio_a, user) for name, user in people.items()}
    outsider = Browser(HTTP_HOST=STUDIO_B.host)
    with schema_context(studio_b.schema_name):
        outsider.force_login(User.objects.get(email=STUDIO_B.owner_email), backend=MODEL_BACKEND)
    browsers["studio B owner"] = Browser(HTTP_HOST=STUDIO_A.host)
    browsers["studio B owner"].cookies = outsider.cookies
    browsers["anonymous"] = Browser(HTTP_HOST=STUDIO_A.host)
    return browsers


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _business(rows: list[list[str]]) -> list[list[str]]:
    """The fixture's entries, without the sign-ins the cast's browsers recorded."""
    return [row for row in rows if not row[2].startswith("login.")]


def test_on_enterprise_the_list_offers_the_csv_of_what_it_shows(studio_a, trail, cast):
    _plan(studio_a, "enterprise")
    page = cast["owner"].get(LIST, {"action": "client.changed"}).content.decode()
    assert 'data-allowed="yes"' in page
    assert f'href="{EXPORT}?action=client.changed"' in page


def test_the_csv_has_every_entry_newest_first_with_formulas_neutralised(studio_a, trail, cast):
    _plan(studio_a, "enterprise")
    response = cast["owner"].get(EXPORT)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    header, *rows = _rows(response)
    rows = _business(rows)
    assert header == ["When", "User", "Action", "Object type", "Object id", "Object", "Changes"]
    assert [row[2] for row in rows] == ["room.created", "client.changed", "client.created"]
    assert rows[2][5] == "'" + HOSTILE  # a spreadsheet shows it as text, never runs it
    assert rows[1][6] == '{"name": ["Nov", "Nova"]}'


def test_the_csv_follows_the_lists_filters_and_search(studio_a, trail, cast):
    _plan(studio_a, "enterprise")
    filtered = _rows(cast["owner"].get(EXPORT, {"model": "client"}))[1:]
    assert {row[2] for row in filtered} == {"client.created", "client.changed"}
    searched = _rows(cast["owner"].get(EXPORT, {"q": "Live"}))[1:]
    assert [row[5] for row in searched] == ["Live room"]


def test_a_large_trail_streams_with_a_constant_number_of_queries(
    studio_a, cast, django_assert_max_num_queries
):
    _plan(studio_a, "enterprise")
    with schema_context(studio_a.schema_name):
        AuditEntry.objects.bulk_create(
            AuditEntry(action="session.moved", model="session", object_id=str(n), object_repr="x")
            for n in range(5000)
        )
        total = AuditEntry.objects.count()
    response = cast["owner"].get(EXPORT)
    # Rows come from a server-side cursor in chunks, not one query per row.
    with django_assert_max_num_queries(10):
        rows = _rows(response)
    assert len(rows) == total + 1


def test_on_other_plans_the_list_says_which_plan_includes_it(studio_a, trail, cast):
    _plan(studio_a, "pro")
    page = cast["owner"].get(LIST).content.decode()
    assert 'data-allowed="no"' in page and EXPORT not in page
    assert "Audit-log export is part of the Enterprise plan." in page
    assert "/admin/subscription/" in page

    refused = cast["owner"].get(EXPORT)
    assert refused.status_code == 402 and not refused.streaming
    text = refused.content.decode()
    assert "part of the Enterprise plan" in text and "Settings → Subscription" in text


def test_whoever_reads_the_trail_may_export_it_and_nobody_else(studio_a, trail, cast):
    _plan(studio_a, "enterprise")
    assert cast["accountant"].get(EXPORT).status_code == 200
    assert cast["engineer"].get(EXPORT).status_code == 403
    for outsider in ("studio B owner", "anonymous"):
        response = cast[outsider].get(EXPORT)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], outsider


def test_a_read_only_studio_can_still_export_its_trail(studio_a, trail, cast):
    _plan(studio_a, "enterprise")
    studio_a.subscription_status = "read_only"
    studio_a.save(update_fields=["subscription_status"])
    rows = _business(_rows(cast["owner"].get(EXPORT))[1:])
    assert [row[2] for row in rows] == ["room.created", "client.changed", "client.created"]
