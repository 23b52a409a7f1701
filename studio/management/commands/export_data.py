from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context
from import_export.formats.base_formats import CSV, JSON, XLSX

from studio.management.commands._studio import model_choices, studio_for
from studio.resources import resource_for
from studio.resources.export import export_file

FORMATS = {"csv": CSV, "xlsx": XLSX, "json": JSON}


class Command(BaseCommand):
    help = (
        "Export one studio's data as CSV, XLSX or JSON, in the columns the import reads back. "
        "CSV and XLSX cells that a spreadsheet would run as formulas are neutralised."
    )

    def add_arguments(self, parser):
        parser.add_argument("--studio", required=True, help="The studio's slug (sub-domain).")
        parser.add_argument("--model", required=True, choices=model_choices())
        parser.add_argument("--format", default="csv", choices=list(FORMATS))
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, **opts):
        studio = studio_for(opts["studio"])
        file_format = FORMATS[opts["format"]]()
        with schema_context(studio.schema_name):
            dataset = resource_for(opts["model"])().export()
        data = export_file(dataset, file_format)
        if opts["output"]:
            mode = "wb" if isinstance(data, bytes) else "w"
            with Path(opts["output"]).open(
                mode, **({} if mode == "wb" else {"encoding": "utf-8"})
            ) as out:
                out.write(data)
            self.stderr.write(f"{studio.name}: {len(dataset)} rows written to {opts['output']}")
        elif isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            self.stdout.write(data, ending="")
