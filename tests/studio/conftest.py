from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, User

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def staff_user(email: str, role: str | None, password: str = "staff-Passw0rd!") -> User:
    """A back-office user of the current studio schema with one role group."""
    user = User.objects.create_user(username=email, email=email, password=password, is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user
