"""The marketing site's models (app label `cms`), one module per content area."""

from cms.models.blog import BlogIndexPage, BlogPostPage
from cms.models.contact import ContactFormField, ContactPage
from cms.models.content import ContentPage, SearchPage, SignInPage
from cms.models.faq import FaqPage
from cms.models.help import HelpArticlePage, HelpCategory, HelpIndexPage
from cms.models.home import HomePage
from cms.models.pricing import PricingPage
from cms.models.snippets import FaqEntry, FaqTopic, FooterColumn, FooterLink, Testimonial

__all__ = [
    "BlogIndexPage",
    "BlogPostPage",
    "ContactFormField",
    "ContactPage",
    "ContentPage",
    "FaqEntry",
    "FaqPage",
    "FaqTopic",
    "FooterColumn",
    "FooterLink",
    "HelpArticlePage",
    "HelpCategory",
    "HelpIndexPage",
    "HomePage",
    "PricingPage",
    "SearchPage",
    "SignInPage",
    "Testimonial",
]
