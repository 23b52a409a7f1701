"""The read-only visitor of the demo studio: anyone can open it from the marketing site."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

GROUP = "Demo visitor (read-only)"


def visitor_email(slug: str) -> str:
    return f"visitor@{slug}.example"


def demo_visitor_ensure(*, slug: str):
    """A login that may look at everything and change nothing (view permissions only)."""
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="studio", codename__startswith="view_")
    )
    email = visitor_email(slug)
    user, created = get_user_model().objects.get_or_create(
        username=email,
        defaults={"email": email, "first_name": "Demo", "last_name": "visitor", "is_staff": True},
    )
    if created:
        user.set_unusable_password()  # reached through /admin/demo/ only
        user.save()
    user.groups.add(group)
    return user
