from django.core.management.base import BaseCommand

from siteconf.tenancy.services.provisioning import platform_tenant_ensure, template_ensure


class Command(BaseCommand):
    help = (
        "Create the platform's public tenant and domain, and the template schema new studios are "
        "cloned from (building it by migrations the first time). Safe to run again."
    )

    def handle(self, *args, **options):
        platform = platform_tenant_ensure()
        template = template_ensure()
        self.stdout.write(
            f"Platform tenant “{platform.name}” and template schema “{template.schema_name}” ready."
        )
