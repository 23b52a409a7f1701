"""The help centre: an index with search, and articles filed under a category."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import ArticleBlock

HELP_RESULTS_MAX = 30


class HelpCategory(models.TextChoices):
    # The order here is the order of the sections on the help index.
    GETTING_STARTED = "getting-started", "Getting started"
    CALENDAR = "calendar", "Calendar, rooms and sessions"
    CLIENTS = "clients", "Clients and contracts"
    MONEY = "money", "Quotes, invoices and payments"
    IMPORTING = "importing", "Importing your data"
    PORTAL = "portal", "Client portal"
    TEAM = "team", "Team and settings"


class HelpIndexPage(Page):
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.HelpArticlePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        # cms.selectors imports the page models: importing it at the top would be circular.
        from cms.selectors import help_articles_by_category, help_articles_search

        context = super().get_context(request, *args, **kwargs)
        query = request.GET.get("q", "").strip()[:200]
        context["query"] = query
        if query:
            context["results"] = help_articles_search(query, limit=HELP_RESULTS_MAX)
        else:
            context["categories"] = help_articles_by_category(self)
        return context


class HelpArticlePage(Page):
    category = models.CharField(
        max_length=20, choices=HelpCategory.choices, default=HelpCategory.GETTING_STARTED
    )
    summary = models.TextField(
        max_length=300, help_text="One or two sentences: shown in lists and search results."
    )
    body = StreamField(ArticleBlock())

    content_panels = [
        *Page.content_panels,
        FieldPanel("category"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.AutocompleteField("title"),
        index.FilterField("category"),
    ]
    parent_page_types = ["cms.HelpIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "help article"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related"] = (
            HelpArticlePage.objects.live()
            .public()
            .filter(category=self.category)
            .exclude(pk=self.pk)
            .order_by("path")
        )
        context["help_index"] = self.get_parent()
        return context
