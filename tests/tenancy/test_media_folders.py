"""The development media route serves public uploads only: however a path is written, project
audio, data exports and the upload spool are never among them."""

from __future__ import annotations

import pytest

from siteconf.tenancy.media_views import public_path


@pytest.mark.parametrize(
    "path",
    [
        "rooms/live-room.jpg",
        "branding/logo.png",
        "original_images/cover.jpg",
        "images/cover.width-800.jpg",
    ],
)
def test_public_uploads_are_served(path):
    assert public_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "audio/p1/t2/v1-mix.wav",
        "/audio/p1/t2/v1-mix.wav",
        "./audio/p1/t2/v1-mix.wav",
        "x/../audio/p1/t2/v1-mix.wav",
        "rooms/../audio/p1/t2/v1-mix.wav",
        "rooms\\\\..\\\\exports\\\\data-1-2.zip",
        "exports/data-1-2.zip",
        ".audio-spool/st_a/u.part",
        "rooms/../../other_schema/rooms/x.jpg",
    ],
)
def test_private_and_disguised_paths_are_not(path):
    assert not public_path(path)
