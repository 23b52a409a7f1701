"""Creating studios: the platform tenant, the template schema, and new studios cloned from it.

A new studio's schema is a copy of `TENANT_BASE_SCHEMA`, a real tenant schema that
`migrate_schemas` keeps current. Copying takes a fraction of a second where running the 300-odd
migrations of the whole project takes several. A copy of a template that is behind the code would
be a studio silently missing tables, so cloning refuses a stale template.

Everything a provisioning writes (studio row, schema, domain, owner) happens in one transaction:
PostgreSQL DDL is transactional, so a failure at any step leaves nothing behind.
"""

from __future__ import annotations

import functools
import re
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists
from psycopg import sql

from siteconf.tenancy.models import Domain, Plan, Studio, SubscriptionStatus
from siteconf.tenancy.services.billing import trial_start
from studio.roles import OWNER_ROLE
from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.staff import staff_create
from studio.tasks import owner_welcome_send

SLUG_MIN, SLUG_MAX = 3, 40
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
# Sub-domains a studio may not take: they are, or will be, the platform's own.
RESERVED_SLUGS = frozenset(
    """
    www admin administrator api app apps assets auth billing blog cdn cms dashboard demo dev docs
    help hooks internal login logout mail media platform portal pricing public root signup
    smtp stage staging static status stripe support system template test webhooks
    """.split()
)

SLUG_REQUIRED = "Choose a sub-domain for the studio."
SLUG_UPPERCASE = "The sub-domain must be lowercase: use “{suggestion}” instead of “{slug}”."
SLUG_LENGTH = "The sub-domain must be between {min} and {max} characters long (it has {length})."
SLUG_CHARS = (
    "The sub-domain may contain only lowercase letters, digits and hyphens, "
    "and must start and end with a letter or digit."
)
SLUG_DOUBLE_HYPHEN = "The sub-domain may not contain two hyphens in a row."
SLUG_RESERVED = "“{slug}” is reserved by the platform; choose another sub-domain."
SLUG_TAKEN = "The sub-domain “{slug}” is already taken; choose another one."
NAME_REQUIRED = "Give the studio a name."
NAME_TOO_LONG = "The studio name is too long (100 characters at most)."
EMAIL_INVALID = "“{email}” is not a valid e-mail address."
TEMPLATE_MISSING = (
    "The studio template schema “{schema}” does not exist. Run `manage.py platform_setup` "
    "(or `make run`) before creating studios."
)
TEMPLATE_STALE = (
    "The studio template schema “{schema}” is behind the code: {count} migration(s) not applied "
    "({first}…). Cloning it would create a studio with missing tables. Run "
    "`manage.py migrate_schemas --tenant` and try again."
)


class ProvisioningError(StudioError):
    """A studio could not be created. `field` names the input at fault, when there is one."""


def schema_name_for(slug: str) -> str:
    # Prefixed so no slug can ever collide with `public`, the template or PostgreSQL's pg_*.
    return "st_" + slug.replace("-", "_")


def studio_domain_for(slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


def slug_validate(slug: str) -> None:
    """Raise ProvisioningError(field="slug") unless `slug` can name a new studio's sub-domain."""
    if not slug:
        raise ProvisioningError(SLUG_REQUIRED, field="slug")
    if slug != slug.lower():
        raise ProvisioningError(
            SLUG_UPPERCASE.format(slug=slug, suggestion=slug.lower()), field="slug"
        )
    if not SLUG_MIN <= len(slug) <= SLUG_MAX:
        raise ProvisioningError(
            SLUG_LENGTH.format(min=SLUG_MIN, max=SLUG_MAX, length=len(slug)), field="slug"
        )
    if not SLUG_RE.match(slug):
        raise ProvisioningError(SLUG_CHARS, field="slug")
    if "--" in slug:
        raise ProvisioningError(SLUG_DOUBLE_HYPHEN, field="slug")
    if slug in RESERVED_SLUGS:
        raise ProvisioningError(SLUG_RESERVED.format(slug=slug), field="slug")


def slug_is_available(slug: str) -> bool:
    try:
        slug_validate(slug)
    except ProvisioningError:
        return False
    return not (
        Studio.objects.filter(slug=slug).exists()
        or Domain.objects.filter(domain=studio_domain_for(slug)).exists()
    )


@functools.cache
def _expected_migrations() -> tuple[tuple[tuple[str, str], tuple[tuple[str, str], ...]], ...]:
    """Every migration of the code base, with what it replaces (squashed migrations)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return tuple((key, tuple(graph.nodes[key].replaces or ())) for key in sorted(graph.nodes))


def template_missing_migrations() -> list[str]:
    """Migrations the code has and the template schema has not recorded as applied."""
    schema = settings.TENANT_BASE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT app, name FROM {}.django_migrations").format(sql.Identifier(schema))
        )
        applied = set(cursor.fetchall())
    missing = []
    for key, replaces in _expected_migrations():
        if key in applied or (replaces and all(r in applied for r in replaces)):
            continue
        missing.append(f"{key[0]}.{key[1]}")
    return missing


def template_check() -> None:
    """Refuse to clone a template that is missing or behind the migrations."""
    schema = settings.TENANT_BASE_SCHEMA
    if not schema_exists(schema):
        raise ProvisioningError(TEMPLATE_MISSING.format(schema=schema))
    missing = template_missing_migrations()
    if missing:
        raise ProvisioningError(
            TEMPLATE_STALE.format(schema=schema, count=len(missing), first=missing[0])
        )


def _migrate_schema(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema_name)))
    call_command(
        "migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0
    )
    connection.set_schema_to_public()


def _clone_schema(schema_name: str) -> None:
    # public.clone_schema() is installed by tenancy migration 0002, once, rather than recreated
    # on every call as django-tenants' CloneSchema does (that drops and recreates a type, which
    # makes concurrent sign-ups wait on each other and can deadlock).
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT public.clone_schema(%s, %s, 'DATA')",
            [settings.TENANT_BASE_SCHEMA, schema_name],
        )
    _clone_names_restore(settings.TENANT_BASE_SCHEMA, schema_name)


_CONSTRAINTS_SQL = """
    SELECT rel.relname, con.contype,
           replace(pg_get_constraintdef(con.oid), quote_ident(nsp.nspname) || '.', ''), con.conname
    FROM pg_constraint con
    JOIN pg_class rel ON rel.oid = con.conrelid
    JOIN pg_namespace nsp ON nsp.oid = rel.relnamespace
    WHERE nsp.nspname = %s AND con.contype IN ('u', 'x', 'f', 'c', 'p')
"""
_INDEXES_SQL = """
    SELECT tablename, replace(replace(indexdef, quote_ident(schemaname) || '.', ''),
                              'INDEX ' || quote_ident(indexname) || ' ON', 'INDEX ON'), indexname
    FROM pg_indexes WHERE schemaname = %s
"""


def _names_by_shape(cursor, query: str, schema: str) -> dict[tuple, list[str]]:
    cursor.execute(query, [schema])
    shapes: dict[tuple, list[str]] = {}
    for *shape, name in cursor.fetchall():
        shapes.setdefault(tuple(shape), []).append(name)
    return {shape: sorted(names) for shape, names in shapes.items()}


def _clone_names_restore(template: str, clone: str) -> None:
    """Give the clone's constraints and indexes the template's names.

    The clone function recreates tables with `LIKE ... INCLUDING ALL`, which lets PostgreSQL
    name unique and exclusion constraints and indexes itself. Migrations drop constraints by
    name, and the services turn a violated constraint's name into a message, so a clone must
    carry exactly the names that migrations gave the template.
    """
    with connection.cursor() as cursor:
        for query, rename in (
            (_CONSTRAINTS_SQL, "ALTER TABLE {schema}.{table} RENAME CONSTRAINT {old} TO {new}"),
            (_INDEXES_SQL, "ALTER INDEX {schema}.{old} RENAME TO {new}"),
        ):
            wanted = _names_by_shape(cursor, query, template)
            actual = _names_by_shape(cursor, query, clone)
            for shape, names in actual.items():
                for old, new in zip(names, wanted.get(shape, []), strict=False):
                    if old != new:
                        cursor.execute(
                            sql.SQL(rename).format(
                                schema=sql.Identifier(clone),
                                table=sql.Identifier(shape[0]),
                                old=sql.Identifier(old),
                                new=sql.Identifier(new),
                            )
                        )


def platform_tenant_ensure() -> Studio:
    """The public schema's tenant row and the platform domain (idempotent)."""
    studio, _ = Studio.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={"name": settings.PLATFORM_NAME, "kind": Studio.Kind.PLATFORM},
    )
    Domain.objects.get_or_create(
        domain=settings.PLATFORM_DOMAIN, defaults={"tenant": studio, "is_primary": True}
    )
    return studio


def template_ensure() -> Studio:
    """The template tenant and its migrated schema (idempotent; migrates only when missing)."""
    schema = settings.TENANT_BASE_SCHEMA
    with transaction.atomic():
        template, _ = Studio.objects.get_or_create(
            schema_name=schema,
            defaults={"name": "Template for new studios", "kind": Studio.Kind.TEMPLATE},
        )
        if not schema_exists(schema):
            started = time.perf_counter()
            _migrate_schema(schema)
            template.provisioned_at = timezone.now()
            template.provision_method = Studio.Method.MIGRATE
            template.provision_seconds = time.perf_counter() - started
            template.save()
    return template


def studio_provision(
    *,
    name: str,
    slug: str,
    owner_email: str,
    owner_password: str,
    owner_name: str = "",
    method: str = Studio.Method.CLONE,
    notify_owner: bool = True,
    plan: Plan | None = None,
    by=None,
) -> Studio:
    """Create a studio: its schema, its domain and its owner account, all or nothing.

    `method="migrate"` builds the schema by running every migration instead of cloning; it exists
    to measure what cloning saves (`manage.py bench`) and is never used on the request path.
    `notify_owner=False` skips the welcome e-mail (demo data, benchmarks). With a `plan`, the
    studio starts that plan's free trial.
    """
    started = time.perf_counter()
    name = (name or "").strip()
    owner_email = (owner_email or "").strip().lower()
    if not name:
        raise ProvisioningError(NAME_REQUIRED, field="name")
    if len(name) > 100:
        raise ProvisioningError(NAME_TOO_LONG, field="name")
    slug_validate(slug)
    try:
        validate_email(owner_email)
    except ValidationError:
        raise ProvisioningError(
            EMAIL_INVALID.format(email=owner_email), field="owner_email"
        ) from None
    User = get_user_model()
    first_name, _, last_name = owner_name.strip().partition(" ")
    owner = User(
        username=owner_email, email=owner_email, first_name=first_name, last_name=last_name
    )
    try:
        validate_password(owner_password, user=owner)
    except ValidationError as exc:
        raise ProvisioningError(" ".join(exc.messages), field="owner_password") from None
    if method == Studio.Method.CLONE:
        template_check()

    schema_name = schema_name_for(slug)
    domain = studio_domain_for(slug)
    if not slug_is_available(slug):
        raise ProvisioningError(SLUG_TAKEN.format(slug=slug), field="slug")
    try:
        with transaction.atomic():
            studio = Studio.objects.create(
                kind=Studio.Kind.STUDIO,
                schema_name=schema_name,
                slug=slug,
                name=name,
                owner_email=owner_email,
                provision_method=method,
                plan=plan,
                subscription_status=SubscriptionStatus.TRIALING,
                trial_ends_at=(
                    timezone.now() + timezone.timedelta(days=plan.trial_days) if plan else None
                ),
            )
            Domain.objects.create(domain=domain, tenant=studio, is_primary=True)
            trial_start(studio=studio)
            if method == Studio.Method.CLONE:
                _clone_schema(schema_name)
            else:
                _migrate_schema(schema_name)
            audit_record(action="studio.created", obj=studio, by=by)
            with schema_context(schema_name):
                owner = staff_create(
                    username=owner.username,
                    email=owner.email,
                    first_name=owner.first_name,
                    last_name=owner.last_name,
                    password=owner_password,
                    # An owner by role, like any owner the studio adds later.
                    roles=[Group.objects.get(name=OWNER_ROLE)],
                )
            studio.provisioned_at = timezone.now()
            studio.provision_seconds = time.perf_counter() - started
            studio.save(update_fields=["provisioned_at", "provision_seconds"])
            if notify_owner:
                owner_welcome_send.enqueue(owner.pk, schema_name=schema_name)
    except IntegrityError:
        # Another sign-up took the same sub-domain between our check and our insert.
        raise ProvisioningError(SLUG_TAKEN.format(slug=slug), field="slug") from None
    finally:
        connection.set_schema_to_public()
    return studio


def studio_destroy(*, studio: Studio) -> None:
    """Drop a studio's schema and rows. Used by the benchmark and tests' clean-up, not by staff."""
    if studio.kind != Studio.Kind.STUDIO:
        raise ProvisioningError("Only studios can be destroyed, not the platform or the template.")
    with transaction.atomic():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            # Deferred foreign-key checks still pending on the schema's tables (rows written
            # earlier in this same transaction) would block the DROP; run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                    sql.Identifier(studio.schema_name)
                )
            )
        studio.delete()
