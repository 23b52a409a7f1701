"""The XSS sweep: a hostile string in every text field of every studio model, then every page of
the back office, the calendar, the command palette, the portal and a marketing page opened in
Chromium with the Content-Security-Policy on.

A page fails if anything opens a dialog (a script ran), if the browser reports a policy
violation (an injected tag reached the DOM as HTML, or Unfold, Wagtail or our own code needs
something the policy forbids), if a link points at a javascript: URL, or if it answers an
error. The hostile string must show as text where it is data, so the sweep cannot pass by
drawing nothing.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Cast, Concat, Left
from django_tenants.utils import schema_context
from playwright.sync_api import Error as PlaywrightError

from cms.models import ContentPage
from cms.services import HOME_CONTENT, home_page_ensure
from portal.models import PortalAccount
from siteconf.tenancy.demo import DEMO_CLIENT_PASSWORD, demo_client_login
from siteconf.tenancy.models import Studio
from studio.demo import demo_fill
from studio.models import AudioDeletion, CardPayment, StripeCustomer, Track
from studio.services import audio_review, audio_uploads, projects
from studio.services.imports import import_job_create, import_job_start
from studio.services.retention import version_files_delete
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import OWNER

HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
HOSTILE_URL = "javascript:alert(3)"
# One good row and one refused (its e-mail), so that the import report shows the value as typed.
IMPORT_CSV = f"Name,E-mail\n{HOSTILE},ok@example.com\n{HOSTILE},{HOSTILE}\n"

# Text columns that hold a machine value the code reads back (a time zone, a number pattern,
# a lookup key, a checksum): what a person types never lands there, and garbage in them only
# breaks the page for reasons that have nothing to do with escaping.
MACHINE_VALUES = {
    "auditentry": {"action", "model", "object_id"},
    "studiosettings": {"timezone", "reminder_days"}
    | {f"{kind}_number_format" for kind in ("invoice", "quote", "credit_note", "receipt")},
    "room": {"colour"},
    "engineer": {"colour"},
    "session": {"currency"},
    "quote": {"studio_currency"},
    "invoice": {"studio_currency"},
    "creditnote": {"studio_currency"},
    "invoiceline": {"source"},
    "documentcounter": {"kind"},
    "storedpdf": {"kind", "sha256"},
    "contract": {"document_sha256"},
    "importjob": {"resource", "sha256"},
    "outgoingemail": {"attachment_kind", "about"},
    "client": {"country"},
    "project": {"currency"},
    # The checked type (the content type served is looked up by it) and the file's digest.
    "audioversion": {"audio_format", "sha256"},
    # Stripe's ids, read back to call Stripe.
    "cardpayment": {"intent_id", "payment_method_id"},
    "stripecustomer": {"customer_id", "setup_intent_id", "payment_method_id"},
}
# Models the demo data leaves empty, and why that is fine for the sweep.
NO_ROWS_NEEDED = {
    # No text field at all: a series is its sessions, a reminder a date and a document.
    "sessionseries",
    "remindersent",
}
# Pages that are not for browsing: they sign out, switch to the demo visitor, or lead to
# Django's view-on-site redirect (off the back office).
SKIPPED = re.compile(r"/(logout|demo|delete)/|/r/\d+/")
PAGE_LIMIT = 220

CATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI);
});
"""


def text_fields(model) -> list[models.Field]:
    skipped = MACHINE_VALUES.get(model._meta.model_name, set())
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not field.primary_key
        and field.name not in skipped
    ]


def make_hostile(model) -> None:
    """Every text field of every row: the row's id first (unique columns stay unique), then
    the hostile string, cut to the column's length. Where a constraint gives an empty value
    a meaning (a draft has no number yet), the empty and null values stay."""
    for field in text_fields(model):
        value = Concat(Cast("pk", models.TextField()), models.Value(HOSTILE))
        if field.max_length:
            value = Left(value, field.max_length)
        rows = model.objects.exclude(**{f"{field.name}__isnull": True})
        rows.exclude(**{field.name: ""}).update(**{field.name: value})
        try:
            with transaction.atomic():
                model.objects.filter(**{field.name: ""}).update(**{field.name: value})
        except IntegrityError:
            pass


def _card_payment_rows() -> None:
    """A declined card attempt on one of the portal client's sessions (the demo takes no card
    payment): its texts too become hostile, and the session's page shows them."""
    account = PortalAccount.objects.select_related("client").get()
    session = account.client.sessions.order_by("-start").first()
    StripeCustomer.objects.create(
        client=account.client, customer_id="cus_sweep", card_label="Visa •••• 0341"
    )
    CardPayment.objects.create(
        client=account.client,
        session=session,
        purpose=CardPayment.Purpose.DEPOSIT,
        intent_id="pi_sweep",
        amount=session.deposit_due or 10,
        currency=session.currency,
        status=CardPayment.Status.FAILED,
        failure_message="Your card was declined.",
    )


def _project_rows() -> dict[str, str]:
    """What the demo's projects leave empty: an expense, an upload under way and a deleted
    version's log row, on the portal client's project (its pages show them). Returns the
    portal client's project and track pages."""
    account = PortalAccount.objects.select_related("client").get()
    track = (
        Track.objects.filter(project__client=account.client, versions__isnull=False)
        .select_related("project")
        .first()
    )
    projects.expense_add(project=track.project, description="Tape", amount=40)
    audio_uploads.upload_start(track=track, filename="stems.wav", size=1000)
    gone = audio_review.version_create(
        track=track,
        file_name="old mix.wav",
        stored_name=f"audio/p{track.project_id}/t{track.pk}/gone.wav",
        size_bytes=1000,
        audio_format="wav",
    )
    version_files_delete(version=gone, reason=AudioDeletion.Reason.STAFF)
    return {
        "portal project": f"/projects/{track.project_id}/",
        "portal track": f"/tracks/{track.pk}/",
    }


def hostile_page(home, *, slug: str, url: str) -> None:
    """A marketing page whose every text is the hostile string, its button going to `url`."""
    cta = {
        "heading": HOSTILE,
        "text": HOSTILE,
        "button_label": HOSTILE,
        "button_url": url,
        "secondary_label": HOSTILE,
        "secondary_url": url,
    }
    page = ContentPage(title=HOSTILE, slug=slug, intro=HOSTILE, body=[("call_to_action", cta)])
    home.add_child(instance=page)
    page.save_revision().publish()


@pytest.fixture(scope="module")
def hostile_studio(e2e_studio, django_db_blocker):
    with django_db_blocker.unblock():
        with schema_context(e2e_studio.schema_name):
            demo_fill(seed=2, months_back=1, months_ahead=1)
            job = import_job_start(
                job=import_job_create(
                    resource_key="clients",
                    filename=f"{HOSTILE}.csv",
                    data=IMPORT_CSV.encode(),
                    by=User.objects.get(email=OWNER[0]),
                )
            )
            _card_payment_rows()
            portal_pages = _project_rows()
            studio_models = list(apps.get_app_config("studio").get_models())
            empty = {m._meta.model_name for m in studio_models if not m.objects.exists()}
            with transaction.atomic(), connection.cursor() as cursor:
                # Issued documents are frozen by triggers; test data may rewrite history.
                cursor.execute("SET LOCAL session_replication_role = replica")
                for model in studio_models:
                    make_hostile(model)
            User.objects.filter(email=OWNER[0]).update(first_name=HOSTILE, last_name=HOSTILE)
        connection.set_schema_to_public()
        Studio.objects.filter(pk=e2e_studio.pk).update(name=HOSTILE)
        home = home_page_ensure(content_file=HOME_CONTENT, hostname="localhost", port=80)
        hostile_page(home, slug="hostile", url="/pricing/")
        hostile_page(home, slug="hostile-link", url=HOSTILE_URL)
    yield {
        "empty": empty,
        "import job": f"/admin/import/jobs/{job.pk}/",
        "slug": e2e_studio.slug,
        **portal_pages,
    }


@pytest.fixture(scope="module")
def sweep_page(browser, live_url, hostile_studio):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.add_init_script(CATCH_VIOLATIONS)
    page = context.new_page()
    page.problems = []
    page.accessibility_findings = []
    page.on(
        "dialog",
        lambda dialog: (page.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()),
    )
    page.on(
        "console",
        lambda message: (
            page.problems.append(f"{page.url}: {message.text[:300]}")
            if "Content Security Policy" in message.text or "CSP violation" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(f"{page.url}: {error}"))
    page.goto(f"{live_url}/admin/login/")
    page.fill("input[name=username]", OWNER[0])
    page.fill("input[name=password]", OWNER[1])
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_url}/admin/")
    yield page
    context.close()


def visit(page, url: str) -> str:
    response = page.goto(url, wait_until="load")
    # 403 is an answer too (another person's password is not the owner's to set); a missing
    # page or a crash is not.
    status = response.status if response else None
    assert status is not None and (status < 400 or status == 403), f"{url}: {status}"
    assert page.locator("a[href^='javascript:' i]").count() == 0, f"{url}: a javascript: link"
    assert page.problems == [], page.problems
    if urlsplit(url).path.startswith("/admin/"):
        # Every back-office page the crawl opens is also checked with axe-core (serious and
        # critical rules); the findings are asserted at the end, all at once.
        page.accessibility_findings += axe_violations(page)
    return page.locator("body").inner_text()


def shape(path: str) -> str:
    """Pages that differ only by an object's id are one page for the sweep."""
    path = re.sub(r"/[0-9a-f]{8}-[0-9a-f-]{27}/", "/<uuid>/", path)
    return re.sub(r"/\d+/", "/<id>/", path)


def admin_pages(page, live_url: str, starts: list[str]) -> list[str]:
    """Every back-office page reachable by a link from the starts, one of each shape."""
    seen = {shape(path) for path in starts}
    queue = deque(starts)
    visited = []
    while queue and len(visited) < PAGE_LIMIT:
        path = queue.popleft()
        try:
            visit(page, live_url + path)
        except PlaywrightError as error:
            # A PDF, a receipt, a CSV: a file to save, not a page to draw.
            if "Download is starting" in str(error):
                continue
            raise
        visited.append(path)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(urljoin(live_url + path, href))
            if f"{parts.scheme}://{parts.netloc}" != live_url or parts.query:
                continue
            if not parts.path.startswith("/admin/") or SKIPPED.search(parts.path):
                continue
            if shape(parts.path) not in seen:
                seen.add(shape(parts.path))
                queue.append(parts.path)
    return visited


def test_hostile_data_never_runs_anywhere(sweep_page, live_url, hostile_studio):
    page = sweep_page
    empty = hostile_studio["empty"]
    assert empty <= NO_ROWS_NEEDED, f"models without a row: {empty}"

    # The set-up wizard is linked only until the studio finishes it (the demo data has).
    starts = ["/admin/", "/admin/onboarding/", hostile_studio["import job"]]
    visited = admin_pages(page, live_url, starts)
    assert len(visited) < PAGE_LIMIT, "the crawl hit its limit: raise it or skip a family"
    every = {shape(path) for path in visited}
    for expected in (
        "/admin/calendar/",
        "/admin/money/receivables/",
        "/admin/import/",
        "/admin/onboarding/",
        "/admin/studio/client/",
        "/admin/studio/client/<id>/change/",
        "/admin/studio/client/<id>/history/",
        "/admin/studio/invoice/<id>/change/",
        "/admin/studio/studiosettings/",
        "/admin/import/jobs/<uuid>/",
        "/admin/projects/board/",
        "/admin/studio/project/<id>/change/",
        "/admin/studio/track/<id>/change/",
        "/admin/studio/projectstage/<id>/change/",
    ):
        assert expected in every, f"the crawl never reached {expected}"

    assert HOSTILE in visit(page, f"{live_url}/admin/studio/client/")
    assert HOSTILE in visit(page, f"{live_url}/admin/studio/invoice/")
    assert HOSTILE in visit(page, f"{live_url}/admin/studio/auditentry/")
    # The board's cards, and a track's credits and review thread (drawn with the player).
    assert HOSTILE in visit(page, f"{live_url}/admin/projects/board/")
    track_page = page.locator("a[href*='/admin/studio/track/'][href*='/change/']")
    visit(page, f"{live_url}/admin/studio/track/")
    visit(page, live_url + urlsplit(track_page.first.get_attribute("href")).path)
    page.locator("#player").first.wait_for()
    assert HOSTILE in page.locator("#credits").inner_text()
    assert page.problems == [], page.problems

    # The calendar draws events after the page loads, from the JSON feed.
    visit(page, f"{live_url}/admin/calendar/")
    page.locator(".ec-event").first.wait_for()
    assert HOSTILE in page.locator("#calendar").inner_text()
    assert page.problems == [], page.problems

    # Unfold's command palette: its results come over htmx and are swapped into the page.
    visit(page, f"{live_url}/admin/")
    page.keyboard.press("Control+k")
    page.locator("#search-input-command").press_sequentially(HOSTILE[:12])
    page.locator("#command-results-list li").first.wait_for()
    assert "onerror" in page.locator("#command-results").inner_text()
    assert page.problems == [], page.problems

    studio_page = visit(page, f"{live_url}/")
    assert HOSTILE in studio_page

    # The portal, as the demo's client: their home, the booking page and a booking of theirs.
    visit(page, f"{live_url}/sign-in/")
    page.get_by_text("Sign in with a password instead").click()
    page.fill("input[name=password-email]", demo_client_login(hostile_studio["slug"]))
    page.fill("input[name=password-password]", DEMO_CLIENT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state("load")
    home = visit(page, f"{live_url}/")
    assert HOSTILE in home  # the client's and the rooms' names
    booking = page.locator("a.booking-row").first.get_attribute("href")
    assert HOSTILE in visit(page, live_url + booking)
    visit(page, f"{live_url}/book/")
    # Their projects, the one in review and its track with the player and the comments.
    assert HOSTILE in visit(page, f"{live_url}/projects/")
    assert HOSTILE in visit(page, live_url + hostile_studio["portal project"])
    assert HOSTILE in visit(page, live_url + hostile_studio["portal track"])
    assert page.problems == [], page.problems

    port = urlsplit(live_url).port
    marketing = visit(page, f"http://localhost:{port}/hostile/")
    assert HOSTILE in marketing
    assert page.accessibility_findings == [], "\n".join(page.accessibility_findings)


def test_a_marketing_link_is_never_a_script(sweep_page, live_url):
    """A call-to-action's address is typed by an editor, and a javascript: one must not become
    a link. The public policy would block the click, but the CMS preview, which allows inline
    script for Wagtail, would run it in the session of whoever opens the preview, an operator
    included; and with CSP_REPORT_ONLY=1 nothing blocks it."""
    port = urlsplit(live_url).port
    visit(sweep_page, f"http://localhost:{port}/hostile-link/")
