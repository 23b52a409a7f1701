"""The projects' board on a studio with 2,000 projects: p95 server time of the owner's board
page, and its query count at 200 and at 2,000 projects (the same when the page is built right).

The projects are written with bulk_create (spread over the stages, a third with a budget, some
sessions and expenses linked so the budget bars have something to sum), then the page is
requested through Django's test client, as the other back-office figures are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client as HttpClient
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf.bench.backoffice import _measure
from siteconf.bench.studios import bench_studio, owner_email
from siteconf.tenancy.models import Studio
from siteconf.tenancy.services.provisioning import studio_destroy
from studio.models import Client, Project, ProjectExpense, ProjectStage, Room, Session, Track

SLUG = "bench-board"
URL = "/admin/projects/board/"


def _grow(*, upto: int, clients: list[Client], room: Room) -> None:
    """Add projects until the studio has `upto`, each with a track or two; one in five has a
    linked session and an expense."""
    stages = list(ProjectStage.objects.all())
    have = Project.objects.count()
    new = [
        Project(
            client=clients[i % len(clients)],
            title=f"Project {i:05d}",
            kind=Project.Kind.SINGLE if i % 3 else Project.Kind.ALBUM,
            stage=stages[i % len(stages)],
            board_position=i,
            budget=Decimal("2000") if i % 3 == 0 else None,
            target_date=timezone.localdate() + timedelta(days=i % 90),
        )
        for i in range(have, upto)
    ]
    Project.objects.bulk_create(new, batch_size=1000)
    Track.objects.bulk_create(
        [Track(project=p, number=n, title=f"Track {n}") for p in new for n in (1, 2)],
        batch_size=2000,
    )
    linked = new[::5]
    ProjectExpense.objects.bulk_create(
        [
            ProjectExpense(project=p, description="Session player", amount=Decimal("150"))
            for p in linked
        ]
    )
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=400)
    sessions = []
    for index, project in enumerate(linked):
        begins = start + timedelta(hours=3 * (have + index))
        sessions.append(
            Session(
                client=project.client,
                room=room,
                start=begins,
                end=begins + timedelta(hours=2),
                blocked_until=begins + timedelta(hours=2),
                status=Session.Status.COMPLETED,
                price=Decimal("120"),
                project=project,
            )
        )
    Session.objects.bulk_create(sessions, batch_size=1000)


def bench_project_board(*, repeat: int, progress: Callable[[str], None]) -> dict:
    studio = bench_studio(slug=SLUG, name="Bench Board")
    try:
        owner = HttpClient(HTTP_HOST=f"{SLUG}.localhost")
        with schema_context(studio.schema_name):
            owner.force_login(User.objects.get(email=owner_email(SLUG)))
            clients = Client.objects.bulk_create(
                [Client(name=f"Artist {i:03d}") for i in range(200)]
            )
            room = Room.objects.create(name="Board Room", hourly_rate=Decimal("60"))
        figures: dict[str, float] = {}
        for size in (200, 2000):
            with schema_context(studio.schema_name):
                _grow(upto=size, clients=clients, room=room)
            ms, queries = _measure(owner, URL, repeat)
            connection.set_schema_to_public()
            progress(f"  board with {size} projects: p95 {ms:.1f} ms, {queries} queries")
            if size == 200:
                figures["project_board_queries_at_200"] = queries
            else:
                figures["project_board_p95_ms"] = round(ms, 1)
                figures["project_board_queries"] = queries
        return figures
    finally:
        connection.set_schema_to_public()
        studio_destroy(studio=Studio.objects.get(slug=SLUG))
