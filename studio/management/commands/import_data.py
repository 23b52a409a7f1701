from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from studio.management.commands._studio import model_choices, studio_for
from studio.services.errors import StudioError
from studio.services.imports import import_file


class Command(BaseCommand):
    help = (
        "Import a CSV or XLSX file into one studio, with the same checks and report as the "
        "admin's import page. All rows or none, unless --skip-invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--studio", required=True, help="The studio's slug (sub-domain).")
        parser.add_argument("--model", required=True, choices=model_choices())
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows even if some rows are invalid.",
        )

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        studio = studio_for(opts["studio"])
        show = opts["verbosity"] > 0 and sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if show:
                sys.stderr.write(f"\r  checked {done:,} of {total:,} rows")
                sys.stderr.flush()

        with schema_context(studio.schema_name):
            try:
                report = import_file(
                    resource_key=opts["model"],
                    data=path.read_bytes(),
                    filename=path.name,
                    dry_run=opts["dry_run"],
                    skip_invalid=opts["skip_invalid"],
                    progress=progress,
                )
            except StudioError as exc:
                raise CommandError(exc.message) from None
        if show:
            sys.stderr.write("\n")
        self.stdout.write(f"{studio.name}: " + report.as_text())
        refused = bool(report.file_errors) or (
            report.counts["invalid"] and not (opts["skip_invalid"] and report.committed)
        )
        if refused:
            raise SystemExit(1)
