"""The product never claims what is not built.

Every page of the seeded marketing site (plans, FAQ, footer and the studio's own page included)
is rendered and read sentence by sentence. A sentence that names a feature which does not exist
yet — calendar feeds to subscribe to, outgoing webhooks, reports by engineer with commissions
and project profitability — must say it is coming: the sentence itself, or a heading it sits
under ("Coming soon"), contains "coming". Questions are not claims ("Can I subscribe to a
room's calendar?"). When one of these features is built, move it from UNBUILT to BUILT.

The other way round holds too: what is built (the client portal, client accounts, online
booking, card deposits, invoices paid by card, quotes accepted and contracts signed in the
portal, the white-label portal, projects with their tracks, credits and split sheets, mixes
reviewed and approved in the portal and masters released once paid, the portal on the studio's
own domain, the audit trail export, and the studio's subscription paid by card, monthly or
yearly) is not called "coming" any more, so a studio does not think it is missing something
it has. The copy about those last three is also held to the screens it describes: the help
articles name the buttons and records those screens really show.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django_tenants.utils import schema_context
from wagtail.models import Page

from cms.models import HomePage
from cms.models.help import HelpCategory
from siteconf.tenancy.plans import Plan
from studio.models import StudioSettings
from studio.services.mail_defaults import DEFAULTS
from studio.tasks import owner_welcome_send
from tests.cms.conftest import url_of
from tests.conftest import STUDIO_A

pytestmark = pytest.mark.django_db

# What is not built yet, and how copy names it (case-insensitive): what the product brief
# promises and the code does not do. The booking e-mail's .ics attachment is built; a feed a
# calendar app subscribes to is not. "Commission" alone is left to the European Commission of
# the privacy policy: only an engineer's commission is a claim.
UNBUILT = {
    "calendar feeds": (
        r"\b(?:i-?cal|calendar) (?:feeds?|subscriptions?)\b"
        r"|\bsubscribe to (?:the |a |your |each |every )?(?:room'?s? |engineer'?s? )?calendars?\b"
    ),
    "outgoing webhooks": r"\bwebhooks?\b",
    "reports by engineer": (
        r"\bengineers?'?s? (?:hours and )?commissions?\b"
        r"|\bcommissions? (?:for|of|per|by) (?:each |your )?(?:engineers?|staff)\b"
        r"|\bprofitability\b|\brevenue (?:reports? )?by (?:room|engineer|client)\b"
    ),
}
# What is built, and how copy names it: a sentence that calls one of these "coming" (and names
# nothing that really is still coming) undersells the product.
_PAY = r"\b(?:pay|pays|paid|paying|settle|settles|settled|settling)\b"
_ONLINE = r"\b(?:online|by card|in (?:the|your|their) (?:client )?portal)\b"
_GAP = r"[^.!?;]"  # within one clause
BUILT = {
    "the client portal": r"\bportal\b",
    "client accounts": r"\bclient accounts?\b",
    "online booking": r"\bonline bookings?\b|\bbook(?:s|ing)? online\b",
    "card deposits": r"\bstripe\b|\bdeposits?\b[^.!?]{0,30}\bby card\b|\bcard deposits?\b",
    "invoices paid online": (
        rf"\binvoices?\b(?:\s+[\w'-]+){{0,3}}?\s+(?:paid|settled)\b{_GAP}{{0,30}}{_ONLINE}"
        rf"|{_PAY}\s+(?:[\w'-]+\s+){{0,3}}?(?:invoices?|balances?)\b{_GAP}{{0,30}}{_ONLINE}"
        rf"|\b(?:invoice|balance) payments?\b{_GAP}{{0,30}}{_ONLINE}"
        rf"|\binvoices?\b[^.!?]{{0,60}}{_PAY}\s+(?:them|it)\s+{_ONLINE}"
    ),
    "quotes accepted online": (
        rf"\baccept(?:s|ed|ing)?\b{_GAP}{{0,30}}\bquotes?\b{_GAP}{{0,30}}{_ONLINE}"
        rf"|\bquotes?\b{_GAP}{{0,30}}\baccept(?:s|ed|ing)?\b{_GAP}{{0,30}}{_ONLINE}"
    ),
    "e-signature": (
        r"\be-?signatures?\b"
        r"|\bsign(?:s|ed|ing)? (?:them |it |(?:the |their |your )?contracts? )?"
        r"(?:online|in the (?:client )?portal)\b"
        r"|\bcontracts?\b[^.!?]{0,40}\bsigned (?:online|in the (?:client )?portal)\b"
    ),
    "white-label": r"\bwhite[- ]label|\b(?:no|without)\b[^.!?]{0,30}\bpowered by\b",
    "projects, tracks and credits": (
        r"\bprojects\b|\bsplit sheets?\b|\bcredits\b|\bsplits\b|\bkanban\b"
        r"|\bproject board\b|\brecall notes\b"
    ),
    "audio versions and review": (
        r"\baudio versions?\b|\bcomments? on (?:the |their |your )?mix(?:es)?\b"
        r"|\bmix(?:es)? (?:to|for) review\b|\b(?:audio|mix) review\b|\breview(?:ing)? mix(?:es)?\b"
        r"|\bdownload(?:s|ing)? (?:the |their |your )?masters?\b"
        r"|\bmasters?\b[^.!?]{0,40}\breleased\b|\bwaveforms?\b|\bloudness\b|\bLUFS\b"
    ),
    "custom domains": r"\b(?:custom|own) domains?\b",
    "the audit trail export": r"\baudit\b[^.!?]*\bexport|\bexport[^.!?]*\baudit\b",
    "the platform billing studios by card": (
        r"\bcustomer portal\b|\bbilling portal\b|\bsettings → subscription\b"
        r"|\bsubscriptions?\b[^.!?]{0,40}\b(?:paid|billed|charged)\b[^.!?]{0,20}"
        r"\b(?:by card|online|to (?:a|your) card)\b"
        r"|\b(?:pay|pays|paid|paying)\b[^.!?]{0,20}\bsubscriptions?\b[^.!?]{0,30}"
        r"\b(?:by card|online)\b"
        r"|\bsubscribes? by card\b|\b(?:billed|paid|pay|paying) (?:monthly or yearly|yearly)\b"
    ),
}
CLAIMS = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in UNBUILT.items()}
SHIPPED = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in BUILT.items()}
COMING = re.compile(r"\bcoming\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

BLOCK_TAGS = {
    "p", "li", "ul", "ol", "div", "section", "article", "aside", "header", "footer", "nav",
    "main", "td", "th", "tr", "table", "summary", "details", "dt", "dd", "blockquote",
    "figcaption", "br", "form", "label", "title",
}  # fmt: skip
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# A heading's "coming" covers what follows it until the next section (or footer) begins.
SCOPES = {"section", "header", "footer", "main"}
SKIPPED = {"script", "style", "svg", "noscript"}


@dataclass(frozen=True)
class _Block:
    text: str
    headings: tuple[str, ...]


class _Reader(HTMLParser):
    """Text blocks of a page, each with the headings it sits under."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self._text: list[str] = []
        self._headings: list[tuple[int, str]] = []
        self._heading: tuple[int, list[str]] | None = None
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self._skipping += 1
        if tag == "meta" and dict(attrs).get("name") == "description":
            self.blocks.append(_Block(dict(attrs).get("content") or "", ()))
        if tag in HEADINGS:
            self._flush()
            self._heading = (HEADINGS[tag], [])
        elif tag in BLOCK_TAGS:
            self._flush()
            if tag in SCOPES:
                self._headings.clear()
        else:
            self._text.append(" ")

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        if tag in HEADINGS and self._heading is not None:
            level, parts = self._heading
            self._heading = None
            text = _squash("".join(parts))
            self._headings = [h for h in self._headings if h[0] < level] + [(level, text)]
            self.blocks.append(_Block(text, tuple(h for _, h in self._headings)))
        elif tag in BLOCK_TAGS:
            self._flush()
            if tag in SCOPES:
                self._headings.clear()
        else:
            self._text.append(" ")

    def handle_data(self, data):
        if self._skipping:
            return
        (self._heading[1] if self._heading is not None else self._text).append(data)

    def _flush(self):
        text = _squash("".join(self._text))
        self._text.clear()
        if text:
            self.blocks.append(_Block(text, tuple(h for _, h in self._headings)))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _blocks(html: str) -> list[_Block]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.blocks


def unmarked_claims(html: str) -> list[tuple[str, str]]:
    """(feature, sentence) for every sentence that names an unbuilt feature as if it existed."""
    found = []
    for block in _blocks(html):
        if any(COMING.search(heading) for heading in block.headings):
            continue
        for sentence in SENTENCE_END.split(block.text):
            if COMING.search(sentence) or sentence.rstrip().endswith("?"):
                continue
            found += [(name, sentence) for name, claim in CLAIMS.items() if claim.search(sentence)]
    return found


def built_called_coming(html: str) -> list[tuple[str, str]]:
    """(feature, sentence) for every sentence or heading that calls a built feature "coming"
    without naming anything that really is still coming ("Paying invoices in the portal is
    coming" is honest: the portal is built, paying invoices in it is not). A sentence under a
    "Coming soon" heading is called coming by that heading: a built feature left on the list
    of what is coming is caught too."""
    found = []
    for block in _blocks(html):
        under_coming = any(COMING.search(heading) for heading in block.headings)
        for sentence in SENTENCE_END.split(block.text):
            if not (under_coming or COMING.search(sentence)):
                continue
            if any(c.search(sentence) for c in CLAIMS.values()):
                continue
            found += [(name, sentence) for name, built in SHIPPED.items() if built.search(sentence)]
    return found


# The check itself: it must catch a claim, and let an honest "coming" through.


@pytest.mark.parametrize(
    "html",
    [
        "<p>Subscribe to each room's calendar from your phone.</p>",
        "<p>Every booking is checked. Engineers' commissions are worked out for you.</p>",
        "<ul><li>White-label portal</li><li>Outgoing webhooks</li></ul>",
        "<section><h2>Coming soon</h2></section><section><p>Calendar feeds per room.</p></section>",
        "<h2>Reports</h2><p>Project profitability, at a glance.</p>",
        "<head><meta name='description' content='iCal feeds for every engineer.'></head>",
        "<p>Signed webhooks tell your other tools about every booking.</p>",
        "<p>Revenue by engineer, every month, on your own domain.</p>",
    ],
)
def test_the_check_catches_a_claim_of_something_not_built(html):
    assert unmarked_claims(html)


@pytest.mark.parametrize(
    ("html", "feature"),
    [
        ("<p>Add the room's calendar feed to your phone.</p>", "calendar feeds"),
        ("<p>A webhook posts every booking to your tools.</p>", "outgoing webhooks"),
        ("<p>Each engineer's commission is computed monthly.</p>", "reports by engineer"),
    ],
)
def test_the_check_names_the_feature_claimed(html, feature):
    assert [name for name, _ in unmarked_claims(html)] == [feature]


@pytest.mark.parametrize(
    "html",
    [
        "<p>Clients pay invoices by card in the portal.</p>",
        "<p>Clients accept quotes online and sign contracts in the portal.</p>",
        "<ul><li>Contracts signed online</li><li>Invoices paid by card</li></ul>",
        "<p>Your portal, with no “powered by” line. White-label on Enterprise.</p>",
        "<p>Projects on a board of your own stages, with tracks, credits and split sheets.</p>",
        "<p>Clients comment on the mix at the second and download their masters once paid.</p>",
        "<p>A custom domain for the portal is coming. Today it runs on your studio's address.</p>",
        "<section><h2>Coming soon</h2><div><h3>Your own domain</h3><p>Custom domains.</p></div>",
        "<ul><li>Coming soon: the client portal on your own domain</li></ul>",
        "<details><summary>Can I export the audit trail?</summary><p>Not yet.</p></details>",
        "<p>No card needed. Every change is in the audit trail.</p>",
        "<p>Contracts list the project, the dates and the fee; credit notes reduce a balance.</p>",
        "<p>Card payments go to your own Stripe account. Refunds go back to the card.</p>",
        "<p>Download my data: a ZIP of the client's data and documents.</p>",
        "<p>Calendar feeds to subscribe to are coming. The .ics file comes with every e-mail.</p>",
        # Built now: said plainly.
        "<p>The portal on your own domain, on Enterprise.</p>",
        "<p>Export the audit trail as CSV.</p>",
        "<p>Your subscription is paid by card, monthly or yearly, in Stripe's billing portal.</p>",
        "<p>Protected by the European Commission's standard contractual clauses.</p>",
    ],
)
def test_the_check_lets_honest_copy_through(html):
    assert unmarked_claims(html) == []


@pytest.mark.parametrize(
    "html",
    [
        "<p>A client portal, where clients will book, is coming.</p>",
        "<h2>Client portal (coming soon)</h2>",
        "<p>Card deposits through Stripe are coming.</p>",
        "<p>Paying invoices by card in the portal is coming.</p>",
        "<h2>Coming soon: quotes accepted online</h2>",
        "<p>Signing contracts online is coming.</p>",
        "<ul><li>Coming soon: white-label client portal</li></ul>",
        "<p>Projects and tracks are coming. Today every session stands on its own.</p>",
        "<h2>Mixes to review (coming soon)</h2>",
        "<p>Comments on the mix, in the portal, are coming.</p>",
        "<ul><li>Coming soon: masters released once the invoices are paid</li></ul>",
        "<section><h2>Coming soon</h2><div><h3>Projects and tracks</h3><p>Split sheets.</p></div>",
        "<p>Custom domains are coming.</p>",
        "<ul><li>Coming soon: audit trail export</li></ul>",
        "<p>Paying your subscription by card is coming.</p>",
        "<section><h2>Coming soon</h2><div><h3>Your own domain</h3><p>For Enterprise.</p></div>",
    ],
)
def test_the_check_catches_a_built_feature_called_coming(html):
    assert built_called_coming(html)


@pytest.mark.parametrize(
    ("html", "feature"),
    [
        ("<p>Paying the balance by card is coming.</p>", "invoices paid online"),
        ("<p>Accepting a quote online is coming.</p>", "quotes accepted online"),
        ("<p>E-signature is coming.</p>", "e-signature"),
        ("<p>A white-label option is coming.</p>", "white-label"),
        ("<p>Split sheets are coming.</p>", "projects, tracks and credits"),
        ("<p>Downloading the masters is coming.</p>", "audio versions and review"),
        ("<p>Your own domain is coming.</p>", "custom domains"),
        ("<p>Exporting the audit trail is coming.</p>", "the audit trail export"),
        ("<p>Paying yearly is coming.</p>", "the platform billing studios by card"),
    ],
)
def test_the_check_names_the_built_feature_called_coming(html, feature):
    assert [name for name, _ in built_called_coming(html)] == [feature]


@pytest.mark.parametrize(
    "html",
    [
        "<p>Calendar feeds of the bookings clients make in the portal are coming.</p>",
        "<ul><li>Coming soon: webhooks for the client portal on your own domain</li></ul>",
        "<p>Clients book online and sign contracts in the portal today.</p>",
        "<p>Revenue by engineer for your projects is coming.</p>",
        "<section><h2>Coming soon</h2><h3>Feeds</h3><p>Portal bookings as a calendar feed.</p>",
        "<section><h2>Coming soon</h2></section><section><h2>Projects</h2><p>Split sheets.</p>",
    ],
)
def test_the_check_lets_what_is_really_coming_be_called_coming(html):
    assert built_called_coming(html) == []


# The seeded product copy.


def test_no_page_of_the_marketing_site_claims_what_is_not_built(site_content, platform_client):
    home = HomePage.objects.get()
    pages = [home, *Page.objects.descendant_of(home).live().specific()]
    assert len(pages) >= 20  # the whole seeded site, not just the home page

    problems = []
    for page in pages:
        path = url_of(page)
        response = platform_client.get(path)
        assert response.status_code == 200, path
        problems += [(path, *claim) for claim in unmarked_claims(response.content.decode())]

    assert problems == []


def test_no_page_of_the_marketing_site_calls_a_built_feature_coming(site_content, platform_client):
    home = HomePage.objects.get()
    pages = [home, *Page.objects.descendant_of(home).live().specific()]

    problems = []
    for page in pages:
        path = url_of(page)
        html = platform_client.get(path).content.decode()
        problems += [(path, *claim) for claim in built_called_coming(html)]
    assert problems == []


def test_the_help_centre_does_not_file_the_portal_under_coming_soon():
    assert built_called_coming(f"<h2>{HelpCategory.PORTAL.label}</h2>") == []


def test_plans_list_unbuilt_features_only_as_coming(db):
    plans = list(Plan.objects.public())
    assert {plan.slug for plan in plans} >= {"starter", "pro", "enterprise"}

    for plan in plans:
        for feature in plan.feature_list:
            if any(claim.search(feature) for claim in CLAIMS.values()):
                assert feature.lower().startswith("coming soon"), (plan.slug, feature)


CARD = re.compile(r"\bcards?\b|\bstripe\b", re.IGNORECASE)
NO_CARD = re.compile(r"\bwithout (?:a )?card\b|\bno card\b", re.IGNORECASE)


def test_a_plan_without_card_payments_promises_no_card(db):
    for plan in Plan.objects.public().filter(card_payments=False):
        for feature in plan.feature_list:
            if CARD.search(feature) and not feature.lower().startswith("coming soon"):
                assert NO_CARD.search(feature), (plan.slug, feature)


def test_the_plans_say_what_the_portal_does_on_each(db):
    features = {plan.slug: "\n".join(plan.feature_list) for plan in Plan.objects.public()}
    cards = dict(Plan.objects.values_list("slug", "card_payments"))

    assert not cards["starter"] and cards["pro"] and cards["enterprise"]
    assert "booking requests" in features["starter"] and "without a card" in features["starter"]
    for slug in ("pro", "enterprise"):
        assert "online booking" in features[slug].lower(), slug
        assert "deposits by card" in features[slug].lower(), slug
    assert "Invoices paid by card in the portal" in features["pro"]
    for slug in ("starter", "pro"):
        assert SHIPPED["quotes accepted online"].search(features[slug]), slug
        assert SHIPPED["e-signature"].search(features[slug]), slug
    whites = dict(Plan.objects.values_list("slug", "white_label"))
    assert whites["enterprise"] and not whites["pro"] and not whites["starter"]
    assert "White-label client portal" in features["enterprise"]
    assert not SHIPPED["white-label"].search(features["pro"])
    assert not any(line.startswith("Coming soon") for line in features["pro"].splitlines())


def test_the_portal_migration_rewrites_only_the_lists_nobody_edited(db):
    migration = importlib.import_module("siteconf.tenancy.migrations.0009_plan_features_portal")
    editor = SimpleNamespace(connection=connection)
    Plan.objects.filter(slug="pro").update(features=migration.BEFORE["pro"])
    Plan.objects.filter(slug="starter").update(features="1 room\nOur own words")

    migration.forwards(django_apps, editor)

    features = dict(Plan.objects.values_list("slug", "features"))
    assert features["pro"] == migration.AFTER["pro"]
    assert features["starter"] == "1 room\nOur own words"
    migration.backwards(django_apps, editor)
    assert Plan.objects.get(slug="pro").features == migration.BEFORE["pro"]


def test_the_documents_migration_rewrites_only_the_lists_nobody_edited(db):
    migration = importlib.import_module("siteconf.tenancy.migrations.0011_plan_features_documents")
    before = importlib.import_module("siteconf.tenancy.migrations.0009_plan_features_portal")
    editor = SimpleNamespace(connection=connection)
    assert migration.BEFORE == before.AFTER  # it starts from what 0009 wrote
    Plan.objects.filter(slug="pro").update(features=migration.BEFORE["pro"])
    Plan.objects.filter(slug="enterprise").update(features=migration.BEFORE["enterprise"])
    Plan.objects.filter(slug="starter").update(features="1 room\nOur own words")

    migration.forwards(django_apps, editor)

    features = dict(Plan.objects.values_list("slug", "features"))
    assert features["pro"] == migration.AFTER["pro"]
    assert features["enterprise"] == migration.AFTER["enterprise"]
    assert features["starter"] == "1 room\nOur own words"
    migration.backwards(django_apps, editor)
    assert Plan.objects.get(slug="pro").features == migration.BEFORE["pro"]
    assert Plan.objects.get(slug="starter").features == "1 room\nOur own words"


def test_every_plan_lists_projects_and_mix_review(db):
    features = {plan.slug: "\n".join(plan.feature_list) for plan in Plan.objects.public()}

    for slug in ("starter", "pro"):
        assert "Projects, tracks, credits and split sheets" in features[slug], slug
        assert "Mixes reviewed and approved in the portal" in features[slug], slug
        assert "masters released once the invoices are paid" in features[slug], slug
    # Enterprise inherits them from Pro rather than repeating them.
    assert features["enterprise"].startswith("Everything in Pro")


def test_the_projects_migration_rewrites_only_the_lists_nobody_edited(db):
    migration = importlib.import_module("siteconf.tenancy.migrations.0012_plan_features_projects")
    before = importlib.import_module("siteconf.tenancy.migrations.0011_plan_features_documents")
    editor = SimpleNamespace(connection=connection)
    # It starts from what 0011 wrote, and leaves Enterprise's "Everything in Pro" alone.
    assert {slug: before.AFTER[slug] for slug in ("starter", "pro")} == migration.BEFORE
    Plan.objects.filter(slug="pro").update(features=migration.BEFORE["pro"])
    Plan.objects.filter(slug="starter").update(features="1 room\nOur own words")
    enterprise = Plan.objects.get(slug="enterprise").features

    migration.forwards(django_apps, editor)

    features = dict(Plan.objects.values_list("slug", "features"))
    assert features["pro"] == migration.AFTER["pro"] != migration.BEFORE["pro"]
    assert features["starter"] == "1 room\nOur own words"
    assert features["enterprise"] == enterprise
    migration.backwards(django_apps, editor)
    assert Plan.objects.get(slug="pro").features == migration.BEFORE["pro"]
    assert Plan.objects.get(slug="starter").features == "1 room\nOur own words"


def _claimed_today(html: str) -> set[str]:
    """The built features a page describes outside any "Coming soon" heading."""
    found = set()
    for block in _blocks(html):
        if any(COMING.search(heading) for heading in block.headings):
            continue
        found |= {name for name, built in SHIPPED.items() if built.search(block.text)}
    return found


def test_the_features_page_describes_what_is_built_as_working_today(site_content, platform_client):
    html = platform_client.get("/features/").content.decode()

    assert {
        "projects, tracks and credits",
        "audio versions and review",
        "custom domains",
        "the audit trail export",
        "the platform billing studios by card",
    } <= _claimed_today(html)
    # What the "Coming soon" section held is built: the section is gone, not left empty.
    assert "Coming soon" not in html
    for link in ("/help/use-your-own-domain/", "/help/export-the-audit-trail/"):
        assert f'href="{link}"' in html, link

    page = platform_client.get("/features/projects-and-mix-review/")
    assert page.status_code == 200
    assert {"projects, tracks and credits", "audio versions and review"} <= _claimed_today(
        page.content.decode()
    )


def test_the_help_centre_explains_projects_mixes_and_masters(site_content, platform_client):
    response = platform_client.get("/help/projects-mixes-and-masters/")

    html = response.content.decode()
    assert response.status_code == 200
    for term in ("WAV", "AIFF", "FLAC", "MP3", "OGG", "LUFS", "split sheet", "retention"):
        assert term in html, term
    assert "For your artists" in html  # the portal half, for the clients
    assert "coming" not in html.lower()


def test_the_studio_page_says_what_it_is_today(site_content, studio_a, client_a):
    with schema_context(studio_a.schema_name):
        StudioSettings.objects.update(email="desk@studio-a.example", phone="+33 1 23 45 67 89")

    response = client_a.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "desk@studio-a.example" in html and "+33 1 23 45 67 89" in html
    assert "Book a session" in html and "Staff sign-in" in html
    assert "coming" not in html.lower()
    assert unmarked_claims(html) == [] and built_called_coming(html) == []


@pytest.mark.parametrize("kind", sorted(DEFAULTS))
def test_the_default_e_mails_to_clients_claim_nothing_unbuilt(kind):
    subject, body = DEFAULTS[kind]

    text = f"<p>{subject}</p><p>{body}</p>"
    assert unmarked_claims(text) == [] and built_called_coming(text) == []


def test_the_owner_welcome_e_mail_claims_nothing_unbuilt(studio_a):
    with schema_context(studio_a.schema_name):
        owner_id = User.objects.get(email=STUDIO_A.owner_email).pk

    owner_welcome_send(studio_a.schema_name, owner_id)

    (message,) = mail.outbox
    assert studio_a.url_for("/") in message.body
    assert unmarked_claims(f"<p>{message.body}</p>") == []
    assert built_called_coming(f"<p>{message.body}</p>") == []


def test_the_plans_list_custom_domains_and_audit_export_only_where_they_are_included(db):
    plans = list(Plan.objects.public())
    enterprise = next(plan for plan in plans if plan.slug == "enterprise")

    assert "Custom domains, verified by DNS" in enterprise.feature_list
    assert "Audit-log export (CSV)" in enterprise.feature_list
    assert not any(line.startswith("Coming soon") for line in enterprise.feature_list)
    # A list may name a plan feature only if the plan's flag really gives it.
    for plan in plans:
        text = "\n".join(plan.feature_list)
        if SHIPPED["custom domains"].search(text):
            assert plan.custom_domains, plan.slug
        if SHIPPED["the audit trail export"].search(text):
            assert plan.audit_export, plan.slug


def test_the_billing_migration_rewrites_only_the_list_nobody_edited(db):
    migration = importlib.import_module("siteconf.tenancy.migrations.0015_plan_features_billing")
    before = importlib.import_module("siteconf.tenancy.migrations.0011_plan_features_documents")
    editor = SimpleNamespace(connection=connection)
    # It starts from what 0011 wrote for Enterprise (0012 left that list alone).
    assert {"enterprise": before.AFTER["enterprise"]} == migration.BEFORE
    Plan.objects.filter(slug="enterprise").update(features=migration.BEFORE["enterprise"])
    Plan.objects.filter(slug="pro").update(features="Unlimited rooms\nOur own words")
    starter = Plan.objects.get(slug="starter").features

    migration.forwards(django_apps, editor)

    features = dict(Plan.objects.values_list("slug", "features"))
    assert features["enterprise"] == migration.AFTER["enterprise"] != migration.BEFORE["enterprise"]
    assert features["pro"] == "Unlimited rooms\nOur own words"
    assert features["starter"] == starter
    migration.backwards(django_apps, editor)
    assert Plan.objects.get(slug="enterprise").features == migration.BEFORE["enterprise"]
    Plan.objects.filter(slug="enterprise").update(features="Everything in Pro\nEdited")
    migration.forwards(django_apps, editor)
    assert Plan.objects.get(slug="enterprise").features == "Everything in Pro\nEdited"


TEMPLATES = Path(__file__).resolve().parents[2] / "studio" / "templates" / "studio" / "admin"


def _screen(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _bold(html: str) -> set[str]:
    return {_squash(re.sub(r"<[^>]+>", "", label)) for label in re.findall(r"<b>(.*?)</b>", html)}


def test_the_subscription_article_names_the_buttons_the_page_shows(site_content, platform_client):
    response = platform_client.get("/help/your-subscription/")

    html = response.content.decode()
    assert response.status_code == 200
    screen = _screen("subscription.html")
    for label in (
        "Monthly",
        "Yearly",
        "Change plan",
        "Cancel at the end of the period",
        "Resume the subscription",
        "Cards and invoices on Stripe",
    ):
        assert f"<b>{label}</b>" in html, label
        assert label in screen, label
    # The plan-fit refusal it quotes is the one the service writes.
    assert "Deactivate 2 rooms first." in html
    assert "Deactivate {_plural(extra, 'room', 'rooms')} first." in _source("plan_limits")
    for term in ("Settings → Subscription", "read-only", "Nothing is deleted", "grace period"):
        assert term in html, term
    assert "coming" not in html.lower()


def test_the_domain_article_gives_the_records_the_page_asks_for(site_content, platform_client):
    from siteconf.tenancy.billing import CustomDomain, _token

    response = platform_client.get("/help/use-your-own-domain/")

    html = response.content.decode()
    assert response.status_code == 200
    assert CustomDomain(hostname="book.yourstudio.com").txt_name in html
    assert _token().split("=")[0] + "=" in html  # the token's visible start
    for record in ("TXT", "CNAME"):
        assert f"<b>{record}</b>" in html
    screen = _screen("custom_domains.html")
    for label in ("Add domain", "Check now", "Remove…", "Copy"):
        assert label in _bold(html), label
        assert label in screen, label
    assert "Verified — served" in html and "Verified — served" in _source("custom_domains_admin")
    for term in ("Settings → Custom domains", "an hour", "Enterprise"):
        assert term in html, term


def test_the_audit_export_article_names_the_button_the_trail_shows(site_content, platform_client):
    response = platform_client.get("/help/export-the-audit-trail/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<b>Export CSV</b>" in html and "Export CSV" in _screen("audit_export_bar.html")
    assert "Enterprise" in html and "Settings → Audit trail" in html
    roles = platform_client.get("/help/roles-who-sees-what/").content.decode()
    assert 'href="/help/export-the-audit-trail/"' in roles


def test_the_pricing_page_answers_the_billing_questions(site_content, platform_client):
    html = platform_client.get("/pricing/").content.decode()

    for question in (
        "How does the free trial work?",
        "Can I pay yearly?",
        "Can I cancel at any time?",
        "What happens if a payment fails?",
    ):
        assert question in html, question
    assert "never delete" in html and "read-only" in html


def _source(name: str) -> str:
    root = Path(__file__).resolve().parents[2]
    path = {
        "plan_limits": root / "studio" / "services" / "plan_limits.py",
        "custom_domains_admin": root / "studio" / "admin" / "custom_domains.py",
    }[name]
    return path.read_text(encoding="utf-8")
