"""The help centre: articles grouped by category, and a search box over them."""

from __future__ import annotations

import pytest

from cms.models import HelpArticlePage
from cms.selectors import help_articles_search

pytestmark = pytest.mark.django_db


def test_the_index_lists_articles_grouped_by_category(site_content, platform_client):
    response = platform_client.get("/help/")

    html = response.content.decode()
    assert response.status_code == 200
    sections = response.context["categories"]
    assert [section.label for section in sections][:2] == [
        "Getting started",
        "Calendar, rooms and sessions",
    ]
    assert sum(len(section.articles) for section in sections) >= 8
    assert html.index("Getting started") < html.index("Your first five minutes")
    assert html.index("Importing your data") < html.index("Import clients from a spreadsheet")


def test_searching_finds_the_matching_articles(site_content, platform_client):
    response = platform_client.get("/help/", {"q": "reminder"})

    titles = [article.title for article in response.context["results"]]
    assert "Set reminder steps for overdue invoices" in titles
    assert "Book your first session in the calendar" not in titles
    assert b"Set reminder steps for overdue invoices" in response.content


def test_searching_reads_the_article_bodies_too(site_content):
    # "semicolons" appears only in the body of the import article.
    titles = [article.title for article in help_articles_search("semicolons", limit=10)]

    assert titles == ["Import clients from a spreadsheet"]


def test_a_search_without_results_says_so(site_content, platform_client):
    response = platform_client.get("/help/", {"q": "theremin"})

    assert response.status_code == 200
    assert list(response.context["results"]) == []
    assert "Nothing matched “theremin”" in response.content.decode()


def test_an_unpublished_article_is_not_in_the_results(site_content):
    article = HelpArticlePage.objects.get(slug="set-reminder-steps-for-overdue-invoices")
    article.unpublish()

    titles = [a.title for a in help_articles_search("reminder", limit=10)]

    assert article.title not in titles


def test_an_article_links_to_others_in_its_category(site_content, platform_client):
    response = platform_client.get("/help/issue-an-invoice-and-record-a-payment/")

    related = [article.title for article in response.context["related"]]
    assert "From quote to invoice" in related
    assert "Issue an invoice and record a payment" not in related
