"""Serving audio through signed addresses: HTTP Range for seeking, and who may hear or
download what — the owner and an engineer hear everything, an accountant or the front desk
nothing; client X streams their own versions and downloads a master only once it is released;
client Y, studio B and anonymous visitors get a 404 that reveals nothing."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django.core import signing
from django_tenants.utils import schema_context

from studio.models import AudioVersion
from studio.services import audio_review
from studio.services.audio_urls import audio_url
from tests.conftest import STUDIO_A, STUDIO_B, client_for
from tests.studio.conftest import staff_user

pytestmark = pytest.mark.django_db


def staff_browser(studio, email: str, role: str | None):
    with schema_context(studio.schema_name):
        user = User.objects.get(email=email) if role is None else staff_user(email, role)
        browser = client_for(STUDIO_A.host)
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser, user


def url_for(studio, version, variant="stream", **who) -> str:
    with schema_context(studio.schema_name):
        return audio_url(version, variant=variant, **who)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def original(studio, version) -> bytes:
    with schema_context(studio.schema_name), version.file.open("rb") as handle:
        return handle.read()


# --- ranges -------------------------------------------------------------------------------


@pytest.fixture
def owner(studio_a):
    return staff_browser(studio_a, STUDIO_A.owner_email, None)


def test_the_whole_file_is_sent_with_accept_ranges(studio_a, version, owner):
    browser, user = owner
    response = browser.get(url_for(studio_a, version, "download", user=user))
    data = original(studio_a, version)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(data))
    assert response["Cache-Control"].startswith("private")
    assert response["Content-Disposition"] == 'attachment; filename="Side A (mix).wav"'
    assert response["Content-Type"] == "audio/wav"
    assert body(response) == data


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=100-1099", 100, 1099), ("bytes=5000-", 5000, None), ("bytes=-300", -300, None)],
)
def test_a_range_gets_206_with_exactly_those_bytes(studio_a, version, owner, header, first, last):
    browser, user = owner
    data = original(studio_a, version)
    response = browser.get(url_for(studio_a, version, "download", user=user), HTTP_RANGE=header)
    expected = data[first : None if last is None else last + 1]
    start = first if first >= 0 else len(data) + first
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{start + len(expected) - 1}/{len(data)}"
    assert response["Content-Length"] == str(len(expected))
    assert body(response) == expected


def test_a_range_past_the_end_is_416_with_the_size(studio_a, version, owner):
    browser, user = owner
    size = len(original(studio_a, version))
    response = browser.get(
        url_for(studio_a, version, "download", user=user), HTTP_RANGE=f"bytes={size}-"
    )
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def test_if_range_with_another_etag_sends_the_whole_file(studio_a, version, owner):
    browser, user = owner
    url = url_for(studio_a, version, "download", user=user)
    etag = browser.get(url)["ETag"]
    same = browser.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    other = browser.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"something-else"')
    assert (same.status_code, other.status_code) == (206, 200)


def test_streaming_plays_the_mp3_preview(studio_a, version, owner):
    browser, user = owner
    response = browser.get(url_for(studio_a, version, user=user), HTTP_RANGE="bytes=0-2")
    assert response.status_code == 206 and response["Content-Type"] == "audio/mpeg"
    assert response["Content-Disposition"] == "inline"
    with schema_context(studio_a.schema_name), version.preview.open("rb") as preview:
        assert body(response) == preview.read(3)


# --- who ----------------------------------------------------------------------------------


def test_an_engineer_listens_but_an_accountant_and_the_front_desk_are_refused(studio_a, version):
    engineer, engineer_user = staff_browser(studio_a, "eng@studio-a.example", "Engineer")
    assert engineer.get(url_for(studio_a, version, user=engineer_user)).status_code == 200
    for email, role in (("acc@studio-a.example", "Accountant"), ("desk@a.example", "Front desk")):
        browser, user = staff_browser(studio_a, email, role)
        response = browser.get(url_for(studio_a, version, user=user))
        assert response.status_code == 403, role


def test_an_address_made_for_someone_else_is_a_404(studio_a, version, owner, portal_client_x):
    browser, _user = owner
    _engineer, engineer_user = staff_browser(studio_a, "eng@studio-a.example", "Engineer")
    for_engineer = url_for(studio_a, version, user=engineer_user)
    for_client = url_for(studio_a, version, client=portal_client_x.client)
    assert browser.get(for_engineer).status_code == 404
    assert browser.get(for_client).status_code == 404
    assert portal_client_x.browser.get(for_engineer).status_code == 404
    assert client_for(STUDIO_A.host).get(for_client).status_code == 404  # anonymous


def test_client_x_streams_their_mix_and_client_y_gets_a_404(
    studio_a, version, portal_client_x, portal_client_y
):
    mine = url_for(studio_a, version, client=portal_client_x.client)
    assert portal_client_x.browser.get(mine).status_code == 200
    assert portal_client_y.browser.get(mine).status_code == 404
    # Even an address made out to client Y (a page's mistake) does not open X's project.
    made_for_y = url_for(studio_a, version, client=portal_client_y.client)
    assert portal_client_y.browser.get(made_for_y).status_code == 404


def test_a_version_still_processing_is_not_streamed_to_the_client(
    studio_a, version, portal_client_x
):
    with schema_context(studio_a.schema_name):
        AudioVersion.objects.filter(pk=version.pk).update(status=AudioVersion.Status.PROCESSING)
    url = url_for(studio_a, version, client=portal_client_x.client)
    assert portal_client_x.browser.get(url).status_code == 404


def test_a_master_downloads_only_once_released(studio_a, version, portal_client_x):
    client = portal_client_x.client
    download = url_for(studio_a, version, "download", client=client)
    refused = portal_client_x.browser.get(download, HTTP_ACCEPT="text/plain")
    assert refused.status_code == 403
    assert refused.content.decode() == "Only the master of a track can be downloaded."
    with schema_context(studio_a.schema_name):
        audio_review.version_master_set(version=version)
    unpaid = portal_client_x.browser.get(download, HTTP_ACCEPT="text/plain")
    assert unpaid.status_code == 403
    assert "invoiced" in unpaid.content.decode()
    with schema_context(studio_a.schema_name):
        audio_review.masters_release_manual(project=version.track.project)
    released = portal_client_x.browser.get(download)
    assert released.status_code == 200
    assert released["Content-Disposition"].startswith("attachment")
    assert body(released) == original(studio_a, version)


def test_studio_b_cannot_use_studio_a_addresses(
    studio_a, studio_b, version, owner, portal_client_b
):
    browser, user = owner
    url = url_for(studio_a, version, "download", user=user)
    with schema_context(studio_b.schema_name):
        b_owner = User.objects.get(email=STUDIO_B.owner_email)
        b_browser = client_for(STUDIO_B.host)
        b_browser.force_login(b_owner, backend="django.contrib.auth.backends.ModelBackend")
    assert b_browser.get(url).status_code == 404
    assert portal_client_b.browser.get(url).status_code == 404
    # A studio B address carried to studio A's host is no better.
    with schema_context(studio_b.schema_name):
        forged = signing.dumps(
            [version.pk, "stream", f"u{user.pk}", studio_b.schema_name],
            salt="studio.audio",
            compress=True,
        )
    assert browser.get(f"/audio/{forged}/").status_code == 404


def test_forged_and_expired_addresses_are_404(studio_a, version, owner, monkeypatch):
    browser, user = owner
    url = url_for(studio_a, version, user=user)
    token = url.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert browser.get(f"/audio/{tampered}/").status_code == 404
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 3 * 60 * 60)
    old = url_for(studio_a, version, user=user)
    monkeypatch.setattr(signing.time, "time", real_time)
    assert browser.get(old).status_code == 404
    assert browser.get(url).status_code == 200


def test_a_deleted_file_is_gone_for_everyone(studio_a, version, owner):
    browser, user = owner
    with schema_context(studio_a.schema_name):
        AudioVersion.objects.filter(pk=version.pk).update(status=AudioVersion.Status.DELETED)
    assert browser.get(url_for(studio_a, version, user=user)).status_code == 404


def test_behind_nginx_the_file_is_handed_over_with_x_accel_redirect(
    studio_a, version, owner, settings
):
    settings.AUDIO_X_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    browser, user = owner
    response = browser.get(url_for(studio_a, version, "download", user=user))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{studio_a.schema_name}/" + (
        version.file.name
    )
