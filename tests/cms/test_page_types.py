"""Every page type: where it may be created, that it renders on the platform domain, and that
Wagtail search finds it."""

from __future__ import annotations

from datetime import date

import pytest
from wagtail.models import Page

from cms.models import (
    BlogIndexPage,
    BlogPostPage,
    ContactFormField,
    ContactPage,
    ContentPage,
    FaqPage,
    HelpArticlePage,
    HelpIndexPage,
    HomePage,
    PricingPage,
    SearchPage,
    SignInPage,
)
from tests.cms.conftest import publish, url_of

pytestmark = pytest.mark.django_db

SECTIONS = [
    ContentPage,
    PricingPage,
    HelpIndexPage,
    FaqPage,
    BlogIndexPage,
    ContactPage,
    SignInPage,
    SearchPage,
]
SINGLETONS = [PricingPage, HelpIndexPage, FaqPage, BlogIndexPage, ContactPage, SignInPage]


def _text(html: str) -> list[dict]:
    return [{"type": "text", "value": html}]


@pytest.fixture
def pages(home) -> dict[str, Page]:
    """One page of each type, with a word in a type-specific field for search."""
    pages: dict[str, Page] = {"home": home}
    pages["content"] = publish(
        home,
        ContentPage(
            title="Mastering services",
            slug="mastering",
            intro="Stem mastering with a quokka-approved chain.",
            body=_text("<p>Analog and digital.</p>"),
        ),
    )
    pages["pricing"] = publish(
        home, PricingPage(title="Plans", slug="plans", intro="Prices for every capybara.")
    )
    pages["help_index"] = publish(
        home, HelpIndexPage(title="Support", slug="support", intro="Guides for the narwhal.")
    )
    pages["help_article"] = publish(
        pages["help_index"],
        HelpArticlePage(
            title="Loop recording",
            slug="loop-recording",
            category="calendar",
            summary="Record takes in a loop.",
            body=_text("<p>Punch in with the axolotl shortcut.</p>"),
        ),
    )
    pages["faq"] = publish(home, FaqPage(title="Questions", slug="questions", intro="Pangolin."))
    pages["blog_index"] = publish(
        home, BlogIndexPage(title="News", slug="news", intro="Dispatches from the wombat.")
    )
    pages["blog_post"] = publish(
        pages["blog_index"],
        BlogPostPage(
            title="A new room",
            slug="a-new-room",
            date=date(2026, 11, 1),
            intro="Our new ocelot booth.",
            body=_text("<p>Built in a week.</p>"),
        ),
    )
    contact = ContactPage(title="Write to us", slug="write", intro="<p>The platypus desk.</p>")
    contact.form_fields = [ContactFormField(label="E-mail", field_type="email", required=True)]
    pages["contact"] = publish(home, contact)
    pages["sign_in"] = publish(
        home, SignInPage(title="Log in", slug="log-in", intro="Find your meerkat studio.")
    )
    pages["search"] = publish(home, SearchPage(title="Find", slug="find"))
    return pages


@pytest.mark.parametrize("model", SECTIONS)
def test_each_section_page_can_be_created_under_the_home_page(model, home):
    assert model.can_create_at(home)
    assert HomePage in model.allowed_parent_page_models()


@pytest.mark.parametrize("model", [*SINGLETONS, HomePage])
def test_singletons_can_be_created_only_once(model, pages):
    assert model.max_count == 1
    assert not model.can_create_at(pages["home"])


def test_help_articles_and_blog_posts_live_only_under_their_index(pages):
    assert HelpArticlePage.allowed_parent_page_models() == [HelpIndexPage]
    assert BlogPostPage.allowed_parent_page_models() == [BlogIndexPage]
    assert HelpArticlePage.can_create_at(pages["help_index"])
    assert not HelpArticlePage.can_create_at(pages["home"])
    assert not HelpArticlePage.can_create_at(pages["blog_index"])
    assert BlogPostPage.can_create_at(pages["blog_index"])
    assert not BlogPostPage.can_create_at(pages["content"])


def test_content_pages_nest_but_leaf_pages_take_no_children(pages):
    assert ContentPage.can_create_at(pages["content"])
    for leaf in ("help_article", "blog_post", "pricing", "faq", "contact", "sign_in", "search"):
        assert pages[leaf].specific_class.allowed_subpage_models() == [], leaf


def test_the_home_page_only_sits_at_the_root(home):
    assert HomePage.allowed_parent_page_models() == [Page]
    assert not HomePage.can_create_at(Page.get_first_root_node())  # max_count reached


@pytest.mark.parametrize(
    "key",
    [
        "home",
        "content",
        "pricing",
        "help_index",
        "help_article",
        "faq",
        "blog_index",
        "blog_post",
        "contact",
        "sign_in",
        "search",
    ],
)
def test_each_page_type_renders_on_the_platform_domain(key, pages, platform_client):
    page = pages[key]

    response = platform_client.get(url_of(page))

    assert response.status_code == 200
    assert page.title.encode() in response.content or key == "home"
    assert b'href="/pricing/"' in response.content  # the shared header


@pytest.mark.parametrize(
    ("key", "word"),
    [
        ("home", "spreadsheets"),
        ("content", "quokka"),
        ("pricing", "capybara"),
        ("help_index", "narwhal"),
        ("help_article", "axolotl"),
        ("faq", "pangolin"),
        ("blog_index", "wombat"),
        ("blog_post", "ocelot"),
        ("contact", "platypus"),
        ("sign_in", "meerkat"),
        ("search", "find"),
    ],
)
def test_each_page_type_is_found_by_wagtail_search(key, word, pages):
    page = pages[key]
    model = page.specific_class

    results = list(model.objects.live().search(word))

    assert page.pk in [result.pk for result in results]


def test_the_site_search_page_lists_matching_pages(pages, platform_client):
    response = platform_client.get(url_of(pages["search"]), {"q": "axolotl"})

    assert response.status_code == 200
    assert b"Loop recording" in response.content
    assert b"A new room" not in response.content


def test_an_unpublished_page_is_not_served_nor_found(pages, platform_client):
    article = pages["help_article"]
    article.unpublish()

    assert platform_client.get("/support/loop-recording/").status_code == 404
    assert not HelpArticlePage.objects.live().search("axolotl")
