from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from studio.management.commands._studio import studio_for
from studio.services.errors import StudioError
from studio.services.lockouts import lockout_release


class Command(BaseCommand):
    help = (
        "Lift a sign-in lockout in one studio (platform support, for an owner nobody else can "
        "unlock). Recorded in the studio's trail as login.unlocked, without a user."
    )

    def add_arguments(self, parser):
        parser.add_argument("--studio", required=True, help="The studio's slug (sub-domain).")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--login", help="The e-mail that is locked out.")
        who.add_argument("--address", help="The network address that is locked out.")

    def handle(self, *args, **opts):
        studio = studio_for(opts["studio"])
        with schema_context(studio.schema_name):
            try:
                cleared = lockout_release(
                    login=opts["login"] or "", address=opts["address"] or "", by=None
                )
            except StudioError as exc:
                raise CommandError(exc.message) from None
        self.stdout.write(f"{studio.name}: unlocked ({cleared} attempt records cleared).")
