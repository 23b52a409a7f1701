"""The demo content: one command builds the whole site, and running it again changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Page

from cms.models import (
    BlogPostPage,
    ContactPage,
    ContentPage,
    FaqEntry,
    FaqPage,
    FooterLink,
    HelpArticlePage,
    HelpIndexPage,
    HomePage,
    PricingPage,
    snippets,
)
from cms.services import HOME_CONTENT, home_page_ensure, site_content_ensure

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "testimonials": snippets.Testimonial.objects.count(),
        "faq": FaqEntry.objects.count(),
        "footer": FooterLink.objects.count(),
        "images": get_image_model().objects.count(),
    }


def test_the_command_builds_the_whole_site(db):
    call_command("cms_seed", stdout=StringIO())

    home = HomePage.objects.get()
    assert home.get_children().live().count() >= 8
    assert HelpArticlePage.objects.live().count() >= 8
    assert BlogPostPage.objects.live().count() == 3
    assert FaqEntry.objects.count() >= 10
    assert snippets.Testimonial.objects.count() == 3
    for singleton in (PricingPage, FaqPage, ContactPage):
        assert singleton.objects.count() == 1
    assert HelpIndexPage.objects.get().url_path == "/home/help/"
    legal = ContentPage.objects.get(slug="legal")
    assert {p.slug for p in legal.get_children()} == {"terms", "privacy", "gdpr"}
    features = ContentPage.objects.get(slug="features")
    assert {page.slug for page in features.get_children()} == {
        "calendar-and-bookings",
        "money",
        "clients-and-contracts",
        "projects-and-mix-review",
    }


def test_running_the_command_twice_creates_nothing_more(db):
    call_command("cms_seed", stdout=StringIO())
    before = _counts()

    call_command("cms_seed", stdout=StringIO())

    assert _counts() == before


def test_the_home_page_has_its_hero_features_testimonials_and_call_to_action(site_content):
    home = HomePage.objects.get()
    blocks = {}
    for block in home.body:
        blocks.setdefault(block.block_type, block)

    assert home.hero_image is not None
    assert len(blocks["features"].value["features"]) >= 6
    assert [t.name for t in blocks["testimonials"].value["testimonials"]] == [
        "Maya Lindqvist",
        "Kwame Mensah",
        "Lucía Ortega",
    ]
    assert blocks["call_to_action"].value["button_url"] == "/signup/"


def test_an_existing_home_page_is_left_as_edited(home):
    home.hero_title = "Edited by marketing"
    home.save_revision().publish()

    again = home_page_ensure(content_file=HOME_CONTENT, hostname="localhost", port=80)

    assert again.pk == home.pk
    assert HomePage.objects.get().hero_title == "Edited by marketing"


def test_a_section_editors_changed_is_not_rebuilt(site_content):
    HelpArticlePage.objects.get(slug="quotes-to-invoices").delete()

    created = site_content_ensure(hostname="localhost", port=80)

    assert created == []
    assert not HelpArticlePage.objects.filter(slug="quotes-to-invoices").exists()


def test_a_missing_section_is_created_again(site_content):
    Page.objects.get(slug="faq").delete()

    created = site_content_ensure(hostname="localhost", port=80)

    assert [page.slug for page in created] == ["faq"]
