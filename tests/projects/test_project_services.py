"""The project services' rules: stages, the board, tracks, ISRCs, credits and splits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from studio.models import AuditEntry, Project, ProjectStage, Split
from studio.services import projects as svc
from studio.services.errors import PermissionRefused, StudioError
from tests.studio.conftest import staff_user
from tests.studio.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(in_studio_a):
    return svc.project_create(client=ClientFactory(), title="Night Drive", kind="ep")


def test_a_new_studio_starts_with_five_stages_and_projects_go_to_the_first(project):
    assert list(ProjectStage.objects.values_list("name", flat=True)) == [
        "Pre-production",
        "Recording",
        "Mixing",
        "Mastering",
        "Delivered",
    ]
    assert project.stage.name == "Pre-production"
    assert AuditEntry.objects.filter(
        model="project", action="project.created", object_id=str(project.pk)
    ).exists()


def test_moving_a_card_orders_its_column_audits_and_dates_the_delivery(project):
    other = svc.project_create(client=project.client, title="B-sides")
    mixing = ProjectStage.objects.get(name="Mixing")
    svc.project_stage_set(project=other, stage=mixing)
    svc.project_stage_set(project=project, stage=mixing, position=0)
    column = list(
        Project.objects.filter(stage=mixing)
        .order_by("board_position")
        .values_list("title", flat=True)
    )
    assert column == ["Night Drive", "B-sides"]
    entry = AuditEntry.objects.filter(
        model="project", action="project.stage_moved", object_id=str(project.pk)
    ).get()
    assert entry.changes["stage"] == ["Pre-production", "Mixing"]
    delivered = ProjectStage.objects.get(name="Delivered")
    moved = svc.project_stage_set(project=project, stage=delivered)
    assert moved.delivered_on is not None


def test_an_engineer_moves_cards_but_an_accountant_cannot(project):
    engineer = staff_user("eng@a.example", "Engineer")
    accountant = staff_user("acc@a.example", "Accountant")
    mixing = ProjectStage.objects.get(name="Mixing")
    svc.project_stage_set(project=project, stage=mixing, by=engineer)
    with pytest.raises(PermissionRefused):
        svc.project_stage_set(project=project, stage=ProjectStage.objects.first(), by=accountant)
    project.refresh_from_db()
    assert project.stage == mixing


def test_a_stage_with_projects_cannot_be_deleted(project):
    with pytest.raises(StudioError, match="still holds 1 project"):
        svc.stage_delete(stage=project.stage)


def test_isrc_is_checked_and_stored_compact(project):
    track = svc.track_create(project=project, title="Intro", isrc="gb-ab1-26-00042")
    assert track.isrc == "GBAB12600042" and track.number == 1
    with pytest.raises(StudioError, match="is not an ISRC"):
        svc.track_create(project=project, title="Outro", isrc="GB-AB1-2026-42")
    assert project.tracks.count() == 1


def test_splits_must_total_100_and_nothing_is_written_otherwise(project):
    track = svc.track_create(project=project, title="Intro")
    svc.splits_set(
        track=track,
        right="publishing",
        shares=[{"person": "Ana", "percent": "60"}, {"person": "Ben", "percent": "40"}],
    )
    with pytest.raises(StudioError, match=r"total 99\.5 %, not 100 %: add 0\.5 %"):
        svc.splits_set(
            track=track,
            right="publishing",
            shares=[{"person": "Ana", "percent": "59.5"}, {"person": "Ben", "percent": "40"}],
        )
    assert {s.person: s.percent for s in Split.objects.filter(track=track)} == {
        "Ana": Decimal("60.00"),
        "Ben": Decimal("40.00"),
    }


def test_a_session_links_only_to_its_clients_project(project):
    from datetime import timedelta

    from django.utils import timezone

    from studio.services.sessions import session_create
    from tests.studio.factories import RoomFactory

    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    session = session_create(
        client=ClientFactory(), room=RoomFactory(), start=start, end=start + timedelta(hours=2)
    )
    with pytest.raises(StudioError, match="not"):
        svc.session_project_set(session=session, project=project)
    made = svc.project_create(client=None, title="From the session", from_session=session)
    session.refresh_from_db()
    assert session.project == made and made.client == session.client


def test_a_card_dropped_under_another_lands_right_below_it_whatever_the_board_showed(project):
    mixing = ProjectStage.objects.get(name="Mixing")
    cards = [
        svc.project_create(client=project.client, title=f"P{n}", stage=mixing) for n in range(5)
    ]
    # The board showed only P1 and P3 (a filter): the card dropped under P1 goes right after it.
    svc.project_stage_set(project=project, stage=mixing, after=cards[1])
    column = Project.objects.filter(stage=mixing).order_by("board_position")
    assert [p.title for p in column] == ["P0", "P1", "Night Drive", "P2", "P3", "P4"]
    assert sorted(column.values_list("board_position", flat=True)) == list(range(6))
    svc.project_stage_set(project=cards[4], stage=mixing, position=0)
    assert Project.objects.filter(stage=mixing).order_by("board_position").first() == cards[4]
    assert AuditEntry.objects.filter(model="project", action="project.reordered").count() == 1


def test_making_room_in_a_column_costs_the_same_however_long_it_is(project):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mixing, mastering = (ProjectStage.objects.get(name=n) for n in ("Mixing", "Mastering"))
    counts = []
    for stage, size in ((mixing, 3), (mastering, 40)):
        for n in range(size):
            svc.project_create(client=project.client, title=f"{stage} {n}", stage=stage)
        with CaptureQueriesContext(connection) as queries:
            svc.project_stage_set(project=project, stage=stage, position=0)
        counts.append(len(queries))
    assert counts[0] == counts[1]
