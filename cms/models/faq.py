"""The FAQ page: every FaqEntry snippet, grouped by topic."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index


class FaqPage(Page):
    intro = models.TextField(blank=True)
    closing_text = models.CharField(
        max_length=200,
        blank=True,
        help_text="Under the questions, e.g. “Still stuck? Write to us.” (links to contact).",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("closing_text")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = "FAQ page"

    def get_context(self, request, *args, **kwargs):
        # cms.selectors imports the page models: importing it at the top would be circular.
        from cms.selectors import faq_by_topic

        context = super().get_context(request, *args, **kwargs)
        context["topics"] = faq_by_topic()
        return context
