from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django_tenants.utils import schema_context

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def in_studio_a(studio_a):
    """Run the test inside studio A's schema, in the studio's time zone (Europe/Paris)."""
    with schema_context(studio_a.schema_name), timezone.override(PARIS):
        yield studio_a


def staff_user(email: str, role: str | None, password: str = "staff-Passw0rd!") -> User:
    """A back-office user of the current studio schema with one role group."""
    user = User.objects.create_user(username=email, email=email, password=password, is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user
