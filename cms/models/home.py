"""The landing page, the root of the marketing site's tree."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.links import link_validator


class HomePage(Page):
    """The platform's landing page: a dark hero, then blocks the editors arrange."""

    hero_eyebrow = models.CharField(max_length=80, blank=True)
    hero_title = models.CharField(max_length=160)
    hero_text = models.TextField(blank=True)
    primary_button_label = models.CharField(max_length=40, blank=True)
    primary_button_url = models.CharField(max_length=200, blank=True, validators=[link_validator])
    secondary_button_label = models.CharField(max_length=40, blank=True)
    secondary_button_url = models.CharField(max_length=200, blank=True, validators=[link_validator])
    hero_note = models.CharField(
        max_length=120,
        blank=True,
        help_text="Small print under the buttons, e.g. “No card needed”.",
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A wide product screenshot (16:10 looks best).",
    )
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_eyebrow"),
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("primary_button_label"),
                FieldPanel("primary_button_url"),
                FieldPanel("secondary_button_label"),
                FieldPanel("secondary_button_url"),
                FieldPanel("hero_note"),
                FieldPanel("hero_image"),
            ],
            heading="Hero",
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_title"),
        index.SearchField("hero_text"),
        index.SearchField("body"),
    ]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.ContentPage",
        "cms.PricingPage",
        "cms.HelpIndexPage",
        "cms.FaqPage",
        "cms.BlogIndexPage",
        "cms.ContactPage",
        "cms.SignInPage",
        "cms.SearchPage",
    ]
