"""The player's data: processed versions with their stored peaks and loudness, addresses signed
for the person listening, and the review threads, in a number of queries that does not grow."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studio.models import AudioVersion
from studio.selectors.player import clock, player_config, player_current
from studio.services import audio_review
from studio.services.audio_urls import audio_grant_read
from tests.conftest import STUDIO_A
from tests.projects.track_fixtures import track_make, version_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(in_studio_a):
    return User.objects.get(email=STUDIO_A.owner_email)


@pytest.fixture
def track(in_studio_a):
    return track_make()


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def test_it_lists_ready_versions_newest_first_with_their_stored_peaks(track, owner):
    v1 = version_ready(track, label="Rough", lufs=-16.5)
    v2 = version_ready(track, label="Vocal up", duration=181.25, lufs=-13.9)
    processing = audio_review.version_create(
        track=track,
        file_name="v3.wav",
        stored_name="audio/v3.wav",
        size_bytes=10,
        audio_format="wav",
    )

    player = player_config(track, user=owner)

    assert [v["id"] for v in player["versions"]] == [v2.pk, v1.pk]
    assert processing.pk not in {v["id"] for v in player["versions"]}
    newest = player["versions"][0]
    assert newest["name"] == "v2" and newest["label"] == "Vocal up"
    assert newest["duration"] == 181.25 and newest["duration_clock"] == "3:01"
    assert newest["lufs"] == -13.9
    assert len(newest["peaks"]) == 2 and len(newest["peaks"][0]) == 1000
    assert player["selected"] == v2.pk
    assert player_current(player)["id"] == v2.pk


def test_the_stream_address_is_signed_for_the_person_listening(track, owner):
    version = version_ready(track)
    staff_url = player_config(track, user=owner)["versions"][0]["url"]
    client_url = player_config(track, client=track.project.client)["versions"][0]["url"]

    staff_grant = audio_grant_read(_token(staff_url))
    client_grant = audio_grant_read(_token(client_url))
    assert (staff_grant.version_id, staff_grant.variant) == (version.pk, "stream")
    assert staff_grant.audience == f"u{owner.pk}"
    assert client_grant.audience == f"c{track.project.client_id}"


def test_comments_come_in_time_order_with_their_replies_and_resolved_state(track, owner):
    version = version_ready(track)
    late = audio_review.comment_add(version=version, body="Snare too loud", at_seconds=90, by=owner)
    early = audio_review.comment_add(
        version=version, body="Intro drags", at_seconds="12.5", until_seconds=30, by=owner
    )
    audio_review.comment_add(
        version=version, body="Agreed", at_seconds=0, parent=early, client=track.project.client
    )
    audio_review.comment_resolve(comment=late, by=owner)

    comments = player_config(track, user=owner)["versions"][0]["comments"]

    assert [c["id"] for c in comments] == [early.pk, late.pk]
    first = comments[0]
    assert (first["at"], first["until"], first["at_clock"], first["until_clock"]) == (
        12.5,
        30.0,
        "0:12",
        "0:30",
    )
    assert [(r["body"], r["by_client"]) for r in first["replies"]] == [("Agreed", True)]
    assert comments[1]["resolved"] and not first["resolved"]
    assert player_config(track, user=owner)["versions"][0]["open_comments"] == 1


def test_another_tracks_version_is_never_selected_nor_its_comments_shown(track, owner):
    mine = version_ready(track)
    other_track = track_make(title="Other")
    theirs = version_ready(other_track)
    audio_review.comment_add(version=theirs, body="Not for this track", at_seconds=3, by=owner)

    player = player_config(track, user=owner, selected=theirs.pk)

    assert player["selected"] == mine.pk
    assert [v["id"] for v in player["versions"]] == [mine.pk]
    assert player["versions"][0]["comments"] == []


def test_a_track_with_nothing_processed_has_an_empty_player(track, owner):
    audio_review.version_create(
        track=track, file_name="a.wav", stored_name="audio/a.wav", size_bytes=1, audio_format="wav"
    )
    player = player_config(track, user=owner)
    assert player["versions"] == [] and player["selected"] is None
    assert player_current(player) is None


def _fill(track, owner, *, versions: int, comments_each: int) -> None:
    for _ in range(versions):
        version = version_ready(track)
        for n in range(comments_each):
            comment = audio_review.comment_add(
                version=version, body=f"Note {n}", at_seconds=n, by=owner
            )
            if n % 3 == 0:
                audio_review.comment_add(
                    version=version, body="Reply", at_seconds=0, parent=comment, by=owner
                )


def test_the_number_of_queries_does_not_grow_with_versions_and_comments(owner):
    small, large = track_make(title="Small"), track_make(title="Large")
    _fill(small, owner, versions=1, comments_each=2)
    _fill(large, owner, versions=5, comments_each=12)

    counts = []
    for track in (small, large):
        with CaptureQueriesContext(connection) as queries:
            player_config(track, user=owner)
        counts.append(len(queries))

    assert counts[0] == counts[1] == 2
    assert AudioVersion.objects.filter(track=large).count() == 5


@pytest.mark.parametrize(
    ("seconds", "text"), [(None, ""), (0, "0:00"), (42.9, "0:42"), (187, "3:07"), (3725, "1:02:05")]
)
def test_times_are_written_as_minutes_and_seconds(seconds, text):
    assert clock(seconds) == text
