"""The pricing page: the copy is edited here, the plans come from the Plans table."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock


class PricingPage(Page):
    """Plan cards and the limits comparison are read from `Plan.objects.public()` on every
    request: a price changed in the platform admin shows here at once, nothing is copied."""

    intro = models.TextField(blank=True)
    comparison_heading = models.CharField(max_length=120, default="Compare the plans")
    body = StreamField(BodyBlock(), blank=True, help_text="Shown below the plans: FAQ, CTA…")

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("comparison_heading"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro", boost=2),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        # cms.selectors imports the page models: importing it at the top would be circular.
        from cms.selectors import plan_cards, plan_comparison

        context = super().get_context(request, *args, **kwargs)
        plans = plan_cards()
        context["plans"] = plans
        context["comparison"] = plan_comparison(plans)
        return context
