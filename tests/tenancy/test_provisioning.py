from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory
from django_tenants.utils import schema_context, schema_exists
from psycopg import sql

from siteconf.tenancy.models import Domain, Studio
from siteconf.tenancy.services import provisioning
from siteconf.tenancy.services.provisioning import (
    ProvisioningError,
    schema_name_for,
    studio_provision,
)

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Echo Chamber",
    "slug": "echo-chamber",
    "owner_email": "Owner@Echo.example",
    "owner_password": "a-long-Passphrase-2026",
    "owner_name": "Ada Echo",
}


def snapshot() -> tuple:
    """What a provisioning writes: studio rows, domains, schemas, public users."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace")
        schemas = cursor.fetchone()[0]
    return (Studio.objects.count(), Domain.objects.count(), schemas, User.objects.count())


def test_it_creates_the_schema_domain_and_owner():
    studio = studio_provision(**GOOD)

    assert studio.kind == Studio.Kind.STUDIO
    assert studio.schema_name == "st_echo_chamber"
    assert studio.provision_method == Studio.Method.CLONE
    assert studio.provisioned_at is not None and studio.provision_seconds > 0
    assert schema_exists("st_echo_chamber")
    assert studio.get_primary_domain().domain == "echo-chamber.localhost"
    with schema_context(studio.schema_name):
        owner = User.objects.get()
        assert owner.email == "owner@echo.example"
        assert owner.get_full_name() == "Ada Echo"
        assert owner.is_staff and not owner.is_superuser
        assert list(owner.groups.values_list("name", flat=True)) == ["Owner"]
        # Every sign-in is counted by django-axes, which needs the request it comes from.
        request = RequestFactory().post("/admin/login/")
        assert authenticate(request, username="owner@echo.example", password=GOOD["owner_password"])
    # The owner lives in the studio's schema only, not among the platform's users.
    assert not User.objects.filter(email="owner@echo.example").exists()


def test_it_sends_the_owner_a_welcome_email_once_committed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        studio_provision(**GOOD)

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@echo.example"]
    assert "http://echo-chamber.localhost:8000/admin/" in message.body
    assert "Echo Chamber" in message.subject


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("", "Choose a sub-domain"),
        ("EchoChamber", "must be lowercase: use “echochamber”"),
        ("ab", "between 3 and 40 characters long (it has 2)"),
        ("a" * 41, "between 3 and 40 characters long (it has 41)"),
        ("-echo", "must start and end with a letter or digit"),
        ("echo-", "must start and end with a letter or digit"),
        ("echo_chamber", "only lowercase letters, digits and hyphens"),
        ("café", "only lowercase letters, digits and hyphens"),
        ("echo.chamber", "only lowercase letters, digits and hyphens"),
        ("echo--chamber", "two hyphens in a row"),
        ("www", "“www” is reserved"),
        ("admin", "“admin” is reserved"),
        ("api", "“api” is reserved"),
        ("template", "“template” is reserved"),
    ],
)
def test_it_refuses_an_invalid_slug_and_writes_nothing(slug, message):
    before = snapshot()

    with pytest.raises(ProvisioningError) as error:
        studio_provision(**{**GOOD, "slug": slug})

    assert message in error.value.message
    assert error.value.field == "slug"
    assert snapshot() == before


def test_it_refuses_a_taken_slug(studio_a):
    before = snapshot()

    with pytest.raises(ProvisioningError, match="“studio-a” is already taken"):
        studio_provision(**{**GOOD, "slug": "studio-a"})

    assert snapshot() == before


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"name": "  "}, "name", "Give the studio a name"),
        ({"name": "x" * 101}, "name", "too long"),
        ({"owner_email": "not-an-email"}, "owner_email", "not a valid e-mail address"),
        ({"owner_password": "short"}, "owner_password", "too short"),
        ({"owner_password": "password123"}, "owner_password", "too common"),
    ],
)
def test_it_refuses_bad_owner_details_and_writes_nothing(override, field, message):
    before = snapshot()

    with pytest.raises(ProvisioningError) as error:
        studio_provision(**{**GOOD, **override})

    assert message in error.value.message
    assert error.value.field == field
    assert snapshot() == before


class Boom(RuntimeError):
    pass


def _fail(*args, **kwargs):
    raise Boom("simulated failure")


@pytest.mark.parametrize(
    "step",
    ["domain", "clone", "owner", "welcome"],
)
def test_it_leaves_nothing_behind_when_a_step_fails(step, monkeypatch):
    if step == "domain":
        monkeypatch.setattr(Domain, "save", _fail)
    elif step == "clone":
        monkeypatch.setattr(provisioning, "_clone_schema", _fail)
    elif step == "owner":
        monkeypatch.setattr(User, "save", _fail)
    else:
        from studio import tasks

        monkeypatch.setattr(tasks.owner_welcome_send, "enqueue", _fail)
    before = snapshot()

    with pytest.raises(Boom):
        studio_provision(**GOOD)

    assert snapshot() == before
    assert not schema_exists(schema_name_for(GOOD["slug"]))
    assert not Studio.objects.filter(slug=GOOD["slug"]).exists()
    assert connection.schema_name == "public"


def _forget_template_migration(app: str, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DELETE FROM {}.django_migrations WHERE app = %s AND name = %s").format(
                sql.Identifier(settings.TENANT_BASE_SCHEMA)
            ),
            [app, name],
        )
        assert cursor.rowcount == 1


def test_the_stale_template_guard_refuses_to_clone():
    _forget_template_migration("auth", "0012_alter_user_first_name_max_length")
    before = snapshot()

    with pytest.raises(ProvisioningError) as error:
        studio_provision(**GOOD)

    assert "is behind the code: 1 migration(s) not applied" in error.value.message
    assert "auth.0012_alter_user_first_name_max_length" in error.value.message
    assert "migrate_schemas" in error.value.message
    assert snapshot() == before


def test_a_current_template_has_no_missing_migrations():
    assert provisioning.template_missing_migrations() == []


def test_it_refuses_when_the_template_schema_is_missing(monkeypatch):
    monkeypatch.setattr(settings, "TENANT_BASE_SCHEMA", "no_such_template")

    with pytest.raises(ProvisioningError, match="does not exist"):
        studio_provision(**GOOD)


def _table_shapes(schema: str) -> set[tuple]:
    """Columns, constraints and indexes of a schema, names included, schema name left out."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name, data_type, is_nullable, column_default
            FROM information_schema.columns WHERE table_schema = %s
            """,
            [schema],
        )
        columns = {("column", *row) for row in cursor.fetchall()}
        cursor.execute(
            """
            SELECT rel.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
            FROM pg_constraint con
            JOIN pg_class rel ON rel.oid = con.conrelid
            JOIN pg_namespace nsp ON nsp.oid = rel.relnamespace
            WHERE nsp.nspname = %s
            """,
            [schema],
        )
        constraints = {("constraint", *row) for row in cursor.fetchall()}
        cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = %s", [schema])
        indexes = {("index", *row) for row in cursor.fetchall()}
    return {
        tuple(str(part).replace(f"{schema}.", "") for part in shape)
        for shape in columns | constraints | indexes
    }


def test_a_cloned_studio_has_exactly_the_tables_migrations_would_build():
    cloned = studio_provision(**GOOD)
    migrated = studio_provision(**{**GOOD, "slug": "echo-migrated"}, method=Studio.Method.MIGRATE)

    assert migrated.provision_method == Studio.Method.MIGRATE
    assert _table_shapes(cloned.schema_name) == _table_shapes(migrated.schema_name)
    assert len(_table_shapes(cloned.schema_name)) > 50


def test_the_create_studio_command_uses_the_same_service(capsys):
    call_command(
        "create_studio",
        name="Echo Chamber",
        slug="echo-chamber",
        owner_email="owner@echo.example",
        owner_password=GOOD["owner_password"],
    )

    assert "Created “Echo Chamber”" in capsys.readouterr().out
    assert Studio.objects.filter(slug="echo-chamber").exists()
    with pytest.raises(CommandError, match="reserved by the platform"):
        call_command(
            "create_studio",
            name="Admin",
            slug="admin",
            owner_email="a@b.example",
            owner_password=GOOD["owner_password"],
        )
