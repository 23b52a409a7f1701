from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import schema_context

from cms.services import home_page_ensure, site_content_ensure
from siteconf.stripe_accounts import demo_account_connect
from siteconf.tenancy.demo import DEMO_STUDIOS, PLATFORM_OPERATOR
from siteconf.tenancy.demo_billing import demo_billing_ensure
from siteconf.tenancy.models import Plan, Studio
from siteconf.tenancy.services.provisioning import (
    platform_tenant_ensure,
    studio_provision,
    template_ensure,
)
from studio.demo import demo_fill
from studio.demo.visitor import demo_visitor_ensure


class Command(BaseCommand):
    help = (
        "Create the demo: three studios with owner logins and the marketing home page. Idempotent."
    )

    def handle(self, *args, **options):
        platform_tenant_ensure()
        template_ensure()
        connection.set_schema_to_public()

        email, password = PLATFORM_OPERATOR
        User = get_user_model()
        if not User.objects.filter(username=email).exists():
            User.objects.create_superuser(username=email, email=email, password=password)

        home_page_ensure(
            content_file=Path(settings.BASE_DIR) / "fixtures" / "home_page.json",
            hostname=settings.PLATFORM_DOMAIN,
            port=int(settings.PUBLIC_PORT or 80),
        )
        site_content_ensure()  # features, pricing, help centre, FAQ, blog, legal, contact

        for seed, demo in enumerate(DEMO_STUDIOS, start=1):
            studio = Studio.objects.filter(slug=demo.slug).first()
            if studio is None:
                studio = studio_provision(
                    name=demo.name,
                    slug=demo.slug,
                    owner_email=demo.owner_email,
                    owner_password=demo.owner_password,
                    owner_name=demo.owner_name,
                    notify_owner=False,
                )
                self.stdout.write(f"Created {studio.name} in {studio.provision_seconds:.2f} s")
            with schema_context(studio.schema_name):
                counts = demo_fill(
                    seed=seed, progress=lambda line: self.stdout.write(f"    {line}")
                )
                if demo.slug == settings.DEMO_STUDIO:
                    demo_visitor_ensure(slug=demo.slug)
            # Plans are set after the fill: a year of bookings is history, not new sign-ups.
            Studio.objects.filter(pk=studio.pk, plan__isnull=True).update(
                plan=Plan.objects.get(slug=demo.plan), subscription_status="active"
            )
            # Pro and Enterprise demo studios take cards in their portal (offline account).
            demo_account_connect(studio=Studio.objects.select_related("plan").get(pk=studio.pk))
            connection.set_schema_to_public()
            self.stdout.write(
                f"  {studio.name}: "
                + ", ".join(f"{count} {name}" for name, count in counts.items())
            )
            self.stdout.write(
                f"  {studio.name:<12} {studio.url_for('/admin/'):<42} "
                f"{demo.owner_email} / {demo.owner_password}"
            )

        # Their subscriptions: Studio Pro pays, Beat Lab's trial ends soon, Home Studio is overdue.
        self.stdout.write("Subscriptions ...")
        demo_billing_ensure(
            slugs={"paying": "studiopro", "trial": "beatlab", "overdue": "homestudio"},
            progress=lambda line: self.stdout.write(line),
        )
