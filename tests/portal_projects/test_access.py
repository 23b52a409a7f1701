"""Every project page and action of the portal with the cast: client X (their own project),
client Y of the same studio, studio B's client, studio A's staff and an anonymous visitor.
Anyone but X gets a 404 or the sign-in page, and nothing is written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client as Browser

from studio.models import AudioVersion, AuditEntry, OutgoingEmail, ReviewComment
from studio.services.audio_review import comment_add
from studio.services.audio_urls import audio_url
from tests.conftest import STUDIO_A

pytestmark = pytest.mark.django_db

OUTSIDERS = ["owner", "front_desk", "client_b", "anonymous"]


@pytest.fixture
def cast(
    owner_browser_a,
    front_desk_browser_a,
    portal_client_x,
    portal_client_y,
    portal_client_b,
    anonymous_a,
) -> dict[str, Browser]:
    b_on_a = Browser(HTTP_HOST=STUDIO_A.host)
    b_on_a.cookies.update(portal_client_b.browser.cookies)
    return {
        "owner": owner_browser_a,
        "front_desk": front_desk_browser_a,
        "client_x": portal_client_x.browser,
        "client_y": portal_client_y.browser,
        "client_b": b_on_a,
        "anonymous": anonymous_a,
    }


@pytest.fixture
def comment(review):
    return comment_add(
        version=review.v1, body="Snare too loud", at_seconds=12, client=review.project.client
    )


def pages(review) -> list[str]:
    return [
        f"/projects/{review.project.pk}/",
        f"/tracks/{review.track.pk}/",
        f"/tracks/{review.track.pk}/?version={review.v1.pk}",
        f"/versions/{review.v2.pk}/approve/",
    ]


def actions(review, comment) -> list[tuple[str, dict]]:
    return [
        (
            f"/tracks/{review.track.pk}/comments/",
            {"version": review.v1.pk, "at_seconds": "0:42", "body": "Mine now"},
        ),
        (
            f"/tracks/{review.track.pk}/comments/",
            {"version": review.v1.pk, "parent": comment.pk, "body": "A reply"},
        ),
        (f"/comments/{comment.pk}/resolve/", {"resolved": "1"}),
        (f"/versions/{review.v2.pk}/approve/", {}),
    ]


def written() -> tuple:
    return (
        ReviewComment.objects.count(),
        ReviewComment.objects.filter(resolved_at__isnull=False).count(),
        AudioVersion.objects.filter(approved_at__isnull=False).count(),
        AuditEntry.objects.count(),
        OutgoingEmail.objects.count(),
    )


def test_client_x_opens_their_projects_track_and_approval_page(cast, review):
    x = cast["client_x"]
    listing = x.get("/projects/")
    assert listing.status_code == 200 and "Night Drive EP" in listing.content.decode()
    for path in pages(review):
        assert x.get(path).status_code == 200, path


def test_client_y_of_the_same_studio_gets_404_everywhere_and_writes_nothing(cast, review, comment):
    y = cast["client_y"]
    listing = y.get("/projects/")
    assert listing.status_code == 200 and "Night Drive EP" not in listing.content.decode()
    for path in pages(review):
        assert y.get(path).status_code == 404, path
    before = written()
    for path, data in actions(review, comment):
        assert y.post(path, data).status_code == 404, path
    assert written() == before


def test_client_y_cannot_play_or_download_client_xs_audio(cast, review, portal_client_y):
    y = cast["client_y"]
    for variant in ("stream", "download"):
        made_for_x = audio_url(review.v2, variant=variant, client=review.project.client)
        assert y.get(made_for_x).status_code == 404
        made_for_y = audio_url(review.v2, variant=variant, client=portal_client_y.client)
        assert y.get(made_for_y).status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_staff_studio_b_and_anonymous_are_sent_to_the_portal_sign_in(
    cast, review, comment, studio_a, who
):
    browser = cast[who]
    for path in ["/projects/", *pages(review)]:
        response = browser.get(path)
        assert response.status_code == 302, (who, path)
        assert response["Location"].startswith("/sign-in/?next="), (who, path)
    connection.set_tenant(studio_a)
    before = written()
    for path, data in actions(review, comment):
        response = browser.post(path, data)
        assert response.status_code == 302, (who, path)
        assert response["Location"].startswith("/sign-in/?next="), (who, path)
    connection.set_tenant(studio_a)
    assert written() == before


def test_studio_b_client_finds_no_project_of_studio_a_on_their_own_studio(review, portal_client_b):
    b = portal_client_b.browser
    for path in pages(review):
        assert b.get(path).status_code == 404, path
    listing = b.get("/projects/")
    assert listing.status_code == 200 and "Night Drive EP" not in listing.content.decode()


def test_the_home_page_points_client_x_to_their_projects_and_not_client_y(cast, review):
    home_x = cast["client_x"].get("/").content.decode()
    assert "Your projects" in home_x and f'href="/projects/{review.project.pk}/"' in home_x
    home_y = cast["client_y"].get("/").content.decode()
    assert "Your projects" not in home_y and "Night Drive EP" not in home_y
