import getpass

from django.core.management.base import BaseCommand, CommandError

from siteconf.tenancy.services.provisioning import ProvisioningError, studio_provision


class Command(BaseCommand):
    help = "Create a studio (schema cloned from the template, domain, owner account)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The studio's name, e.g. 'Studio Pro'.")
        parser.add_argument("--slug", required=True, help="Sub-domain, e.g. 'studiopro'.")
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-name", default="")
        parser.add_argument(
            "--owner-password", help="Asked for interactively when left out (never echoed)."
        )

    def handle(self, *args, **options):
        password = options["owner_password"] or getpass.getpass("Owner's password: ")
        try:
            studio = studio_provision(
                name=options["name"],
                slug=options["slug"],
                owner_email=options["owner_email"],
                owner_password=password,
                owner_name=options["owner_name"],
            )
        except ProvisioningError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created “{studio.name}” in {studio.provision_seconds:.2f} s: "
                f"{studio.url_for('/admin/')}"
            )
        )
