"""Writes on the marketing site's pages (public schema)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from wagtail.models import Page, Site

from cms.models import HomePage


@transaction.atomic
def home_page_ensure(*, content_file: Path, hostname: str, port: int) -> HomePage:
    """Make a HomePage the default site's root (idempotent: an existing one is left as edited)."""
    existing = HomePage.objects.first()
    if existing is not None:
        return existing
    content = json.loads(content_file.read_text(encoding="utf-8"))
    # Wagtail's install creates a placeholder "Welcome" page (a plain Page) as the default site's
    # root; it holds nothing, so it is replaced (deleting it also deletes that Site row).
    Page.objects.filter(
        depth=2, content_type__app_label="wagtailcore", content_type__model="page"
    ).delete()
    root = Page.get_first_root_node()
    home = HomePage(**content)
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": hostname, "port": port, "root_page": home, "site_name": home.title},
    )
    return home
