"""News and articles."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import ArticleBlock

POSTS_PER_PAGE = 9


class BlogIndexPage(Page):
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.BlogPostPage"]
    max_count = 1

    def posts(self):
        return (
            BlogPostPage.objects.live()
            .public()
            .descendant_of(self)
            .select_related("image")
            .order_by("-date", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["posts"] = Paginator(self.posts(), POSTS_PER_PAGE).get_page(request.GET.get("page"))
        return context


class BlogPostPage(Page):
    date = models.DateField("post date", default=timezone.localdate)
    author = models.CharField(max_length=80, blank=True)
    intro = models.TextField(max_length=400, help_text="Shown on the blog index and in search.")
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Optional cover image (wide, 16:9).",
    )
    body = StreamField(ArticleBlock())

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("author"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro", boost=2),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.BlogIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "blog post"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["more_posts"] = (
            BlogPostPage.objects.live().public().exclude(pk=self.pk).order_by("-date")[:2]
        )
        return context
