from __future__ import annotations

from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from studio.money import locale_activate, locale_deactivate
from studio.selectors.settings import studio_locale, studio_timezone


class StudioTimezoneMiddleware:
    """Shows and reads every date and time in the studio's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if connection.schema_name != get_public_schema_name():
            timezone.activate(studio_timezone())
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class StudioLocaleMiddleware:
    """Writes every amount of a back-office or portal page in the studio's locale, read once
    per request rather than once per amount (an invoice list formats hundreds)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        schema = connection.schema_name
        if schema != get_public_schema_name():
            locale_activate(studio_locale(), schema_name=schema)
        try:
            return self.get_response(request)
        finally:
            locale_deactivate()


class ReadOnlySubscriptionMiddleware:
    """A studio whose subscription lapsed stays readable, never deleted, but changes nothing:
    every write to it is answered with what happened and where to renew. Signing in and out
    still work, so the owner can reach the data and the renewal."""

    SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
    ALWAYS_ALLOWED = ("/admin/login/", "/admin/logout/", "/admin/two-factor/")
    # Money the studio is owed can still be recorded: the services allow payments too.
    PAYING = ("/payment/", "/deposit/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if (
            getattr(tenant, "subscription_status", None) == "read_only"
            and request.method not in self.SAFE_METHODS
            and not request.path.startswith(self.ALWAYS_ALLOWED)
            and not request.path.endswith(self.PAYING)
        ):
            from studio.views.refusals import read_only

            return read_only(request)
        return self.get_response(request)
