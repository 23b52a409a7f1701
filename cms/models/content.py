"""Generic pages: feature pages, legal pages, and the small utility pages (sign in, search)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponseRedirect
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock

SEARCH_PAGE_SIZE = 10
SIGN_IN_NOT_FOUND = (
    "We could not find a studio at “{studio}”. Check the address in your welcome e-mail: "
    "it is the first part of your back-office link."
)


class ContentPage(Page):
    """Any page an editor composes from blocks. Its live children are listed as cards below the
    body, so a parent like /features/ or /legal/ needs no code of its own."""

    intro = models.TextField(blank=True, help_text="The lead paragraph under the title.")
    header_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Optional: a screenshot shown in the page header.",
    )
    updated_on = models.DateField(
        null=True, blank=True, help_text="Shown as “Last updated” (legal pages)."
    )
    narrow = models.BooleanField(
        default=False, help_text="A single reading column (legal pages and long text)."
    )
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("header_image"),
        FieldPanel("updated_on"),
        FieldPanel("narrow"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro", boost=2),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = ["cms.ContentPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["child_pages"] = self.get_children().live().public().specific()
        return context


class SignInPage(Page):
    """Studios sign in on their own address; this page takes a studio's name and sends the
    person there, so "Sign in" in the header works for every studio."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    def serve(self, request, *args, **kwargs):
        # cms.selectors imports the page models: importing it at the top would be circular.
        from cms.selectors import studio_sign_in_url

        given = request.GET.get("studio", "").strip()
        if given:
            url = studio_sign_in_url(given)
            if url:
                return HttpResponseRedirect(url)
            kwargs["error"] = SIGN_IN_NOT_FOUND.format(studio=given[:60])
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, error: str = "", **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["studio"] = request.GET.get("studio", "")[:60]
        context["error"] = error
        context["platform_domain"] = settings.PLATFORM_DOMAIN
        return context


class SearchPage(Page):
    """Site-wide search over every live page, at /search/."""

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    search_fields = [*Page.search_fields]

    def get_context(self, request, *args, **kwargs):
        # cms.selectors imports the page models: importing it at the top would be circular.
        from cms.selectors import page_search

        context = super().get_context(request, *args, **kwargs)
        query = request.GET.get("q", "").strip()[:200]
        results = page_search(query) if query else []
        paginator = Paginator(results, SEARCH_PAGE_SIZE)
        context["query"] = query
        context["results"] = paginator.get_page(request.GET.get("page"))
        return context
