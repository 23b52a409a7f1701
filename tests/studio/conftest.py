from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from tests.conftest import STUDIO_A

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def staff_user(email: str, role: str | None, password: str = "staff-Passw0rd!") -> User:
    """A back-office user of the current studio schema with one role group."""
    user = User.objects.create_user(username=email, email=email, password=password, is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def owner_browser(studio_a) -> HttpClient:
    """A browser signed in to studio A's back office as its owner."""
    browser = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        browser.force_login(User.objects.get(email=STUDIO_A.owner_email))
    return browser
