from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection

from cms.services import home_page_refresh, site_content_ensure


class Command(BaseCommand):
    help = (
        "Create the marketing site's pages and snippets (home, features, pricing, help centre, "
        "FAQ, blog, legal, contact) from fixtures/cms/. Idempotent: existing sections are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh-home",
            action="store_true",
            help="Also replace the home page's hero and blocks with fixtures/home_page.json.",
        )

    def handle(self, *args, refresh_home: bool = False, **options):
        connection.set_schema_to_public()
        created = site_content_ensure()
        if refresh_home:
            home_page_refresh()
            self.stdout.write("Home page refreshed from fixtures/home_page.json.")
        if created:
            for page in created:
                self.stdout.write(f"  created {page.url_path}")
            self.stdout.write(self.style.SUCCESS(f"{len(created)} pages created."))
        else:
            self.stdout.write("The marketing site's pages already exist; nothing created.")
