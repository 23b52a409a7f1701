"""Background tasks that run inside one studio's schema.

A task is an ordinary function decorated with `@tenant_task`. It receives ids, never model
instances, and re-reads what it needs inside the studio's schema, so it sees committed data and
works the same on any worker. `.enqueue(*ids, schema_name=...)` queues it on django-q2 only once
the surrounding transaction commits (a rolled-back booking never sends its e-mail).

Code that the task module itself imports (the services a task calls) queues by the task's
dotted path instead, with `task_enqueue("studio.tasks.email_deliver_task", email.pk)`, so that
it never has to import the task module back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django_q.tasks import async_task
from django_tenants.utils import get_public_schema_name, schema_context


class TaskSchemaError(RuntimeError):
    pass


def task_enqueue(path: str, *args: Any, schema_name: str | None = None) -> None:
    """Queue the tenant task at `path` in `schema_name` (default: the current studio's) once
    the surrounding transaction commits."""
    schema = schema_name or connection.schema_name
    if schema == get_public_schema_name():
        raise TaskSchemaError(f"{path} was queued from the public schema without a studio.")
    transaction.on_commit(lambda: async_task(path, schema, *args, task_name=f"{path}@{schema}"))


def tenant_task(func: Callable[..., Any]) -> Callable[..., Any]:
    path = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def run(schema_name: str, *args: Any) -> Any:
        if not schema_name or schema_name == get_public_schema_name():
            raise TaskSchemaError(f"{path} must run in a studio's schema, got {schema_name!r}.")
        with schema_context(schema_name):
            return func(*args)

    run.enqueue = functools.partial(task_enqueue, path)
    run.task_path = path
    return run
