"""Client X reviews a track in the portal: comments at a time or over a range, replies,
resolving, a time past the end refused, approving a version; the page reads without script."""

from __future__ import annotations

import html as htmllib
from decimal import Decimal

import pytest

from studio.models import AudioVersion, AuditEntry, OutgoingEmail, ReviewComment
from tests.portal_projects.conftest import STUDIO_EMAIL

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def post_comment(browser, review, version, **data):
    return browser.post(f"/tracks/{review.track.pk}/comments/", {"version": version.pk, **data})


def test_the_track_page_has_the_player_with_both_versions_and_their_stored_peaks(
    review, portal_client_x
):
    response = portal_client_x.browser.get(f"/tracks/{review.track.pk}/")
    page = text(response)
    assert response.context["player"]["selected"] == review.v2.pk  # the newest first
    entries = {item["id"]: item for item in response.context["player"]["versions"]}
    assert set(entries) == {review.v1.pk, review.v2.pk}
    assert entries[review.v1.pk]["peaks"] == review.v1.peaks and review.v1.peaks
    assert 'id="player-data"' in page and "data-player-audio" in page
    assert f'data-player-comments-for="{review.v1.pk}" hidden' in page
    assert f'data-player-comments-for="{review.v2.pk}">' in page


def test_a_comment_at_0_42_is_recorded_at_42_seconds_and_listed_at_its_time(
    review, portal_client_x
):
    response = post_comment(
        portal_client_x.browser, review, review.v1, at_seconds="0:42", body="Vocal drops out"
    )
    comment = ReviewComment.objects.get()
    assert (comment.version, comment.at_seconds, comment.until_seconds) == (
        review.v1,
        Decimal("42.000"),
        None,
    )
    assert comment.author_client == review.project.client
    assert response.status_code == 302
    assert response["Location"] == (
        f"/tracks/{review.track.pk}/?version={review.v1.pk}&t=42.000#comment-{comment.pk}"
    )
    page = text(portal_client_x.browser.get(response["Location"]))
    assert ">0:42</a>" in page and "Vocal drops out" in page
    mail = OutgoingEmail.objects.get(kind="mix_comment")
    assert mail.to == STUDIO_EMAIL and "0:42" in mail.body


def test_the_players_seconds_and_a_range_are_taken_as_they_come(review, portal_client_x):
    post_comment(
        portal_client_x.browser,
        review,
        review.v2,
        at_seconds="12.5",
        until_seconds="20",
        body="Chorus",
    )
    comment = ReviewComment.objects.get()
    assert (comment.at_seconds, comment.until_seconds) == (Decimal("12.500"), Decimal("20.000"))
    page = text(portal_client_x.browser.get(f"/tracks/{review.track.pk}/"))
    assert ">0:12–0:20</a>" in page


def test_a_time_past_the_end_is_refused_with_a_message_and_nothing_is_written(
    review, portal_client_x
):
    audits = AuditEntry.objects.count()
    response = post_comment(
        portal_client_x.browser, review, review.v1, at_seconds="0:55", body="After the end"
    )
    assert response.status_code == 400
    page = text(response)
    assert "0:55 is past the end of v1 — First mix (0:50)." in page
    assert "After the end" in page  # what was typed is kept
    assert not ReviewComment.objects.exists()
    assert AuditEntry.objects.count() == audits
    assert not OutgoingEmail.objects.filter(kind="mix_comment").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"at_seconds": "soon", "body": "x"}, "“soon” is not a time in seconds."),
        ({"at_seconds": "10", "until_seconds": "5", "body": "x"}, "A range must end after"),
        ({"at_seconds": "10", "body": "   "}, "Write the comment first."),
    ],
)
def test_other_bad_comments_are_refused_with_their_message(review, portal_client_x, data, message):
    response = post_comment(portal_client_x.browser, review, review.v1, **data)
    assert response.status_code == 400 and message in text(response)
    assert not ReviewComment.objects.exists()


def test_a_version_of_another_track_is_not_taken(review, portal_client_x):
    from studio.services import projects as svc

    other = svc.track_create(project=review.project, title="Tail Lights")
    response = portal_client_x.browser.post(
        f"/tracks/{other.pk}/comments/",
        {"version": review.v1.pk, "at_seconds": "1", "body": "Wrong track"},
    )
    assert response.status_code == 404 and not ReviewComment.objects.exists()


def test_a_reply_takes_its_comments_time_and_resolving_marks_it(review, portal_client_x):
    browser = portal_client_x.browser
    post_comment(browser, review, review.v1, at_seconds="30", body="Kick?")
    comment = ReviewComment.objects.get()
    post_comment(browser, review, review.v1, parent=comment.pk, body="Fixed in v2")
    reply = ReviewComment.objects.exclude(pk=comment.pk).get()
    assert (reply.parent, reply.at_seconds) == (comment, Decimal("30.000"))
    browser.post(f"/comments/{comment.pk}/resolve/", {"resolved": "1"})
    comment.refresh_from_db()
    assert comment.resolved_at is not None
    assert comment.resolved_by_name == review.project.client.name
    page = text(browser.get(f"/tracks/{review.track.pk}/?version={review.v1.pk}"))
    assert "Fixed in v2" in page and "Reopen" in page
    browser.post(f"/comments/{comment.pk}/resolve/", {"resolved": "0"})
    comment.refresh_from_db()
    assert comment.resolved_at is None


def test_approving_asks_first_then_records_audits_and_emails_the_studio(review, portal_client_x):
    browser = portal_client_x.browser
    ask = browser.get(f"/versions/{review.v1.pk}/approve/")
    assert "Yes, approve v1" in text(ask)
    review.v1.refresh_from_db()
    assert review.v1.approved_at is None  # opening the question approves nothing
    response = browser.post(f"/versions/{review.v1.pk}/approve/")
    assert response["Location"] == f"/tracks/{review.track.pk}/?version={review.v1.pk}"
    review.v1.refresh_from_db()
    assert review.v1.approved_by == review.project.client and review.v1.approved_at
    assert AuditEntry.objects.filter(
        model="audioversion", action="audioversion.approved", object_id=str(review.v1.pk)
    ).exists()
    mail = OutgoingEmail.objects.get(kind="version_approved")
    assert mail.to == STUDIO_EMAIL and "Headlights" in mail.body
    page = text(browser.get(response["Location"]))
    assert f"Approved by {review.project.client.name}" in page
    browser.post(f"/versions/{review.v1.pk}/approve/")  # twice: still one approval, one e-mail
    assert OutgoingEmail.objects.filter(kind="version_approved").count() == 1


def test_a_deleted_file_is_listed_as_gone_and_not_playable(review, portal_client_x):
    AudioVersion.objects.filter(pk=review.v1.pk).update(status=AudioVersion.Status.DELETED)
    response = portal_client_x.browser.get(f"/tracks/{review.track.pk}/?version={review.v1.pk}")
    ids = [item["id"] for item in response.context["player"]["versions"]]
    assert ids == [review.v2.pk]
    assert "Files no longer kept" in text(response)


def test_hostile_text_is_shown_as_text(review, portal_client_x):
    hostile = "<img src=x onerror=alert(1)>"
    post_comment(portal_client_x.browser, review, review.v1, at_seconds="3", body=hostile)
    raw = portal_client_x.browser.get(
        f"/tracks/{review.track.pk}/?version={review.v1.pk}"
    ).content.decode()
    assert hostile not in raw.split('id="player-data"')[0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in raw
