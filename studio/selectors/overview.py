"""Figures for the back office's front page."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db.models import Count, Q


@dataclass(frozen=True)
class StaffOverview:
    active: int
    disabled: int
    roles: int
    never_signed_in: int


def staff_overview() -> StaffOverview:
    counts = User.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        disabled=Count("pk", filter=Q(is_active=False)),
        never_signed_in=Count("pk", filter=Q(is_active=True, last_login__isnull=True)),
    )
    return StaffOverview(roles=Group.objects.count(), **counts)
