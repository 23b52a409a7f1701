"""The tenant-aware task pattern: a task queued in a studio runs in that studio's schema."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection, transaction
from django_tenants.utils import schema_context

from siteconf.tasks import TaskSchemaError
from studio.tasks import owner_welcome_send
from tests.conftest import STUDIO_A, STUDIO_B

pytestmark = pytest.mark.django_db


def test_a_task_queued_from_studio_a_reads_studio_a_and_never_b(
    studio_a, studio_b, django_capture_on_commit_callbacks
):
    # Both studios' owners have the same primary key in their own schema.
    with schema_context(studio_a.schema_name):
        owner_a_id = User.objects.get(email=STUDIO_A.owner_email).pk
    with schema_context(studio_b.schema_name):
        assert User.objects.get(email=STUDIO_B.owner_email).pk == owner_a_id

    with (
        django_capture_on_commit_callbacks(execute=True),
        schema_context(studio_a.schema_name),
    ):
        owner_welcome_send.enqueue(owner_a_id)

    assert [message.to for message in mail.outbox] == [[STUDIO_A.owner_email]]
    assert "Studio A" in mail.outbox[0].subject
    assert "Studio B" not in mail.outbox[0].body


def test_a_task_runs_in_its_studio_whatever_schema_the_worker_is_in(studio_a, studio_b):
    with schema_context(studio_b.schema_name):
        result = owner_welcome_send(studio_a.schema_name, 1)
        assert connection.schema_name == studio_b.schema_name

    assert result == STUDIO_A.owner_email


def test_a_task_is_not_queued_when_the_transaction_rolls_back(
    studio_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic(), schema_context(studio_a.schema_name):
                owner_welcome_send.enqueue(1)
                raise RuntimeError("booking failed")
        except RuntimeError:
            pass

    assert callbacks == []
    assert mail.outbox == []


def test_a_task_refuses_the_public_schema():
    with pytest.raises(TaskSchemaError, match="without a studio"):
        owner_welcome_send.enqueue(1)
    with pytest.raises(TaskSchemaError, match="must run in a studio's schema"):
        owner_welcome_send("public", 1)
