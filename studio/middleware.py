from __future__ import annotations

from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from studio.selectors.settings import studio_timezone


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
