import importlib
import json
import os
import platform
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from siteconf.bench import (
    availability,
    backoffice,
    calendar,
    imports,
    money,
    portal,
    stripe,
    tenancy,
)


def _module(name: str):
    return importlib.import_module(f"siteconf.bench.{name}")


BENCHES = {
    "provisioning": lambda opts, progress: tenancy.bench_provisioning(
        count=opts["count"], progress=progress
    ),
    "signup": lambda opts, progress: tenancy.bench_signup(count=opts["count"], progress=progress),
    "resolve": lambda opts, progress: tenancy.bench_tenant_resolve(
        requests=opts["requests"], progress=progress
    ),
    "race": lambda opts, progress: backoffice.bench_booking_race(
        racers=opts["racers"], progress=progress
    ),
    "backoffice": lambda opts, progress: backoffice.bench_backoffice(
        clients=opts["clients"], sessions=opts["sessions"], repeat=opts["repeat"], progress=progress
    ),
    "import": lambda opts, progress: imports.bench_import(rows=opts["rows"], progress=progress),
    "pdf": lambda opts, progress: money.bench_pdf(progress=progress),
    "calendar_weight": lambda opts, progress: calendar.bench_calendar_weight(progress=progress),
    "invoice_race": lambda opts, progress: money.bench_issue_race(
        racers=opts["issuers"], progress=progress
    ),
    "portal_book": lambda opts, progress: portal.bench_portal_book(
        sessions=opts["sessions"], repeat=opts["repeat"] * 4, progress=progress
    ),
    "portal_race": lambda opts, progress: portal.bench_portal_race(
        racers=opts["racers"], progress=progress
    ),
    "webhooks": lambda opts, progress: stripe.bench_webhooks(progress=progress),
    "availability": lambda opts, progress: availability.bench_portal_availability(
        sessions=opts["sessions"], repeat=opts["repeat"], progress=progress
    ),
    # Projects and audio (imported when run: they pull in numpy and the audio libraries).
    "audio": lambda opts, progress: _module("audio").bench_audio(progress=progress),
    "audio_upload": lambda opts, progress: _module("audio").bench_audio_upload(progress=progress),
    "project_board": lambda opts, progress: _module("board").bench_project_board(
        repeat=opts["repeat"], progress=progress
    ),
    "player": lambda opts, progress: _module("player").bench_player_page(
        repeat=opts["repeat"], progress=progress
    ),
    "billing_lifecycle": lambda opts, progress: _module("billing").bench_billing_lifecycle(
        progress=progress
    ),
    "platform_dashboard": lambda opts, progress: _module("platform").bench_platform_dashboard(
        repeat=opts["repeat"], progress=progress
    ),
}


class Command(BaseCommand):
    help = "Measure the platform's performance figures and print them as a table."

    def add_arguments(self, parser):
        parser.add_argument("--json", dest="json_path", help="Also write the figures to this file.")
        parser.add_argument(
            "--only", default=",".join(BENCHES), help=f"Comma-separated subset of {list(BENCHES)}."
        )
        parser.add_argument("--count", type=int, default=20, help="Studios per provisioning run.")
        parser.add_argument("--requests", type=int, default=20_000)
        parser.add_argument("--racers", type=int, default=50, help="Concurrent bookings.")
        parser.add_argument("--clients", type=int, default=100_000)
        parser.add_argument("--sessions", type=int, default=300_000)
        parser.add_argument("--repeat", type=int, default=30, help="Requests per page.")
        parser.add_argument("--issuers", type=int, default=20, help="Concurrent invoice issues.")
        parser.add_argument("--rows", type=int, default=100_000, help="Client rows to import.")

    def handle(self, *args, **opts):
        selected = [name.strip() for name in opts["only"].split(",") if name.strip()]
        unknown = sorted(set(selected) - set(BENCHES))
        if unknown:
            self.stderr.write(f"Unknown benchmark(s): {', '.join(unknown)}")
            raise SystemExit(2)

        figures: dict[str, float] = {}
        for name in selected:
            self.stdout.write(f"Running {name} ...")
            started = time.perf_counter()
            figures.update(BENCHES[name](opts, lambda line: self.stdout.write(line)))
            self.stdout.write(f"  ({time.perf_counter() - started:.1f} s)")

        width = max(len(key) for key in figures)
        self.stdout.write("\n" + "metric".ljust(width) + "  value")
        self.stdout.write("-" * (width + 12))
        for key, value in figures.items():
            self.stdout.write(f"{key.ljust(width)}  {value}")

        if opts["json_path"]:
            report = {
                "measured_at": timezone.now().isoformat(),
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "figures": figures,
            }
            Path(opts["json_path"]).write_text(json.dumps(report, indent=2) + "\n")
            self.stdout.write(f"\nWrote {opts['json_path']}")
