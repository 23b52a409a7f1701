"""A track's page in the back office, with the cast: owner, engineer, accountant (who sees the
credits and splits but must not hear the music), front desk, studio B's owner and an anonymous
visitor. Every write on the page goes through a service; a refused one writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django_tenants.utils import schema_context

from studio.models import AudioVersion, AuditEntry, Credit, OutgoingEmail, ReviewComment, Split
from studio.services import projects as svc
from tests.conftest import STUDIO_A, STUDIO_B
from tests.projects.track_fixtures import track_make, version_ready
from tests.studio.conftest import staff_user

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)>"


class World:
    def __init__(self, studio_a, studio_b):
        self.schema = studio_a.schema_name
        with schema_context(self.schema):
            self.track = track_make(title="Night Drive", duration_seconds=181)
            self.v1 = version_ready(self.track, label="Rough", lufs=-16.0)
            self.v2 = version_ready(self.track, label="Vocal up", lufs=-13.5, duration=181.0)
            svc.credit_add(track=self.track, person="Ada Lovelace", role="producer")
            svc.splits_set(
                track=self.track,
                right="master",
                shares=[
                    {"person": "Ada Lovelace", "percent": "60"},
                    {"person": "Bo", "percent": "40"},
                ],
            )
            users = {
                "owner": User.objects.get(email=STUDIO_A.owner_email),
                "engineer": staff_user("eng@studio-a.example", "Engineer"),
                "accountant": staff_user("books@studio-a.example", "Accountant"),
                "front_desk": staff_user("desk@studio-a.example", "Front desk"),
            }
            self.browsers = {}
            for role, user in users.items():
                self.browsers[role] = HttpClient(HTTP_HOST=STUDIO_A.host)
                self.browsers[role].force_login(user)
        self.users = users
        with schema_context(studio_b.schema_name):
            outsider = HttpClient(HTTP_HOST=STUDIO_B.host)
            outsider.force_login(User.objects.get(email=STUDIO_B.owner_email))
        self.studio_b_owner = outsider
        # Studio B's session cookie presented to studio A.
        self.outsider = HttpClient(HTTP_HOST=STUDIO_A.host)
        self.outsider.cookies = outsider.cookies
        self.anonymous = HttpClient(HTTP_HOST=STUDIO_A.host)

    @property
    def page(self) -> str:
        return reverse("admin:studio_track_change", args=[self.track.pk])

    def url(self, name: str, *args) -> str:
        return reverse(f"admin:studio_track_{name}", args=[self.track.pk, *args])

    def inside(self):
        return schema_context(self.schema)


@pytest.fixture
def world(studio_a, studio_b) -> World:
    return World(studio_a, studio_b)


def _text(response) -> str:
    return response.content.decode()


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "engineer"])
def test_those_who_may_listen_get_the_player_comments_and_versions(world, role):
    response = world.browsers[role].get(world.page)
    html = _text(response)
    assert response.status_code == 200
    assert "data-player" in html and 'id="player-data"' in html
    assert "/audio/" in html
    assert "audio/player.js" in html
    assert 'id="comment-form"' in html
    assert "Vocal up" in html and "-13.5" in html
    assert "Ada Lovelace" in html


def test_an_accountant_sees_credits_and_splits_but_no_player_no_audio_and_no_upload(world):
    response = world.browsers["accountant"].get(world.page)
    html = _text(response)
    assert response.status_code == 200
    assert "Ada Lovelace" in html and 'value="60.00"' in html
    assert "split-sheet.pdf" in html
    assert "data-player" not in html and "player-data" not in html
    assert "/audio/" not in html and "<audio" not in html
    assert 'id="upload"' not in html and 'id="versions"' not in html
    assert 'id="comment-form"' not in html


def test_the_front_desk_sees_the_credits_but_no_audio_and_no_splits(world):
    html = _text(world.browsers["front_desk"].get(world.page))
    assert "Ada Lovelace" in html
    assert "/audio/" not in html and "data-player" not in html
    assert 'id="splits-master"' not in html and "split-sheet" not in html


def test_studio_b_cannot_reach_studio_a_s_track(world):
    # On its own host, A's track id is no track at all.
    assert world.studio_b_owner.get(world.page).status_code == 404
    assert world.studio_b_owner.post(world.url("comment"), {"body": "x"}).status_code == 404
    # B's cookie on A's host is no sign-in at A.
    for response in (world.outsider.get(world.page), world.anonymous.get(world.page)):
        assert response.status_code == 302 and "/login/" in response["Location"]
    response = world.anonymous.post(
        world.url("comment"), {"version": world.v2.pk, "at_seconds": "1", "body": "hi"}
    )
    assert response.status_code == 302
    with world.inside():
        assert not ReviewComment.objects.exists()


# --- splits ----------------------------------------------------------------------------------


def test_shares_totalling_99_5_are_refused_with_the_message_and_nothing_is_written(world):
    response = world.browsers["owner"].post(
        world.url("splits", "master"),
        {"person": ["Ada Lovelace", "Bo", ""], "percent": ["60", "39.5", ""]},
        follow=True,
    )
    html = _text(response)
    assert "total 99.5 %, not 100 %: add 0.5 %" in html
    # What was typed is still on the page.
    assert 'value="39.5"' in html
    with world.inside():
        shares = dict(Split.objects.filter(track=world.track).values_list("person", "percent"))
    assert shares == {"Ada Lovelace": Decimal("60.00"), "Bo": Decimal("40.00")}


def test_shares_totalling_100_replace_the_right_and_are_audited(world):
    response = world.browsers["owner"].post(
        world.url("splits", "publishing"),
        {"person": ["Ada Lovelace", "Bo", "Cy"], "percent": ["33.33", "33.33", "33.34"]},
    )
    assert response.status_code == 302
    with world.inside():
        assert Split.objects.filter(track=world.track, right="publishing").count() == 3
        assert AuditEntry.objects.filter(model="track", action="track.splits_changed").count() == 2


def test_an_accountant_cannot_change_splits(world):
    html = _text(
        world.browsers["accountant"].post(
            world.url("splits", "master"),
            {"person": ["Me"], "percent": ["100"]},
            follow=True,
        )
    )
    assert "Your role does not allow this" in html
    with world.inside():
        assert not Split.objects.filter(person="Me").exists()


# --- credits ---------------------------------------------------------------------------------


def test_credits_are_added_and_removed_through_the_page(world):
    browser = world.browsers["owner"]
    response = browser.post(
        world.url("credit_add"), {"person": HOSTILE, "role": "musician", "instrument": "Bass"}
    )
    assert response.status_code == 302
    html = _text(browser.get(world.page))
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    with world.inside():
        credit = Credit.objects.get(person=HOSTILE)
    browser.post(world.url("credit_delete", credit.pk))
    with world.inside():
        assert not Credit.objects.filter(pk=credit.pk).exists()


def test_a_credit_given_twice_is_refused_and_the_form_keeps_what_was_typed(world):
    html = _text(
        world.browsers["owner"].post(
            world.url("credit_add"),
            {"person": "ada lovelace", "role": "producer", "instrument": ""},
            follow=True,
        )
    )
    assert "is already credited on" in html
    assert 'value="ada lovelace"' in html
    with world.inside():
        assert Credit.objects.filter(track=world.track).count() == 1


def test_an_engineer_adds_credits_but_cannot_remove_them(world):
    with world.inside():
        credit = Credit.objects.get()
    html = _text(
        world.browsers["engineer"].post(world.url("credit_delete", credit.pk), follow=True)
    )
    assert "Your role does not allow this" in html
    with world.inside():
        assert Credit.objects.filter(pk=credit.pk).exists()


# --- comments --------------------------------------------------------------------------------


def test_a_comment_at_0_42_is_stored_and_shown_at_0_42(world):
    browser = world.browsers["engineer"]
    response = browser.post(
        world.url("comment"), {"version": world.v2.pk, "at_seconds": "0:42", "body": "Hi-hat"}
    )
    assert response.status_code == 302 and f"version={world.v2.pk}" in response["Location"]
    with world.inside():
        comment = ReviewComment.objects.get()
    assert comment.at_seconds == Decimal("42.000") and comment.until_seconds is None
    html = _text(browser.get(world.page + f"?version={world.v2.pk}"))
    assert 'data-player-seek="42.0"' in html and ">0:42<" in html


def test_a_comment_past_the_end_is_refused_and_nothing_is_written(world):
    html = _text(
        world.browsers["owner"].post(
            world.url("comment"),
            {"version": world.v2.pk, "at_seconds": "200", "body": "Fade out"},
            follow=True,
        )
    )
    assert "3:20 is past the end of v2" in html
    assert "Fade out" in html  # still in the form
    with world.inside():
        assert not ReviewComment.objects.exists()


def test_a_range_must_end_after_it_starts(world):
    browser = world.browsers["owner"]
    html = _text(
        browser.post(
            world.url("comment"),
            {"version": world.v2.pk, "at_seconds": "30", "until_seconds": "20", "body": "x"},
            follow=True,
        )
    )
    assert "A range must end after it starts." in html
    browser.post(
        world.url("comment"),
        {"version": world.v2.pk, "at_seconds": "20", "until_seconds": "30", "body": "Chorus"},
    )
    with world.inside():
        comment = ReviewComment.objects.get()
    assert (comment.at_seconds, comment.until_seconds) == (Decimal("20"), Decimal("30"))


def test_replies_take_their_parents_time_and_comments_are_resolved_and_reopened(world):
    browser = world.browsers["owner"]
    browser.post(world.url("comment"), {"version": world.v1.pk, "at_seconds": "12", "body": "Q"})
    with world.inside():
        question = ReviewComment.objects.get()
    browser.post(
        world.url("comment"),
        {"version": world.v1.pk, "parent": question.pk, "at_seconds": "99", "body": "Answer"},
    )
    browser.post(world.url("comment_resolve", question.pk), {"resolved": "1"})
    with world.inside():
        reply = ReviewComment.objects.get(parent=question)
        question.refresh_from_db()
        assert reply.at_seconds == Decimal("12") and question.resolved_at is not None
    html = _text(browser.get(world.page + f"?version={world.v1.pk}"))
    assert "Answer" in html and "Reopen" in html
    # Opened to answer it (the "Reply" link without the script), the form says so.
    html = _text(browser.get(world.page + f"?version={world.v1.pk}&reply={question.pk}"))
    assert f'name="parent" value="{question.pk}"' in html and "Replying to" in html
    browser.post(world.url("comment_resolve", question.pk), {"resolved": "0"})
    with world.inside():
        question.refresh_from_db()
        assert question.resolved_at is None


def test_a_reply_filed_under_another_version_is_refused(world):
    browser = world.browsers["owner"]
    browser.post(world.url("comment"), {"version": world.v1.pk, "at_seconds": "5", "body": "Q"})
    with world.inside():
        question = ReviewComment.objects.get()
    html = _text(
        browser.post(
            world.url("comment"),
            {"version": world.v2.pk, "parent": question.pk, "at_seconds": "0", "body": "A"},
            follow=True,
        )
    )
    assert "That reply belongs to another version." in html
    with world.inside():
        assert ReviewComment.objects.count() == 1


def test_an_accountant_cannot_comment(world):
    response = world.browsers["accountant"].post(
        world.url("comment"), {"version": world.v2.pk, "at_seconds": "1", "body": "Hm"}, follow=True
    )
    assert "Your role does not allow this" in _text(response)
    with world.inside():
        assert not ReviewComment.objects.exists()


def test_a_comment_on_another_tracks_version_is_not_found(world):
    with world.inside():
        other = version_ready(track_make(title="Other"))
    response = world.browsers["owner"].post(
        world.url("comment"), {"version": other.pk, "at_seconds": "1", "body": "x"}
    )
    assert response.status_code == 404


# --- versions: share, master -----------------------------------------------------------------


def test_sharing_a_version_queues_the_new_mix_e_mail(world):
    response = world.browsers["owner"].post(world.url("version_share", world.v2.pk), follow=True)
    assert "v2 — Vocal up is shared" in _text(response)
    with world.inside():
        email = OutgoingEmail.objects.get(kind="mix_to_review")
        assert email.about == f"audioversion:{world.v2.pk}"
        assert email.to == world.track.project.client.email


def test_the_master_moves_from_one_version_to_the_next(world):
    browser = world.browsers["engineer"]
    browser.post(world.url("version_master", world.v1.pk))
    browser.post(world.url("version_master", world.v2.pk))
    with world.inside():
        masters = list(AudioVersion.objects.filter(is_master=True).values_list("pk", flat=True))
        assert masters == [world.v2.pk]
        assert (
            AuditEntry.objects.filter(
                model="audioversion", action="audioversion.master_set"
            ).count()
            == 2
        )


def test_an_accountant_cannot_mark_a_master(world):
    world.browsers["accountant"].post(world.url("version_master", world.v1.pk))
    with world.inside():
        assert not AudioVersion.objects.filter(is_master=True).exists()


# --- the track's own fields ------------------------------------------------------------------


def test_the_track_form_saves_through_the_service_and_refuses_a_bad_isrc(world):
    browser = world.browsers["owner"]
    form = {
        "number": "1",
        "title": "Night Drive",
        "status": "mixing",
        "bpm": "",
        "key": "",
        "isrc": "GB-AB1-2026-42",
        "duration_seconds": "181",
        "recall_notes": "U87 at 30 cm, 1176 4:1",
    }
    response = browser.post(world.page, form)
    import re

    print(re.findall(r"(?s)errorlist.{0,300}", _text(response))[:3])
    assert response.status_code == 200 and "is not an ISRC" in _text(response)
    response = browser.post(world.page, {**form, "isrc": "gb-ab1-26-00042"})
    assert response.status_code == 302
    with world.inside():
        world.track.refresh_from_db()
        assert world.track.isrc == "GBAB12600042"
        assert world.track.recall_notes.startswith("U87")
        entry = AuditEntry.objects.filter(model="track", action="track.changed").get()
        assert entry.changes["isrc"] == ["", "GBAB12600042"]
