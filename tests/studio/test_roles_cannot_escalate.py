"""Nobody climbs: a manager cannot make themselves an owner or reset the owner's password, only
an owner gives roles, and nobody gives a role holding permissions they do not have."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from studio.models import AuditEntry
from studio.services.errors import StudioError
from studio.services.staff import staff_password_set, staff_update
from tests.conftest import STUDIO_A
from tests.studio.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(studio_a):
    with schema_context(studio_a.schema_name):
        owner = User.objects.get(email=STUDIO_A.owner_email)
        manager = staff_user("manager@studio-a.example", "Manager")
        engineer = staff_user("eng@studio-a.example", "Engineer")
        browser = HttpClient(HTTP_HOST=STUDIO_A.host)
        browser.force_login(manager)
        yield {"owner": owner, "manager": manager, "engineer": engineer, "browser": browser}


def user_form(user, **overrides) -> dict:
    form = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
    }
    form.update(overrides)
    return form


def test_a_manager_cannot_make_themselves_owner_through_the_form(cast):
    manager, browser = cast["manager"], cast["browser"]
    owner_role = Group.objects.get(name="Owner")
    response = browser.post(
        f"/admin/auth/user/{manager.pk}/change/",
        user_form(manager, is_superuser="on", groups=[str(owner_role.pk)]),
    )
    assert response.status_code == 200
    assert "Only an owner gives or takes away roles." in response.content.decode()
    manager.refresh_from_db()
    assert not manager.is_superuser
    assert list(manager.groups.values_list("name", flat=True)) == ["Manager"]
    assert not AuditEntry.objects.filter(action="user.changed", object_id=str(manager.pk))


def test_a_manager_cannot_open_the_owners_password_page(cast):
    owner, browser = cast["owner"], cast["browser"]
    assert browser.get(f"/admin/auth/user/{owner.pk}/password/").status_code == 403
    response = browser.post(
        f"/admin/auth/user/{owner.pk}/password/",
        {"password1": "taken-Over-2026!", "password2": "taken-Over-2026!"},
    )
    assert response.status_code == 403
    owner.refresh_from_db()
    assert not owner.check_password("taken-Over-2026!")


def test_a_manager_cannot_change_the_owners_account(cast):
    with pytest.raises(StudioError, match="Only an owner can change an owner's account"):
        staff_update(user=cast["owner"], by=cast["manager"], email="mine@evil.example")
    cast["owner"].refresh_from_db()
    assert cast["owner"].email == STUDIO_A.owner_email


def test_the_all_permissions_flag_is_not_given_even_by_an_owner(cast):
    with pytest.raises(StudioError, match="owners by their role"):
        staff_update(user=cast["engineer"], by=cast["owner"], is_superuser=True)
    cast["engineer"].refresh_from_db()
    assert not cast["engineer"].is_superuser


def test_nobody_gives_a_role_above_their_own(cast):
    """An owner holds every permission of the studio, and still cannot hand out one they lack:
    the platform's, which a studio's schema lists too."""
    deputy = staff_user("deputy@studio-a.example", "Owner")
    vault = Group.objects.create(name="Vault")
    vault.permissions.add(
        Permission.objects.get(content_type__app_label="tenancy", codename="change_studio")
    )
    with pytest.raises(StudioError, match="You cannot give the Vault role"):
        staff_update(user=cast["engineer"], by=deputy, roles=[vault])
    staff_update(user=cast["engineer"], by=deputy, roles=[Group.objects.get(name="Front desk")])
    assert list(cast["engineer"].groups.values_list("name", flat=True)) == ["Front desk"]


def test_staff_set_only_their_own_password(cast):
    with pytest.raises(StudioError, match="send a reset link"):
        staff_password_set(user=cast["engineer"], password="x-Passw0rd-9", by=cast["manager"])
    staff_password_set(user=cast["manager"], password="own-Passw0rd-9", by=cast["manager"])
    cast["manager"].refresh_from_db()
    assert cast["manager"].check_password("own-Passw0rd-9")
