"""A project's pages in the back office and what sessions, the dashboard, the command palette
and the settings page show of projects: saves through the services, refusals as form errors
with nothing written, money for those who see money, and the roles' limits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from studio.admin.projects import track_url
from studio.models import AuditEntry, Project, ProjectExpense, ProjectStage, Session, Track
from studio.money import money_format
from studio.services.projects import expense_add, track_create
from studio.services.sessions import session_create
from tests.projects.admin_cast import Cast, cast_make, refused
from tests.studio.conftest import paris
from tests.studio.factories import RoomFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/studio/project/"


@pytest.fixture
def cast(studio_a, studio_b) -> Cast:
    return cast_make(studio_a, studio_b)


def change_url(project) -> str:
    return f"{LIST}{project.pk}/change/"


def project_form(project, **extra) -> dict:
    """What the project's page posts, unchanged, with no new inline rows."""
    data = {
        "title": project.title,
        "kind": project.kind,
        "client": project.client_id,
        "stage": project.stage_id,
        "start_date": project.start_date or "",
        "target_date": project.target_date or "",
        "delivered_on": project.delivered_on or "",
        "budget": project.budget if project.budget is not None else "",
        "retention_until": "",
        "notes": project.notes,
        "tracks-TOTAL_FORMS": "0",
        "tracks-INITIAL_FORMS": "0",
        "tracks-MIN_NUM_FORMS": "0",
        "tracks-MAX_NUM_FORMS": "1000",
        "expenses-TOTAL_FORMS": "0",
        "expenses-INITIAL_FORMS": "0",
        "expenses-MIN_NUM_FORMS": "0",
        "expenses-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def form_errors(response) -> list[str]:
    errors = [m for ms in response.context["adminform"].form.errors.values() for m in ms]
    for formset in response.context.get("inline_admin_formsets", []):
        for form_errors in formset.formset.errors:
            errors += [m for ms in form_errors.values() for m in ms]
    return errors


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_client_stage_budget_target_and_tracks(cast):
    with cast.a():
        night = cast.projects["night"]
        track_create(project=night, title="Intro")
        expense_add(project=night, description="Strings", amount=Decimal("950"))
        Project.objects.filter(pk=night.pk).update(target_date=date(2027, 3, 1))
    html = cast.browsers["owner"].get(LIST).text
    assert "Night Drive" in html and "Ana Lima" in html and "Pre-production" in html
    assert "950" in html and "On budget" not in html  # 95 % spent: the warning label
    assert "90 % spent" in html


def test_an_engineer_sees_projects_but_no_budget(cast):
    html = cast.browsers["engineer"].get(LIST).text
    assert "Night Drive" in html and "On budget" not in html and "No budget" not in html
    page = cast.browsers["engineer"].get(change_url(cast.projects["night"])).text
    assert 'id="project-budget"' not in page and 'name="budget"' not in page


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_outsiders_cannot_open_projects(cast, who):
    assert refused(cast.browsers[who].get(LIST))
    assert refused(cast.browsers[who].get(change_url(cast.projects["night"])))


# --- creating and changing ----------------------------------------------------------------------


def test_the_add_form_creates_through_the_service(cast):
    with cast.a():
        ana = cast.projects["night"].client
        recording = cast.stages["Recording"]
    answer = cast.browsers["owner"].post(
        f"{LIST}add/",
        {
            "title": "Second album",
            "kind": "album",
            "client": ana.pk,
            "stage": recording.pk,
            "start_date": "2027-01-10",
            "target_date": "2027-02-10",
            "delivered_on": "",
            "budget": "5000",
            "notes": "",
        },
    )
    assert answer.status_code == 302, form_errors(answer)
    with cast.a():
        project = Project.objects.get(title="Second album")
        assert project.stage == recording and project.budget == Decimal("5000")
        assert AuditEntry.objects.filter(
            model="project", action="project.created", object_id=str(project.pk)
        ).exists()


def test_a_target_before_the_start_is_refused_and_nothing_changes(cast):
    night = cast.projects["night"]
    answer = cast.browsers["owner"].post(
        change_url(night),
        project_form(night, start_date="2027-03-01", target_date="2027-02-01"),
    )
    assert answer.status_code == 200
    assert "The target date cannot be before the start date." in form_errors(answer)
    with cast.a():
        night.refresh_from_db()
        assert night.start_date is None and night.target_date is None


def test_changing_the_stage_on_the_form_moves_the_card(cast):
    night = cast.projects["night"]
    answer = cast.browsers["owner"].post(
        change_url(night), project_form(night, stage=cast.stages["Mixing"].pk)
    )
    assert answer.status_code == 302, form_errors(answer)
    with cast.a():
        assert AuditEntry.objects.filter(
            model="project", action="project.stage_moved", object_id=str(night.pk)
        ).exists()


def test_tracks_are_added_and_edited_inline_through_the_services(cast):
    night = cast.projects["night"]
    rows = {
        "tracks-TOTAL_FORMS": "2",
        "tracks-0-number": "1",
        "tracks-0-title": "Intro",
        "tracks-0-status": "recording",
        "tracks-0-isrc": "gb-ab1-26-00042",
        "tracks-1-number": "2",
        "tracks-1-title": "Night Drive",
        "tracks-1-status": "mixing",
        "tracks-1-bpm": "120",
    }
    answer = cast.browsers["engineer"].post(change_url(night), project_form(night, **rows))
    assert answer.status_code == 302, form_errors(answer)
    with cast.a():
        intro = Track.objects.get(project=night, number=1)
        assert intro.isrc == "GBAB12600042"
        assert AuditEntry.objects.filter(model="track", action="track.created").count() == 2
        link = track_url(intro)
    page = cast.browsers["owner"].get(change_url(night)).text
    # Each row opens the track's own page (credits, splits, audio) once it exists.
    assert (link and link in page) or (not link and "Credits, audio" not in page)


def test_a_bad_isrc_in_the_tracks_refuses_the_whole_save(cast):
    night = cast.projects["night"]
    rows = {
        "title": "Night Drive (renamed)",
        "tracks-TOTAL_FORMS": "2",
        "tracks-0-number": "1",
        "tracks-0-title": "Intro",
        "tracks-0-status": "recording",
        "tracks-1-number": "2",
        "tracks-1-title": "Outro",
        "tracks-1-status": "recording",
        "tracks-1-isrc": "GB-AB1-2026-42",
    }
    answer = cast.browsers["owner"].post(change_url(night), project_form(night, **rows))
    assert answer.status_code == 200
    assert any("is not an ISRC" in message for message in form_errors(answer))
    with cast.a():
        assert not Track.objects.filter(project=night).exists()
        night.refresh_from_db()
        assert night.title == "Night Drive"


def test_expenses_are_added_by_those_who_see_money_only(cast):
    night = cast.projects["night"]
    rows = {
        "expenses-TOTAL_FORMS": "1",
        "expenses-0-description": "Session strings",
        "expenses-0-amount": "300",
        "expenses-0-spent_on": "",
    }
    answer = cast.browsers["owner"].post(change_url(night), project_form(night, **rows))
    assert answer.status_code == 302, form_errors(answer)
    with cast.a():
        assert ProjectExpense.objects.get(project=night).amount == Decimal("300")
    engineer_page = cast.browsers["engineer"].get(change_url(night)).text
    assert "expenses-TOTAL_FORMS" not in engineer_page
    # Posted anyway, the rows are ignored: the engineer's page has no expenses formset.
    cast.browsers["engineer"].post(change_url(night), project_form(night, **rows))
    with cast.a():
        assert ProjectExpense.objects.filter(project=night).count() == 1


def test_the_accountant_cannot_change_a_project(cast):
    night = cast.projects["night"]
    answer = cast.browsers["accountant"].post(
        change_url(night), project_form(night, title="Renamed")
    )
    assert answer.status_code in (302, 403) or "Renamed" not in answer.text
    with cast.a():
        night.refresh_from_db()
        assert night.title == "Night Drive"


# --- the budget panel ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spent", "expected", "unexpected"),
    [
        ("500", "500,00", "of the budget is spent"),
        ("900", "90 % of the budget is spent", "Over budget"),
        ("1200", "Over budget: the project has spent more than its budget.", "% of the budget"),
    ],
)
def test_the_budget_panel_warns_from_90_percent_and_when_over(cast, spent, expected, unexpected):
    night = cast.projects["night"]
    with cast.a():
        expense_add(project=night, description="Hire", amount=Decimal(spent))
    page = cast.browsers["owner"].get(change_url(night)).text
    normalised = page.replace("\u202f", " ").replace("\xa0", " ")
    assert expected in normalised or expected.replace(",", ".") in normalised
    assert unexpected not in normalised


def test_the_budget_counts_linked_sessions_at_their_price(cast):
    night = cast.projects["night"]
    with cast.a():
        room = RoomFactory(name="Live Room", hourly_rate=Decimal("100"))
        session = session_create(
            client=night.client, room=room, start=paris(2027, 1, 5, 10), end=paris(2027, 1, 5, 19)
        )
        Session.objects.filter(pk=session.pk).update(project=night)
        price = money_format(Session.objects.get(pk=session.pk).price, night.currency)
    page = cast.browsers["owner"].get(change_url(night)).text
    assert 'id="project-sessions"' in page and "Live Room" in page
    budget = page.split('id="project-budget"')[1].split('id="project-masters"')[0]
    assert f"Sessions {price}" in budget


# --- masters and retention ----------------------------------------------------------------------


def test_the_page_says_the_masters_wait_for_an_invoice(cast):
    page = cast.browsers["owner"].get(change_url(cast.projects["night"])).text
    assert "once the studio has invoiced the project" in page
    assert "Release masters without payment" in page


def test_the_owner_releases_masters_without_payment(cast):
    night = cast.projects["night"]
    url = f"{LIST}{night.pk}/release-masters/"
    assert cast.browsers["owner"].get(url).status_code == 200
    answer = cast.browsers["owner"].post(url)
    assert answer.status_code == 302
    with cast.a():
        night.refresh_from_db()
        assert night.masters_released_at is not None
        assert AuditEntry.objects.filter(
            model="project", action="project.masters_released"
        ).exists()
    assert "Released by the studio." in cast.browsers["owner"].get(change_url(night)).text


@pytest.mark.parametrize("role", ["engineer", "accountant", "desk"])
def test_other_roles_cannot_release_masters(cast, role):
    night = cast.projects["night"]
    answer = cast.browsers[role].post(f"{LIST}{night.pk}/release-masters/")
    assert answer.status_code == 403
    with cast.a():
        night.refresh_from_db()
        assert night.masters_released_at is None


def test_the_retention_line_follows_the_studio_rule(cast):
    from studio.selectors.settings import studio_settings_get

    night = cast.projects["night"]
    with cast.a():
        settings = studio_settings_get()
        settings.audio_retention_days = 30
        settings.save()
        Project.objects.filter(pk=night.pk).update(delivered_on=date(2027, 1, 1))
    page = cast.browsers["owner"].get(change_url(night)).text
    assert "Audio files will be deleted on 31 Jan 2027." in page
    assert 'name="retention_until"' in page


# --- sessions -----------------------------------------------------------------------------------


@pytest.fixture
def session(cast):
    with cast.a():
        room = RoomFactory(name="Live Room")
        return session_create(
            client=cast.projects["night"].client,
            room=room,
            start=paris(2027, 1, 5, 10),
            end=paris(2027, 1, 5, 13),
        )


def session_form(session, **extra) -> dict:
    return {
        "client": session.client_id,
        "room": session.room_id,
        "start_0": "2027-01-05",
        "start_1": "10:00",
        "end_0": "2027-01-05",
        "end_1": "13:00",
        "notes": "",
        "recall_notes": "",
        **extra,
    }


def test_a_project_is_created_from_a_session(cast, session):
    url = f"/admin/studio/session/{session.pk}/new-project/"
    assert "Create a project from this session" in cast.browsers["owner"].get(url).text
    answer = cast.browsers["engineer"].post(url, {"title": "Live EP", "kind": "ep"})
    assert answer.status_code == 302
    with cast.a():
        project = Project.objects.get(title="Live EP")
        assert project.client_id == session.client_id
        assert project.start_date == date(2027, 1, 5)
        assert answer["Location"] == change_url(project)
        session.refresh_from_db()
        assert session.project_id == project.pk


@pytest.mark.parametrize("role", ["accountant", "desk"])
def test_roles_without_projects_cannot_create_one_from_a_session(cast, session, role):
    answer = cast.browsers[role].post(
        f"/admin/studio/session/{session.pk}/new-project/", {"title": "X", "kind": "ep"}
    )
    assert answer.status_code == 403
    with cast.a():
        assert not Project.objects.filter(title="X").exists()


def test_the_session_form_offers_only_the_clients_projects(cast, session):
    page = cast.browsers["owner"].get(f"/admin/studio/session/{session.pk}/change/").text
    assert "Night Drive" in page and "B-sides" in page
    assert "Ben&#x27;s single" not in page


def test_the_session_form_links_the_session_to_a_project(cast, session):
    night = cast.projects["night"]
    answer = cast.browsers["owner"].post(
        f"/admin/studio/session/{session.pk}/change/", session_form(session, project=night.pk)
    )
    assert answer.status_code == 302
    with cast.a():
        session.refresh_from_db()
        assert session.project_id == night.pk
        assert AuditEntry.objects.filter(
            model="session", object_id=str(session.pk), changes__has_key="project"
        ).exists()


def test_another_clients_project_is_refused_on_the_session(cast, session):
    ben = cast.projects["ben"]
    answer = cast.browsers["owner"].post(
        f"/admin/studio/session/{session.pk}/change/",
        session_form(session, project=ben.pk, notes="changed"),
    )
    assert answer.status_code == 200
    with cast.a():
        session.refresh_from_db()
        assert session.project_id is None and session.notes == ""


def test_a_session_of_a_project_shows_its_tracks_recall_notes(cast, session):
    night = cast.projects["night"]
    with cast.a():
        track_create(project=night, title="Intro", recall_notes="U47 on vocals, LA-2A at 3 dB")
        track_create(project=night, title="Outro")
        Session.objects.filter(pk=session.pk).update(project=night)
    page = cast.browsers["engineer"].get(f"/admin/studio/session/{session.pk}/change/").text
    assert 'id="session-recall"' in page
    assert "U47 on vocals, LA-2A at 3 dB" in page and "1. Intro" in page
    assert "2. Outro" not in page


def test_a_session_without_a_project_has_no_recall_panel(cast, session):
    page = cast.browsers["owner"].get(f"/admin/studio/session/{session.pk}/change/").text
    assert 'id="session-recall"' not in page


def test_the_calendar_shows_the_sessions_project(cast, session):
    with cast.a():
        Session.objects.filter(pk=session.pk).update(project=cast.projects["night"])
    feed = cast.browsers["owner"].get(
        "/admin/calendar/feed/", {"start": "2027-01-04T00:00:00", "end": "2027-01-11T00:00:00"}
    )
    event = next(e for e in feed.json() if e["id"] == session.pk)
    assert event["extendedProps"]["project"] == "Night Drive"
    assert event["title"].endswith("· Night Drive")


# --- dashboard, palette, settings ---------------------------------------------------------------


def test_the_dashboard_counts_active_projects_by_stage(cast):
    with cast.a():
        from studio.services.projects import project_stage_set

        project_stage_set(project=cast.projects["ben"], stage=cast.stages["Delivered"])
    html = cast.browsers["owner"].get("/admin/").text
    assert 'id="projects-by-stage"' in html
    card = html.split('id="projects-by-stage"')[1].split("</div>\n</div>")[0]
    assert "Pre-production" in card and "Delivered" not in card
    assert '<span class="text-2xl font-semibold tabular-nums">2</span>' in card


def test_the_command_palette_finds_projects_for_those_who_may_see_them(cast):
    owner = cast.browsers["owner"].get("/admin/search/", {"s": "Night Dr"}).text
    assert "Night Drive" in owner
    outsider = cast.browsers["outsider"].get("/admin/search/", {"s": "Night Dr"})
    assert refused(outsider) or "Night Drive" not in outsider.text


def test_the_command_palette_finds_tracks_too(cast):
    with cast.a():
        track_create(project=cast.projects["night"], title="Moonlit Intro")
    found = cast.browsers["owner"].get("/admin/search/", {"s": "Moonlit"}).text
    assert "Moonlit Intro" in found


def test_the_settings_page_has_the_retention_fields(cast):
    with cast.a():
        from studio.selectors.settings import studio_settings_get

        pk = studio_settings_get().pk
    page = cast.browsers["owner"].get(f"/admin/studio/studiosettings/{pk}/change/").text
    assert "Projects and audio" in page
    assert 'name="audio_retention_days"' in page and 'name="retention_warning_days"' in page


def test_stages_are_saved_through_the_stage_service(cast):
    answer = cast.browsers["owner"].post(
        "/admin/studio/projectstage/add/", {"name": "Recording", "colour": "sky"}
    )
    assert answer.status_code == 200 and "There is already a stage called" in answer.text
    with cast.a():
        assert ProjectStage.objects.count() == 5


def test_an_overspent_budget_says_by_how_much_as_a_positive_amount(cast):
    night = cast.projects["night"]
    with cast.a():
        expense_add(project=night, description="Hire", amount=Decimal("1200"))
    page = cast.browsers["owner"].get(change_url(night)).text
    normalised = page.replace("\u202f", " ").replace("\xa0", " ")
    assert "over by -" not in normalised
    assert "over by €200" in normalised or "over by 200" in normalised


def test_a_booking_that_brings_the_project_near_its_budget_warns_who_sees_money(cast, session):
    night = cast.projects["night"]
    with cast.a():
        expense_add(project=night, description="Session players", amount=Decimal("950"))
    answer = cast.browsers["owner"].post(
        f"/admin/studio/session/{session.pk}/change/",
        session_form(session, project=night.pk),
        follow=True,
    )
    text = answer.text.replace("\u202f", " ").replace("\xa0", " ")
    warned = ("Night Drive is over its budget", "Night Drive has spent")
    assert any(words in text for words in warned)
    with cast.a():
        Session.objects.filter(pk=session.pk).update(project=None)
    engineer = cast.browsers["engineer"].post(
        f"/admin/studio/session/{session.pk}/change/",
        session_form(session, project=night.pk),
        follow=True,
    )
    assert engineer.status_code == 200
    assert not any(words in engineer.text for words in warned)
