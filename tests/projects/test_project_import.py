"""Projects and tracks (with credits) through the import registry: a CSV or XLSX exported here
imports back unchanged, new rows are written by the project services, and a bad row is told
what is wrong, by line, with nothing written."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook
from tablib import Dataset

from studio.models import Credit, Project, Track
from studio.resources import RESOURCES, ProjectResource, TrackResource
from studio.services.errors import PermissionRefused
from studio.services.imports import import_file
from studio.services.projects import credit_add, project_create, track_create
from tests.studio.conftest import staff_user
from tests.studio.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(in_studio_a):
    return ClientFactory(name="Ana Lima", email="ana@example.com")


def run(key: str, text: str, **kwargs):
    return import_file(resource_key=key, data=text.encode(), filename=f"{key}.csv", **kwargs)


def export(resource_class, *, show_money: bool = True) -> Dataset:
    return resource_class(show_money=show_money).export()


def test_both_are_in_the_registry():
    assert RESOURCES["projects"] is ProjectResource
    assert RESOURCES["tracks"] is TrackResource


def test_projects_are_created_by_the_service_with_their_stage(ana):
    report = run(
        "projects",
        "Title,Client,Type,Stage,Budget,Start date,Target date\n"
        "Night Drive,Ana Lima,EP,Mixing,1500,2027-01-10,2027-03-01\n"
        "Live at home,Ana Lima,album,,,,\n",
    )
    assert report.committed, report.as_text()
    night = Project.objects.get(title="Night Drive")
    assert (night.kind, night.stage.name, night.budget) == ("ep", "Mixing", Decimal("1500"))
    assert Project.objects.get(title="Live at home").stage.name == "Pre-production"


def test_tracks_and_their_credits_are_imported(ana):
    project_create(client=ana, title="Night Drive")
    report = run(
        "tracks",
        "Project,No.,Title,Status,BPM,Key,ISRC,Duration,Credits\n"
        'Night Drive,1,Intro,mixing,92,C# minor,GB-AB1-26-00042,3:42,"Ana Lima: songwriter; '
        'Ben Ko: musician (bass)"\n'
        "Night Drive,2,Outro,,,,,,\n",
    )
    assert report.committed, report.as_text()
    intro = Track.objects.get(title="Intro")
    assert (intro.number, intro.status, intro.key, intro.isrc, intro.duration_seconds) == (
        1,
        "mixing",
        "C♯/D♭ minor",
        "GBAB12600042",
        222,
    )
    assert sorted(str(c) for c in intro.credits.all()) == [
        "Ana Lima — Songwriter",
        "Ben Ko — Musician (bass)",
    ]


def test_an_export_imports_back_unchanged(ana):
    project = project_create(client=ana, title="Night Drive", budget=Decimal("800"))
    track = track_create(project=project, title="Intro", isrc="GBAB12600042", bpm=Decimal("92"))
    credit_add(track=track, person="Ana Lima", role="songwriter")
    credit_add(track=track, person="Ben Ko", role="musician", instrument="bass")
    projects_csv = export(ProjectResource).csv
    tracks_csv = export(TrackResource).csv
    assert "Ben Ko: musician (bass); Ana Lima: songwriter" in tracks_csv

    for key, text in (("projects", projects_csv), ("tracks", tracks_csv)):
        report = run(key, text)
        assert report.counts["new"] == 0 and report.counts["update"] == 0, report.as_text()
        assert report.counts["skip"] == 1
    assert Project.objects.count() == 1 and Credit.objects.count() == 2


def test_an_xlsx_file_is_read_too(ana):
    project_create(client=ana, title="Night Drive")
    book = Workbook()
    sheet = book.active
    sheet.append(["Project", "No.", "Title", "BPM", "Credits"])
    sheet.append(["Night Drive", 1, "Intro", 120, "Cleo Ray: mixing engineer"])
    data = io.BytesIO()
    book.save(data)
    report = import_file(resource_key="tracks", data=data.getvalue(), filename="tracks.xlsx")
    assert report.committed, report.as_text()
    track = Track.objects.get(title="Intro")
    assert track.bpm == Decimal("120") and track.credits.get().role == "mixing"


def test_budgets_are_left_out_of_an_export_for_staff_who_do_not_see_money(ana):
    project_create(client=ana, title="Night Drive", budget=Decimal("800"))
    assert "Budget" in export(ProjectResource).headers
    assert "Budget" not in export(ProjectResource, show_money=False).headers


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Night Drive,2,Bad,,,,GB-AB1-2026-42,,", "is not an ISRC"),
        ("Night Drive,3,Bad,,,,,,Ana Lima songwriter", "is not a credit"),
        ("Night Drive,4,Bad,,,,,,Ana Lima: drummer", "is not a credit role"),
        ("Night Drive,5,Bad,,,,,9:99,", "is not a duration"),
        ("Night Drive,6,Bad,,500,,,,", "Ensure this value is less than or equal to 400"),
        ("Nowhere,7,Bad,,,,,,", "No project is called “Nowhere”"),
        ("Night Drive,1,Twice,,,,,,", ""),
        ("Night Drive,8,Bad,,,H major,,,", "is not a key"),
    ],
)
def test_a_bad_track_row_is_refused_by_line_and_nothing_is_written(ana, line, message):
    project = project_create(client=ana, title="Night Drive")
    track_create(project=project, title="Intro")
    header = "Project,No.,Title,Status,BPM,Key,ISRC,Duration,Credits\n"
    good = "Night Drive,9,Fine,,,,,,\n"
    report = run("tracks", header + good + line + "\n")
    if not message:  # an existing number updates that track instead
        assert report.committed
        assert Track.objects.get(project=project, number=1).title == "Twice"
        return
    assert not report.committed
    assert [e.line for e in report.errors] == [3]
    assert message in report.errors[0].message, report.as_text()
    assert list(project.tracks.values_list("title", flat=True)) == ["Intro"]


def test_bad_project_rows_are_refused_with_their_reason(ana):
    report = run(
        "projects",
        "Title,Client,Type,Stage,Start date,Target date\n"
        "Good one,Ana Lima,EP,,,\n"
        "Late,Ana Lima,EP,,2027-03-01,2027-02-01\n"
        "Lost,Nobody,EP,,,\n"
        "Odd,Ana Lima,cassette,,,\n"
        "Staged,Ana Lima,EP,Vinyl cut,,\n"
        "Good one,Ana Lima,EP,,,\n",
    )
    assert not report.committed
    reasons = {e.line: e.message for e in report.errors}
    assert "The target date cannot be before the start date." in reasons[3]
    assert "No client is called “Nobody”" in reasons[4]
    assert "is not a project type" in reasons[5]
    assert "No board stage is called “Vinyl cut”" in reasons[6]
    assert "Line 2 of this file is already" in reasons[7]
    assert not Project.objects.exists()


def test_a_hostile_title_is_exported_safe_for_a_spreadsheet(ana):
    from studio.resources.export import export_file

    project_create(client=ana, title='=HYPERLINK("http://evil.example","x")')
    data = export_file(export(ProjectResource), _csv_format())
    assert "'=HYPERLINK" in (data if isinstance(data, str) else data.decode())


def _csv_format():
    from import_export.formats.base_formats import CSV

    return CSV()


def test_an_accountant_cannot_import_tracks(ana):
    accountant = staff_user("books@studio-a.example", "Accountant")
    project_create(client=ana, title="Night Drive")
    with pytest.raises(PermissionRefused):
        run("tracks", "Project,Title\nNight Drive,Intro\n", by=accountant)
    assert not Track.objects.exists()


def test_an_engineer_imports_tracks_with_credits_and_the_front_desk_cannot(ana):
    engineer = staff_user("eng@studio-a.example", "Engineer")
    desk = staff_user("desk@studio-a.example", "Front desk")
    project_create(client=ana, title="Night Drive")
    report = run("tracks", "Project,Title,Credits\nNight Drive,Intro,Ana: artist\n", by=engineer)
    assert report.committed, report.as_text()
    for key, text in (
        ("tracks", "Project,Title\nNight Drive,Outro\n"),
        ("projects", "Title,Client\nNew,Ana Lima\n"),
    ):
        with pytest.raises(PermissionRefused):
            run(key, text, by=desk)
    assert Project.objects.count() == 1 and Track.objects.count() == 1
