"""CMS admin wiring: the marketing snippets, grouped in one menu."""

from __future__ import annotations

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.models import FaqEntry, FooterLink, Testimonial


class TestimonialViewSet(SnippetViewSet):
    model = Testimonial
    icon = "openquote"
    menu_label = "Testimonials"
    list_display = ["name", "role"]
    search_fields = ["name", "role", "quote"]


class FaqEntryViewSet(SnippetViewSet):
    model = FaqEntry
    icon = "help"
    menu_label = "FAQ"
    list_display = ["question", "topic", "order"]
    list_filter = ["topic"]
    search_fields = ["question"]
    ordering = ["topic", "order"]


class FooterLinkViewSet(SnippetViewSet):
    model = FooterLink
    icon = "link"
    menu_label = "Footer links"
    list_display = ["label", "url", "column", "order"]
    list_filter = ["column"]
    ordering = ["column", "order"]


class MarketingSnippets(SnippetViewSetGroup):
    items = (TestimonialViewSet, FaqEntryViewSet, FooterLinkViewSet)
    menu_icon = "globe"
    menu_label = "Site content"
    menu_name = "site-content"


register_snippet(MarketingSnippets)
