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
    every write to it is answered with what happened and where to renew (a client of the
    studio reads what still works instead). The services refuse the same writes on every other
    path (studio.services.readonly); answering here first spares the work and shows a page.

    What still takes a POST: signing in and out (staff, their second factor, portal clients
    and their sign-in links), the Subscription page where the owner pays to be writable again,
    money the studio is owed (recording a payment, a client paying an invoice by card) and
    taking data away (exports, a client's data archive and erasure request).
    """

    SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
    ALWAYS_ALLOWED = (
        "/admin/login/",
        "/admin/logout/",
        "/admin/two-factor/",
        "/admin/subscription/",
    )
    # The back office's "Record a payment" and deposit actions.
    PAYING = ("/payment/", "/deposit/")
    ALLOWED_VIEWS = frozenset(
        {
            "admin:subscription",
            "portal:sign_in",
            "portal:sign_out",
            "portal:link",
            "portal:password_reset",
            "portal:password_set",
            "portal:invoice_pay",
            "portal:invoice_pay_return",
            "portal:data_exports",
            "portal:profile_delete",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Decided once the URL is resolved, by the view's name: a path suffix could be
        spoofed by a URL that merely ends the same way."""
        tenant = getattr(request, "tenant", None)
        if getattr(tenant, "subscription_status", None) != "read_only":
            return None
        if request.method in self.SAFE_METHODS or self.allowed(request):
            return None
        from studio.views.refusals import read_only

        return read_only(request)

    def allowed(self, request) -> bool:
        if request.path.startswith(self.ALWAYS_ALLOWED):
            return True
        match = getattr(request, "resolver_match", None)
        name = getattr(match, "view_name", "") or ""
        if name in self.ALLOWED_VIEWS:
            return True
        # django-import-export's export pages take their format choice as a POST.
        if name.startswith("admin:") and name.endswith("_export"):
            return True
        return request.path.startswith("/admin/") and request.path.endswith(self.PAYING)
