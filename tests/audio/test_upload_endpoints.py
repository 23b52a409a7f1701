"""The back office's upload endpoints, as the uploader script calls them: start, chunks with
Content-Range, where the upload stands, the processing poll. Staff of this studio only, with
the permission to add audio, and CSRF-protected."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django_tenants.utils import schema_context

from studio.models import AudioUpload, AudioVersion
from studio.services import projects
from tests.audio.conftest import PDF, wav_bytes
from tests.conftest import STUDIO_A, STUDIO_B, client_for
from tests.studio.conftest import staff_user
from tests.studio.factories import ClientFactory

pytestmark = pytest.mark.django_db

START = "/admin/audio/uploads/"


def signed_in(studio, host: str, email: str, role: str | None = None, **kwargs) -> Browser:
    with schema_context(studio.schema_name):
        user = User.objects.get(email=email) if role is None else staff_user(email, role)
        browser = Browser(HTTP_HOST=host, **kwargs)
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


@pytest.fixture
def owner(studio_a) -> Browser:
    return signed_in(studio_a, STUDIO_A.host, STUDIO_A.owner_email)


@pytest.fixture
def track_a(studio_a):
    with schema_context(studio_a.schema_name):
        project = projects.project_create(client=ClientFactory(), title="Night Drive")
        return projects.track_create(project=project, title="Intro")


def start(browser, track_id: int, data: bytes, name: str = "mix.wav"):
    payload = {"track": track_id, "filename": name, "size": len(data), "kind": "mix"}
    return browser.post(START, json.dumps(payload), content_type="application/json")


def put(browser, url: str, data: bytes, first: int, last: int, total: int):
    return browser.put(
        url,
        data[first : last + 1],
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE=f"bytes {first}-{last}/{total}",
    )


def test_an_upload_in_chunks_ends_as_a_version_being_processed(studio_a, owner, track_a):
    data = wav_bytes(1.0)
    started = start(owner, track_a.pk, data)
    assert started.status_code == 201
    state = started.json()
    assert (state["received"], state["size"], state["chunk_size"]) == (0, len(data), 8 * 1024**2)
    half = len(data) // 2
    assert put(owner, state["url"], data, 0, half - 1, len(data)).json()["received"] == half
    done = put(owner, state["url"], data, half, len(data) - 1, len(data)).json()
    assert done["version"] == "v1" and done["status"] == "processing"
    polled = owner.get(done["version_url"]).json()
    assert polled["status"] == "processing" and polled["progress"] == 0
    assert owner.get(state["url"]).json()["version_id"] == done["version_id"]


def test_a_resumed_upload_asks_where_it_stands_and_a_wrong_offset_is_409(owner, track_a):
    data = wav_bytes(1.0)
    url = start(owner, track_a.pk, data).json()["url"]
    put(owner, url, data, 0, 999, len(data))
    stale = put(owner, url, data, 0, 999, len(data))
    assert stale.status_code == 409
    assert stale.json()["received"] == 1000
    assert "send the file again from byte 1,000" in stale.json()["error"]
    received = owner.get(url).json()["received"]
    done = put(owner, url, data, received, len(data) - 1, len(data))
    assert done.json()["version"] == "v1"


def test_a_pdf_is_refused_with_its_type_and_the_upload_is_dropped(studio_a, owner, track_a):
    data = PDF
    url = start(owner, track_a.pk, data, "final.wav").json()["url"]
    refused = put(owner, url, data, 0, len(data) - 1, len(data))
    assert refused.status_code == 400
    assert refused.json()["error"].startswith("This file is a PDF document, not audio")
    assert refused.json()["discarded"] is True
    assert owner.get(url).status_code == 404
    with schema_context(studio_a.schema_name):
        assert not AudioUpload.objects.exists() and not AudioVersion.objects.exists()


def test_a_chunk_without_content_range_is_refused(owner, track_a):
    data = wav_bytes(0.5)
    url = start(owner, track_a.pk, data).json()["url"]
    response = owner.put(url, data, content_type="application/octet-stream")
    assert response.status_code == 400 and "Content-Range" in response.json()["error"]


def test_a_track_of_studio_b_cannot_be_reached_from_studio_a(studio_a, studio_b, owner):
    with schema_context(studio_b.schema_name):
        project = projects.project_create(client=ClientFactory(), title="B's album")
        b_track = projects.track_create(project=project, title="B1")
        b_owner = User.objects.get(email=STUDIO_B.owner_email)
        b_browser = Browser(HTTP_HOST=STUDIO_B.host)
        b_browser.force_login(b_owner, backend="django.contrib.auth.backends.ModelBackend")
    data = wav_bytes(0.5)
    b_upload = start(b_browser, b_track.pk, data).json()["url"]
    assert start(owner, b_track.pk, data).status_code == 404  # studio A has no tracks
    assert owner.get(b_upload).status_code == 404
    assert put(owner, b_upload, data, 0, 99, len(data)).status_code == 404
    # Studio B's owner is nobody on studio A's host: sent to sign in.
    b_on_a = client_for(STUDIO_A.host)
    b_on_a.cookies = b_browser.cookies
    assert start(b_on_a, 1, data).status_code == 302
    with schema_context(studio_a.schema_name):
        assert not AudioUpload.objects.exists()


def test_an_accountant_and_anonymous_visitors_cannot_upload(studio_a, owner, track_a):
    data = wav_bytes(0.5)
    url = start(owner, track_a.pk, data).json()["url"]
    accountant = signed_in(studio_a, STUDIO_A.host, "acc@studio-a.example", "Accountant")
    refused = start(accountant, track_a.pk, data)
    assert refused.status_code == 403
    assert "Your role does not allow this" in refused.json()["error"]
    assert put(accountant, url, data, 0, 99, len(data)).status_code == 403
    anonymous = client_for(STUDIO_A.host)
    assert start(anonymous, track_a.pk, data).status_code == 302
    assert put(anonymous, url, data, 0, 99, len(data)).status_code == 302
    with schema_context(studio_a.schema_name):
        assert AudioUpload.objects.get().received_bytes == 0


def test_chunks_need_the_csrf_token(studio_a, track_a):
    strict = signed_in(studio_a, STUDIO_A.host, STUDIO_A.owner_email, enforce_csrf_checks=True)
    data = wav_bytes(0.5)
    assert start(strict, track_a.pk, data).status_code == 403
    with schema_context(studio_a.schema_name):
        assert not AudioUpload.objects.exists()


def test_finishing_again_after_a_lost_answer_gives_the_same_version(owner, track_a):
    data = wav_bytes(0.5)
    url = start(owner, track_a.pk, data).json()["url"]
    first = put(owner, url, data, 0, len(data) - 1, len(data)).json()
    retried = owner.put(
        url, b"", content_type="application/octet-stream", HTTP_CONTENT_RANGE=f"bytes */{len(data)}"
    )
    assert retried.status_code == 200
    assert retried.json()["version_id"] == first["version_id"]
