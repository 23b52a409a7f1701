"""Staff take a finished session to a project with audio on the board, in Chromium: the owner
creates the project from the completed session's page (the session and its price show in the
project's panels), adds a track, credits two people and sets the publishing splits (99.5 % is
refused, nothing saved; 100 % is saved); an engineer uploads a WAV generated here through the
track page's uploader, the version is processed and the waveform is drawn from the stored peaks
without fetching the original file; play moves the time; the owner drags the card to Mixing on
the board and the move is in the audit trail.

Photographs of the track page, the board after the drag and the project page go to SHOTS.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import soundfile
from django.contrib.auth.models import User
from django.core import signing
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from studio.models import (
    AudioVersion,
    AuditEntry,
    Client,
    Credit,
    Project,
    ProjectStage,
    Room,
    Session,
    Split,
    Track,
)
from studio.selectors.settings import studio_settings_get
from studio.services.audio_urls import SALT
from studio.services.session_lifecycle import session_check_in, session_check_out
from studio.services.sessions import session_create
from tests.conftest import forget_media_root
from tests.e2e.test_calendar_journey import sign_in
from tests.studio.conftest import staff_user

SHOTS = Path("/tmp/shots/h7")
ENGINEER = ("engineer@e2e-studio.example", "e2e-engineer-Passw0rd")


def wav_make(path: Path, *, seconds: int = 50, rate: int = 48_000) -> Path:
    """A stereo 24-bit WAV over quiet noise: a 220 Hz tone swelling from 0.1 to 0.9 on the
    left, steady at 0.4 on the right, so the stored peaks have a shape to check."""
    t = np.arange(seconds * rate) / rate
    tone = np.sin(2 * np.pi * 220 * t)
    swell = 0.1 + 0.8 * t / seconds
    noise = np.random.default_rng(16).normal(0, 0.01, (t.size, 2))
    frames = np.column_stack([swell * tone, 0.4 * tone]) + noise
    soundfile.write(path, frames, rate, subtype="PCM_24")
    return path


def variant_of(url: str) -> str | None:
    """The variant ("stream" or "download") an audio address grants, None for other requests."""
    found = re.search(r"/audio/([^/?]+)/?", url)
    if not found:
        return None
    try:
        return signing.loads(found.group(1), salt=SALT)[1]
    except signing.BadSignature:
        return None


@pytest.fixture
def completed(e2e_studio, django_db_blocker, settings, tmp_path):
    """A client's session of yesterday, checked in and out: 4 h in a €60 room."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    forget_media_root()
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        tz = studio_settings_get().tz
        day = timezone.localdate(timezone=tz) - timedelta(days=1)
        start = datetime(day.year, day.month, day.day, 10, tzinfo=tz)
        room = Room.objects.create(name="Live Room", hourly_rate=Decimal("60"), buffer_minutes=0)
        band = Client.objects.create(
            name="Marta Ruiz", artist_name="The Lanterns", email="lanterns@example.com"
        )
        session = session_create(
            client=band, room=room, start=start, end=start + timedelta(hours=4)
        )
        session_check_in(session=session, at=start)
        session = session_check_out(session=session, at=start + timedelta(hours=4))
        staff_user(ENGINEER[0], "Engineer", password=ENGINEER[1])
    connection.set_schema_to_public()
    yield session
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        AudioVersion.objects.all().delete()
        Project.objects.all().delete()
        Session.objects.all().delete()
        Room.objects.all().delete()
        Client.objects.all().delete()
        User.objects.filter(email=ENGINEER[0]).delete()
    connection.set_schema_to_public()
    forget_media_root()


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_staff_take_a_session_to_a_project_with_audio_on_the_board(
    page, browser, live_url, e2e_studio, django_db_blocker, completed, tmp_path
):
    session = completed
    assert session.status == Session.Status.COMPLETED
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))

    # 1-2. From the session's page to a new project holding the session.
    sign_in(page, live_url)
    page.goto(f"{live_url}/admin/studio/session/{session.pk}/change/")
    page.get_by_role("link", name="Create a project from this session").click()
    page.wait_for_url(re.compile(rf"/admin/studio/session/{session.pk}/new-project/"))
    page.locator("input[name='title']").fill("Night Lights EP")
    page.locator("select[name='kind']").select_option(label="EP")
    page.get_by_role("button", name="Create a project from this session").click()
    page.wait_for_url(re.compile(r"/admin/studio/project/\d+/change/$"))
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        project = Project.objects.get(title="Night Lights EP")
        assert project.client_id == session.client_id
        assert Session.objects.get(pk=session.pk).project_id == project.pk
    connection.set_schema_to_public()
    assert page.url.endswith(f"/admin/studio/project/{project.pk}/change/")
    sessions = page.locator("#project-sessions").inner_text()
    assert "Live Room" in sessions and "Completed" in sessions
    assert "240.00" in sessions  # 4 h at €60
    budget = page.locator("#project-budget").inner_text()
    assert "240.00" in budget and "no budget set" in budget

    # 3. A track on the project page, then its own page.
    page.get_by_text("Add another Track").click()
    page.locator("input[name='tracks-0-number']").fill("1")
    page.locator("input[name='tracks-0-title']").fill("Harbour Lights")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        track = Track.objects.get(project=project)
    connection.set_schema_to_public()
    assert track.title == "Harbour Lights"
    _shoot(page, "project-page-1440.png")
    page.get_by_role("link", name="Credits, audio…").click()
    page.wait_for_url(re.compile(rf"/admin/studio/track/{track.pk}/change/"))

    credits = page.locator("#credits")
    for person, role, instrument in (
        ("Marta Ruiz", "songwriter", ""),
        ("Jon Vega", "musician", "Bass"),
    ):
        credits.locator("input[name='person']").fill(person)
        credits.locator("select[name='role']").select_option(role)
        credits.locator("input[name='instrument']").fill(instrument)
        with page.expect_navigation():
            credits.get_by_role("button", name="Add credit").click()
    credits = page.locator("#credits")
    assert "Marta Ruiz" in credits.inner_text() and "Bass" in credits.inner_text()

    def fill_splits(shares):
        form = page.locator("#splits-publishing")
        for row, (person, percent) in enumerate(shares):
            form.locator("input[name='person']").nth(row).fill(person)
            form.locator("input[name='percent']").nth(row).fill(percent)
        return form

    form = fill_splits([("Marta Ruiz", "60"), ("Jon Vega", "39.5")])
    assert form.locator("[data-splits-total]").inner_text() == "99.50 %"
    with page.expect_navigation():
        form.get_by_role("button", name=re.compile(r"^Save .* shares$")).click()
    refused = page.locator("#splits-publishing [role='alert']").inner_text()
    assert "total 99.5 %, not 100 %" in refused and "add 0.5 %" in refused
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        assert not Split.objects.filter(track=track).exists()
    connection.set_schema_to_public()

    form = fill_splits([("Marta Ruiz", "60"), ("Jon Vega", "40")])
    assert form.locator("[data-splits-total]").inner_text() == "100.00 %"
    with page.expect_navigation():
        form.get_by_role("button", name=re.compile(r"^Save .* shares$")).click()
    assert page.locator("#splits-publishing [role='alert']").count() == 0
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        shares = dict(
            Split.objects.filter(track=track, right=Split.Right.PUBLISHING).values_list(
                "person", "percent"
            )
        )
        assert shares == {"Marta Ruiz": Decimal("60"), "Jon Vega": Decimal("40")}
        assert Credit.objects.filter(track=track).count() == 2
    connection.set_schema_to_public()

    # 4. The engineer uploads a mix generated here; the page processes and shows it.
    engineer = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    engineer.on("pageerror", lambda error: errors.append(str(error)))
    engineer.on("console", lambda m: m.type == "error" and errors.append(m.text))
    engineer.goto(f"{live_url}/admin/login/")
    engineer.fill("input[name=username]", ENGINEER[0])
    engineer.fill("input[name=password]", ENGINEER[1])
    engineer.click("button[type=submit]")
    engineer.wait_for_url(f"{live_url}/admin/")
    track_page = f"{live_url}/admin/studio/track/{track.pk}/change/"
    engineer.goto(track_page)
    assert "No audio yet." in engineer.locator("#versions").inner_text()
    wav = wav_make(tmp_path / "harbour-lights-mix1.wav")
    uploader = engineer.locator("[data-audio-upload]")
    uploader.locator("input[type=file]").set_input_files(str(wav))
    uploader.locator("input[name='audio_label']").fill("First mix")
    uploader.locator("[data-audio-upload-go]").click()
    uploader.get_by_text("v1 is ready.").wait_for(timeout=60_000)
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        version = AudioVersion.objects.get(track=track)
        assert (version.number, version.status) == (1, AudioVersion.Status.READY)
        assert (version.sample_rate, version.bit_depth, version.channels) == (48_000, 24, 2)
        assert abs(version.duration_seconds - 50) < 0.01
        peaks = version.peaks
        assert len(peaks) == 2 and len(peaks[0]) > 500
        left, right = np.array(peaks[0]), np.array(peaks[1])
        assert left[:50].mean() < 0.2 and left[-50:].mean() > 0.8  # the swell
        assert abs(right.mean() - 0.4) < 0.05
        assert version.lufs is not None and version.preview
    connection.set_schema_to_public()

    # Opened again, the page draws the stored peaks; nothing fetches the original file.
    asked: list[str] = []
    engineer.on("request", lambda request: asked.append(request.url))
    served: list[str] = []  # the types of the audio answers: the MP3 preview, not the WAV
    engineer.on(
        "response",
        lambda response: (
            variant_of(response.url) and served.append(response.headers.get("content-type", ""))
        ),
    )
    with engineer.expect_navigation():
        uploader.get_by_role("link", name="Reload the page to play it").click()
    engineer.locator("[data-player][data-player-ready='true']").wait_for()
    wave = engineer.locator("[data-player-wave]")
    assert wave.is_visible()
    assert engineer.evaluate(
        "() => { const host = document.querySelector('[data-player-wave] > div');"
        " return !!(host && host.shadowRoot && host.shadowRoot.querySelector('canvas')); }"
    )
    # The plain <audio controls> gives way to the waveform's own bar.
    assert not engineer.locator("[data-player-audio]").is_visible(), errors
    inline = engineer.evaluate(
        "() => JSON.parse(document.getElementById('player-data').textContent)"
    )
    assert inline["versions"][0]["peaks"] == peaks  # inline: no request fetches them
    assert "Ready" in engineer.locator("#versions").inner_text()
    assert "50.0 s" in engineer.locator("#versions").inner_text()
    before_play = [variant_of(url) for url in asked]
    assert "download" not in before_play
    _shoot(engineer, "track-page-after-upload-1440.png")

    engineer.locator("[data-player-play]").click()
    engineer.wait_for_function(
        "() => document.querySelector('[data-player-audio]').currentTime > 0.5", timeout=15_000
    )
    engineer.locator("[data-player-play]").click()  # pause
    played = [variant_of(url) for url in asked]
    assert "stream" in played and "download" not in played
    assert served and set(served) == {"audio/mpeg"}
    engineer.context.close()

    # 5. The board: the card dragged from Pre-production to Mixing stays there.
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        mixing = ProjectStage.objects.get(name="Mixing")
        first_stage = Project.objects.get(pk=project.pk).stage
    connection.set_schema_to_public()
    assert first_stage != mixing
    page.goto(f"{live_url}/admin/projects/board/")
    page.wait_for_load_state("load")
    card = page.locator(f".board-card[data-project='{project.pk}']")
    target = page.locator(f"ol.board-cards[data-stage='{mixing.pk}']")
    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        _drag(page, card, target)
    assert moved.value.status == 200
    page.reload()
    assert page.locator(
        f"ol.board-cards[data-stage='{mixing.pk}'] .board-card[data-project='{project.pk}']"
    ).is_visible()
    _shoot(page, "board-after-drag-1440.png")
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        assert Project.objects.get(pk=project.pk).stage_id == mixing.pk
        entry = AuditEntry.objects.filter(
            action="project.stage_moved", object_id=str(project.pk)
        ).latest("at")
        assert entry.user.email == "owner@e2e-studio.example"
        assert first_stage.name in str(entry.changes) and "Mixing" in str(entry.changes)
    connection.set_schema_to_public()
    # The project's History page (the studio's audit trail) shows the move too.
    page.goto(f"{live_url}/admin/studio/project/{project.pk}/history/")
    moved_row = page.locator("tr", has_text="project.stage_moved")
    assert moved_row.count() == 1
    assert f"{first_stage.name} → Mixing" in moved_row.inner_text()
    assert errors == []


def _drag(page, card, target) -> None:
    """A real drag with the mouse, in steps, as SortableJS expects from a hand."""
    start = card.locator(".board-card-client").bounding_box()
    end = target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    x, y = end["x"] + end["width"] / 2, end["y"] + 20
    page.mouse.move(x, y, steps=20)
    page.mouse.move(x, y + 5, steps=5)
    page.mouse.up()
