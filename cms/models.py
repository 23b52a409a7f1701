from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock


class HomePage(Page):
    """The platform's landing page: a hero, then blocks the editors arrange."""

    hero_eyebrow = models.CharField(max_length=80, blank=True)
    hero_title = models.CharField(max_length=160)
    hero_text = models.TextField(blank=True)
    primary_button_label = models.CharField(max_length=40, blank=True)
    primary_button_url = models.CharField(max_length=200, blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("hero_eyebrow"),
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("primary_button_label"),
        FieldPanel("primary_button_url"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_title"),
        index.SearchField("hero_text"),
    ]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
