"""Snippets: reusable content edited once and shown on many pages (Snippets menu in the CMS)."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from cms.links import link_validator


class Testimonial(index.Indexed, models.Model):
    quote = models.TextField(max_length=600)
    name = models.CharField(max_length=80)
    role = models.CharField(
        "studio / role", max_length=120, help_text="e.g. Owner, Northside Sound (Leeds)"
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A square portrait works best.",
    )

    panels = [FieldPanel("quote"), FieldPanel("name"), FieldPanel("role"), FieldPanel("image")]
    search_fields = [
        index.SearchField("quote"),
        index.SearchField("name"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} — {self.role}"

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in self.name.split()[:2]).upper()


class FaqTopic(models.TextChoices):
    GENERAL = "general", "The product"
    TRIAL = "trial", "Trial, plans and billing"
    DATA = "data", "Your data and security"
    MOVING = "moving", "Moving in"
    PORTAL = "portal", "Your clients"


class FaqEntry(index.Indexed, models.Model):
    question = models.CharField(max_length=200)
    answer = RichTextField(features=["bold", "italic", "link", "ul", "ol", "code"])
    topic = models.CharField(max_length=20, choices=FaqTopic.choices, default=FaqTopic.GENERAL)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first in its topic.")

    panels = [
        FieldPanel("question"),
        FieldPanel("answer"),
        FieldPanel("topic"),
        FieldPanel("order"),
    ]
    search_fields = [
        index.SearchField("question", boost=2),
        index.SearchField("answer"),
        index.AutocompleteField("question"),
        index.FilterField("topic"),
    ]

    class Meta:
        ordering = ["topic", "order", "question"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self) -> str:
        return self.question


class FooterColumn(models.TextChoices):
    PRODUCT = "product", "Product"
    RESOURCES = "resources", "Resources"
    COMPANY = "company", "Company"
    LEGAL = "legal", "Legal"


class FooterLink(models.Model):
    label = models.CharField(max_length=60)
    url = models.CharField(
        max_length=200,
        help_text="A path like /pricing/ or a full URL.",
        validators=[link_validator],
    )
    column = models.CharField(max_length=20, choices=FooterColumn.choices)
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower comes first in its column."
    )

    panels = [FieldPanel("label"), FieldPanel("url"), FieldPanel("column"), FieldPanel("order")]

    class Meta:
        ordering = ["column", "order", "label"]

    def __str__(self) -> str:
        return f"{self.get_column_display()}: {self.label}"
