"""Template tags of the public site: the footer from FooterLink snippets, the header's nav."""

from __future__ import annotations

from django import template
from django.db import connection

from cms.links import link_safe
from cms.selectors import footer_columns

register = template.Library()

# The header's links. Fixed paths rather than a page query: pages outside Wagtail (sign-up,
# demo) use the same header.
NAV_LINKS = (
    ("Features", "/features/"),
    ("Pricing", "/pricing/"),
    ("Help", "/help/"),
    ("Blog", "/blog/"),
    ("Contact", "/contact/"),
)


@register.filter
def safe_link(value):
    """An editor's link address, or "" when it is not one a browser should follow."""
    return link_safe(value)


@register.inclusion_tag("cms/tags/footer_links.html")
def footer_links():
    # A studio's domain shares this base template (the client portal); the platform's
    # marketing links belong on the platform's own pages only.
    on_platform = connection.schema_name == "public"
    return {"columns": footer_columns() if on_platform else []}


@register.inclusion_tag("cms/tags/site_nav.html", takes_context=True)
def site_nav(context):
    request = context.get("request")
    path = request.path if request is not None else ""
    return {
        "links": [(label, url, path.startswith(url)) for label, url in NAV_LINKS],
    }
