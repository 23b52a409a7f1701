from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, using, **kwargs):
    # Runs after migrating each schema; roles belong to studios (and the template they are
    # cloned from), never to the public schema.
    from django.db import connections
    from django_tenants.utils import get_public_schema_name

    if connections[using].schema_name == get_public_schema_name():
        return
    from studio.roles import roles_sync

    roles_sync()


class StudioConfig(AppConfig):
    name = "studio"
    verbose_name = "Studio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="studio_roles_sync")
