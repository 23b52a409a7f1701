from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate


def _sync_roles(sender, using, **kwargs):
    # Runs after migrating each schema; roles belong to studios (and the template they are
    # cloned from), never to the public schema.
    from django.db import connections
    from django_tenants.utils import get_public_schema_name

    if connections[using].schema_name == get_public_schema_name():
        return
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from studio.roles import roles_sync

    # Apps after this one in INSTALLED_APPS (the portal) get their permissions only when their
    # own post_migrate runs: make them now, so the owner's role holds them from the start.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    roles_sync()


def _signed_in(sender, request, user, **kwargs):
    from studio.services.sign_ins import sign_in_record

    sign_in_record(user=user, request=request)


def _signed_out(sender, request, user, **kwargs):
    from studio.services.sign_ins import sign_out_record

    sign_out_record(user=user, request=request)


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    from studio.services.sign_ins import sign_in_failure_record

    sign_in_failure_record(login=credentials.get("username", ""), request=request)


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    # Axes says it again for every attempt refused while the lockout lasts; the trail wants
    # the moment it began (siteconf.throttling marks the repeats).
    if request is not None and getattr(request, "lockout_already_known", False):
        return
    from studio.services.lockouts import lockout_record

    lockout_record(login=username or "", address=ip_address or "")


class StudioConfig(AppConfig):
    name = "studio"
    verbose_name = "Studio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="studio_roles_sync")
        # Signing in and out is Django's; the record of it is ours (apps load before services
        # can be imported, hence the imports inside the receivers).
        user_logged_in.connect(_signed_in, dispatch_uid="studio_signed_in")
        user_logged_out.connect(_signed_out, dispatch_uid="studio_signed_out")
        user_login_failed.connect(_sign_in_failed, dispatch_uid="studio_sign_in_failed")
        from axes.signals import user_locked_out

        user_locked_out.connect(_locked_out, dispatch_uid="studio_locked_out")
