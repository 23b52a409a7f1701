"""The projects' board: who sees it, who moves cards and edits columns, through the drag (JSON)
and through the plain "Move to" forms; the audit trail, the order, and studio B kept out."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studio.models import AuditEntry, Project, ProjectStage
from studio.services.projects import project_create
from tests.conftest import STUDIO_A
from tests.projects.admin_cast import Cast, cast_make, refused
from tests.studio.factories import ClientFactory

pytestmark = pytest.mark.django_db

BOARD = "/admin/projects/board/"


@pytest.fixture
def cast(studio_a, studio_b) -> Cast:
    return cast_make(studio_a, studio_b)


def move(browser, project, stage, position=None):
    payload = {"stage": stage.pk}
    if position is not None:
        payload["position"] = position
    return browser.post(
        f"{BOARD}{project.pk}/move/", json.dumps(payload), content_type="application/json"
    )


def column(cast, name) -> list[str]:
    with cast.a():
        return list(
            Project.objects.filter(stage__name=name)
            .order_by("board_position")
            .values_list("title", flat=True)
        )


# --- seeing the board ---------------------------------------------------------------------------


def test_the_board_shows_each_stage_with_its_cards(cast):
    page = cast.browsers["owner"].get(BOARD)
    assert page.status_code == 200
    html = page.text
    for name in ("Pre-production", "Recording", "Mixing", "Mastering", "Delivered"):
        assert name in html
    assert "Night Drive" in html and "Ana Lima" in html
    assert "0,00" in html or "0.00" in html  # the budget bar for those who see money
    assert 'name="stage"' in html  # the "Move to" select of every card


@pytest.mark.parametrize("role", ["engineer", "accountant", "desk"])
def test_staff_without_money_or_move_rights_see_a_board_without_them(cast, role):
    html = cast.browsers[role].get(BOARD).text
    assert "Night Drive" in html
    if role == "engineer":
        assert "1 000" not in html and "1,000" not in html and "board-budget-bar" not in html
        assert 'class="board-move"' in html
    else:
        assert 'class="board-move"' not in html
    assert "Add a stage" not in html


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_outsiders_and_anonymous_visitors_do_not_see_the_board(cast, who):
    assert refused(cast.browsers[who].get(BOARD))


def test_the_board_filters_by_client_and_search(cast):
    with cast.a():
        ben = cast.projects["ben"].client
    by_client = cast.browsers["owner"].get(BOARD, {"client": ben.pk}).text
    assert "Ben&#x27;s single" in by_client and "Night Drive" not in by_client
    searched = cast.browsers["owner"].get(BOARD, {"q": "night"}).text
    assert "Night Drive" in searched and "B-sides" not in searched


def test_a_hostile_title_is_shown_as_text(cast):
    with cast.a():
        project_create(client=cast.projects["ben"].client, title="<img src=x onerror=alert(1)>")
    html = cast.browsers["owner"].get(BOARD).text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# --- moving cards -------------------------------------------------------------------------------


def test_dragging_a_card_moves_it_to_its_place_and_audits_it(cast):
    mixing = cast.stages["Mixing"]
    assert move(cast.browsers["owner"], cast.projects["bsides"], mixing).status_code == 200
    answer = move(cast.browsers["owner"], cast.projects["night"], mixing, position=0)
    assert answer.status_code == 200 and answer.json()["stage"] == mixing.pk
    assert column(cast, "Mixing") == ["Night Drive", "B-sides"]
    with cast.a():
        entry = AuditEntry.objects.get(
            model="project", action="project.stage_moved", object_id=str(cast.projects["night"].pk)
        )
        assert entry.changes["stage"] == ["Pre-production", "Mixing"]
        assert entry.user.email == STUDIO_A.owner_email


def test_a_card_moves_within_its_column(cast):
    first = cast.stages["Pre-production"]
    assert column(cast, "Pre-production") == ["Night Drive", "B-sides", "Ben's single"]
    move(cast.browsers["owner"], cast.projects["ben"], first, position=0)
    assert column(cast, "Pre-production") == ["Ben's single", "Night Drive", "B-sides"]


def test_an_engineer_moves_cards(cast):
    answer = move(cast.browsers["engineer"], cast.projects["night"], cast.stages["Recording"])
    assert answer.status_code == 200
    assert column(cast, "Recording") == ["Night Drive"]


@pytest.mark.parametrize("role", ["accountant", "desk"])
def test_accountants_and_the_front_desk_cannot_move_cards(cast, role):
    answer = move(cast.browsers[role], cast.projects["night"], cast.stages["Mixing"])
    assert answer.status_code == 409
    assert "Your role does not allow this" in answer.json()["error"]
    assert column(cast, "Mixing") == []
    with cast.a():
        assert not AuditEntry.objects.filter(model="project", action="project.stage_moved").exists()


def test_the_move_form_works_without_javascript(cast):
    night = cast.projects["night"]
    answer = cast.browsers["engineer"].post(
        f"{BOARD}{night.pk}/move/", {"stage": cast.stages["Mastering"].pk, "next": BOARD + "?q=n"}
    )
    assert answer.status_code == 302 and answer["Location"] == BOARD + "?q=n"
    assert column(cast, "Mastering") == ["Night Drive"]


def test_a_move_to_nowhere_or_with_a_bad_position_is_refused(cast):
    night = cast.projects["night"]
    bad = cast.browsers["owner"].post(
        f"{BOARD}{night.pk}/move/",
        json.dumps({"stage": 999999}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    negative = move(cast.browsers["owner"], night, cast.stages["Mixing"], position=-1)
    assert negative.status_code == 409 and "negative" in negative.json()["error"]
    assert column(cast, "Mixing") == []


def test_studio_b_cannot_move_studio_a_cards(cast):
    night, ben = cast.projects["night"], cast.projects["ben"]
    assert refused(move(cast.browsers["outsider"], night, cast.stages["Mixing"]))
    # On B's own host, an id of A's that B does not have names nothing there.
    assert move(cast.browsers["b_owner"], ben, cast.stages["Mixing"]).status_code == 404
    assert column(cast, "Mixing") == []


def test_studio_a_project_pages_are_404_on_studio_b(cast):
    ben = cast.projects["ben"]
    page = cast.browsers["b_owner"].get(f"/admin/studio/project/{ben.pk}/change/")
    assert page.status_code in (302, 404)
    if page.status_code == 302:  # Django's admin redirects a missing object to the index
        assert "/admin/" in page["Location"]
    assert "Night Drive" not in cast.browsers["b_owner"].get(BOARD).text


# --- the columns --------------------------------------------------------------------------------


def test_an_owner_adds_renames_reorders_and_deletes_stages(cast):
    owner = cast.browsers["owner"]
    owner.post(f"{BOARD}stages/", {"name": "Vinyl cut", "colour": "rose"})
    with cast.a():
        vinyl = ProjectStage.objects.get(name="Vinyl cut")
        assert vinyl.colour == "rose" and vinyl.position == 5
    owner.post(f"{BOARD}stages/{vinyl.pk}/", {"name": "Lacquer", "colour": "sky"})
    with cast.a():
        vinyl.refresh_from_db()
        assert (vinyl.name, vinyl.colour) == ("Lacquer", "sky")
        order = [vinyl.pk, *ProjectStage.objects.exclude(pk=vinyl.pk).values_list("pk", flat=True)]
    answer = owner.post(
        f"{BOARD}stages/order/", json.dumps({"stages": order}), content_type="application/json"
    )
    assert answer.status_code == 200
    with cast.a():
        assert ProjectStage.objects.first().name == "Lacquer"
        assert AuditEntry.objects.filter(
            model="projectstage", action="projectstage.reordered"
        ).exists()
    owner.post(f"{BOARD}stages/{vinyl.pk}/delete/")
    with cast.a():
        assert not ProjectStage.objects.filter(pk=vinyl.pk).exists()


def test_a_stage_holding_projects_is_not_deleted_and_says_why(cast):
    first = cast.stages["Pre-production"]
    answer = cast.browsers["owner"].post(f"{BOARD}stages/{first.pk}/delete/", follow=True)
    assert "still holds 3 project(s)" in answer.text
    with cast.a():
        assert ProjectStage.objects.filter(pk=first.pk).exists()


def test_a_duplicate_stage_name_is_refused(cast):
    answer = cast.browsers["owner"].post(
        f"{BOARD}stages/", {"name": "mixing", "colour": "sky"}, follow=True
    )
    assert "There is already a stage called" in answer.text
    with cast.a():
        assert ProjectStage.objects.count() == 5


@pytest.mark.parametrize("role", ["engineer", "accountant", "desk"])
def test_only_owners_and_managers_edit_the_columns(cast, role):
    browser = cast.browsers[role]
    mixing = cast.stages["Mixing"]
    browser.post(f"{BOARD}stages/", {"name": "Sneaky", "colour": "rose"})
    browser.post(f"{BOARD}stages/{mixing.pk}/", {"name": "Renamed", "colour": "rose"})
    browser.post(f"{BOARD}stages/{cast.stages['Delivered'].pk}/delete/")
    with cast.a():
        order = list(ProjectStage.objects.values_list("pk", flat=True))
    answer = browser.post(
        f"{BOARD}stages/order/",
        json.dumps({"stages": order[::-1]}),
        content_type="application/json",
    )
    assert answer.status_code in (403, 409)
    with cast.a():
        assert list(ProjectStage.objects.values_list("pk", flat=True)) == order
        assert not ProjectStage.objects.filter(name__in=["Sneaky", "Renamed"]).exists()
        assert ProjectStage.objects.count() == 5


def test_the_move_buttons_reorder_columns_without_javascript(cast):
    html = cast.browsers["owner"].get(BOARD).text
    assert "Move right →" in html and "← Move left" in html
    with cast.a():
        order = list(ProjectStage.objects.values_list("pk", flat=True))
    swapped = [order[1], order[0], *order[2:]]
    cast.browsers["owner"].post(f"{BOARD}stages/order/", {"stages": swapped})
    with cast.a():
        assert list(ProjectStage.objects.values_list("pk", flat=True)) == swapped


# --- cost ---------------------------------------------------------------------------------------


def board_queries(cast) -> int:
    browser = cast.browsers["owner"]
    browser.get(BOARD)
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(BOARD).status_code == 200
    return len(queries)


def grow(cast, count: int) -> None:
    with cast.a():
        stages = list(ProjectStage.objects.all())
        clients = [ClientFactory() for _ in range(5)]
        Project.objects.bulk_create(
            Project(
                client=clients[i % 5],
                title=f"Project {i}",
                stage=stages[i % len(stages)],
                board_position=1000 + i,
                budget=Decimal("500") if i % 2 else None,
            )
            for i in range(count)
        )


def test_the_board_costs_the_same_queries_for_200_or_2000_projects(cast):
    grow(cast, 200)
    small = board_queries(cast)
    grow(cast, 1800)
    assert board_queries(cast) == small


def test_a_long_column_shows_its_first_cards_and_links_to_the_rest(cast):
    grow(cast, 300)  # 60 more in each of the five stages
    html = cast.browsers["owner"].get(BOARD).text
    with cast.a():
        first = ProjectStage.objects.first()
    column = html.split(f'aria-labelledby="stage-{first.pk}"')[1].split("</section>")[0]
    assert column.count('class="board-card"') == 50
    assert "and 13 more: open the list" in column  # 3 of the cast's + 60, 50 shown
    assert f"?stage__id__exact={first.pk}" in column
    assert '<span class="board-count" data-count>63</span>' in column
