"""The product never claims what is not built.

Every page of the seeded marketing site (plans, FAQ, footer and the studio's own page included)
is rendered and read sentence by sentence. A sentence that names a feature which does not exist
yet — the client portal, online card payments, projects and tracks, white-label, custom
domains, an audit trail export… — must say it is coming: the sentence itself, or a heading it
sits under ("Coming soon"), contains "coming". Questions are not claims ("Can clients pay by
card?"). When one of these features is built, drop it from UNBUILT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django_tenants.utils import schema_context
from wagtail.models import Page

from cms.models import HomePage
from siteconf.tenancy.plans import Plan
from studio.models import StudioSettings
from studio.services.mail_defaults import DEFAULTS
from studio.tasks import owner_welcome_send
from tests.cms.conftest import url_of
from tests.conftest import STUDIO_A

pytestmark = pytest.mark.django_db

# What is not built yet, and how copy names it (case-insensitive).
UNBUILT = {
    "the client portal": r"\bportal\b",
    "client accounts": r"\bclient accounts?\b",
    "online booking": r"\bonline bookings?\b|\bbook(?:s|ing)? online\b",
    "card payments online": (
        r"\bstripe\b|\bcard payments?\b|\bonline payments?\b"
        r"|\b(?:pay|pays|paid|paying)\b[^.!?]{0,40}\bby card\b"
    ),
    "e-signature": r"\be-?signatures?\b|\bsign(?:s|ed|ing)? (?:them |it )?online\b",
    "projects, tracks and credits": r"\bprojects\b|\bsplit sheets?\b|\bcredits\b",
    "audio versions and review": (
        r"\baudio versions?\b|\bcomments? on (?:the |their |your )?mix(?:es)?\b"
        r"|\bdownload(?:s|ing)? (?:the |their |your )?masters?\b"
    ),
    "white-label": r"\bwhite[- ]label",
    "custom domains": r"\b(?:custom|own) domains?\b",
    "an audit trail export": r"\baudit\b[^.!?]*\bexport|\bexport[^.!?]*\baudit\b",
}
CLAIMS = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in UNBUILT.items()}
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


def unmarked_claims(html: str) -> list[tuple[str, str]]:
    """(feature, sentence) for every sentence that names an unbuilt feature as if it existed."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    found = []
    for block in reader.blocks:
        if any(COMING.search(heading) for heading in block.headings):
            continue
        for sentence in SENTENCE_END.split(block.text):
            if COMING.search(sentence) or sentence.rstrip().endswith("?"):
                continue
            found += [(name, sentence) for name, claim in CLAIMS.items() if claim.search(sentence)]
    return found


# The check itself: it must catch a claim, and let an honest "coming" through.


@pytest.mark.parametrize(
    "html",
    [
        "<p>Clients book, pay and sign in the portal.</p>",
        "<p>Every booking is checked. Clients pay invoices by card, through Stripe.</p>",
        "<ul><li>White-label portal</li><li>Custom domain</li></ul>",
        "<section><h2>Coming soon</h2></section><section><p>Projects and split sheets.</p>",
        "<h2>Security</h2><p>Every project keeps its tracks and credits.</p>",
        "<head><meta name='description' content='Invoices and a client portal.'></head>",
        "<p>The audit trail can be filtered and exported.</p>",
    ],
)
def test_the_check_catches_a_claim_of_something_not_built(html):
    assert unmarked_claims(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>Card payments online are coming. Today you record card-terminal payments.</p>",
        "<section><h2>Coming soon</h2><div><h3>A client portal</h3><p>Book online.</p></div>",
        "<ul><li>Coming soon: white-label client portal on your own domain</li></ul>",
        "<details><summary>Can clients pay by card?</summary><p>At the desk, yes.</p></details>",
        "<p>No card needed. Every change is in the audit trail.</p>",
    ],
)
def test_the_check_lets_honest_copy_through(html):
    assert unmarked_claims(html) == []


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


def test_plans_list_unbuilt_features_only_as_coming(db):
    plans = list(Plan.objects.public())
    assert {plan.slug for plan in plans} >= {"starter", "pro", "enterprise"}

    for plan in plans:
        for feature in plan.feature_list:
            if any(claim.search(feature) for claim in CLAIMS.values()):
                assert feature.lower().startswith("coming soon"), (plan.slug, feature)


def test_the_studio_page_says_what_it_is_today(site_content, studio_a, client_a):
    with schema_context(studio_a.schema_name):
        StudioSettings.objects.update(email="desk@studio-a.example", phone="+33 1 23 45 67 89")

    response = client_a.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "desk@studio-a.example" in html and "+33 1 23 45 67 89" in html
    assert "Online booking and client accounts are coming soon" in html
    assert unmarked_claims(html) == []


@pytest.mark.parametrize("kind", sorted(DEFAULTS))
def test_the_default_e_mails_to_clients_claim_nothing_unbuilt(kind):
    subject, body = DEFAULTS[kind]

    assert unmarked_claims(f"<p>{subject}</p><p>{body}</p>") == []


def test_the_owner_welcome_e_mail_claims_nothing_unbuilt(studio_a):
    with schema_context(studio_a.schema_name):
        owner_id = User.objects.get(email=STUDIO_A.owner_email).pk

    owner_welcome_send(studio_a.schema_name, owner_id)

    (message,) = mail.outbox
    assert studio_a.url_for("/") in message.body
    assert unmarked_claims(f"<p>{message.body}</p>") == []
