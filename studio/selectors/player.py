"""What the audio player of a track shows: its processed versions, their stored peaks and
loudness, a signed stream address for each, and the review comments with their replies.

The same dict feeds the back office's track page and the client portal's (through
`audio/player.html`); the page also renders the comments from it as plain HTML, so the thread
reads without JavaScript. Two queries whatever the number of versions and comments: one for the
versions, one for every comment and reply of them.

The caller has already decided that the person may listen (`studio.selectors.audio_access`): a
version listed here carries an address that plays it.
"""

from __future__ import annotations

from collections import defaultdict

from studio.models import AudioVersion, Client, ReviewComment, Track
from studio.services.audio_urls import audio_url


def clock(seconds: float | None) -> str:
    """0:42, 3:07, 1:02:05: how a time in a track is written next to a comment."""
    if seconds is None:
        return ""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _comment(comment: ReviewComment) -> dict:
    at = float(comment.at_seconds)
    until = float(comment.until_seconds) if comment.until_seconds is not None else None
    return {
        "id": comment.pk,
        "at": at,
        "until": until,
        "at_clock": clock(at),
        "until_clock": clock(until),
        "author": comment.author_name,
        "by_client": comment.author_client_id is not None,
        "body": comment.body,
        "resolved": comment.resolved_at is not None,
        "resolved_by": comment.resolved_by_name,
        "created_at": comment.created_at.isoformat(),
        "replies": [],
    }


def _comments_by_version(version_ids: list[int]) -> dict[int, list[dict]]:
    threads: dict[int, list[dict]] = defaultdict(list)
    tops: dict[int, dict] = {}
    rows = (
        ReviewComment.objects.filter(version_id__in=version_ids)
        .only(
            "id",
            "version_id",
            "parent_id",
            "at_seconds",
            "until_seconds",
            "author_name",
            "author_client_id",
            "body",
            "resolved_at",
            "resolved_by_name",
            "created_at",
        )
        # Parents first, so that every reply finds its thread.
        .order_by("parent_id", "at_seconds", "created_at", "id")
    )
    replies = []
    for row in rows:
        if row.parent_id is None:
            tops[row.pk] = item = _comment(row)
            threads[row.version_id].append(item)
        else:
            replies.append(row)
    for row in replies:
        parent = tops.get(row.parent_id)
        if parent is not None:
            parent["replies"].append(_comment(row))
    for items in threads.values():
        items.sort(key=lambda item: (item["at"], item["created_at"], item["id"]))
        for item in items:
            item["replies"].sort(key=lambda reply: (reply["created_at"], reply["id"]))
    return threads


def player_config(
    track: Track,
    *,
    user=None,
    client: Client | None = None,
    selected: AudioVersion | int | None = None,
) -> dict:
    """The player of `track` for a staff `user` or a portal `client` (whom the stream
    addresses are signed for). `selected` is the version shown first (the newest otherwise)."""
    versions = list(
        AudioVersion.objects.filter(track=track, status=AudioVersion.Status.READY)
        .only(
            "id",
            "track_id",
            "number",
            "label",
            "kind",
            "duration_seconds",
            "sample_rate",
            "bit_depth",
            "channels",
            "lufs",
            "peaks",
            "is_master",
            "approved_at",
            "approved_by_name",
        )
        .order_by("-number")
    )
    threads = _comments_by_version([version.pk for version in versions])
    items = []
    for version in versions:
        comments = threads.get(version.pk, [])
        items.append(
            {
                "id": version.pk,
                "number": version.number,
                "name": f"v{version.number}",
                "label": version.label,
                "kind": version.kind,
                "kind_label": str(AudioVersion.Kind(version.kind).label),
                "duration": version.duration_seconds,
                "duration_clock": clock(version.duration_seconds),
                "lufs": version.lufs,
                "peaks": version.peaks or [],
                "url": audio_url(version, variant="stream", user=user, client=client),
                "is_master": version.is_master,
                "approved": version.approved_at is not None,
                "approved_by": version.approved_by_name,
                "comments": comments,
                "open_comments": sum(1 for item in comments if not item["resolved"]),
            }
        )
    selected_id = selected.pk if isinstance(selected, AudioVersion) else selected
    if items and selected_id not in {item["id"] for item in items}:
        selected_id = items[0]["id"]
    return {
        "track": {"id": track.pk, "title": track.title, "number": track.number},
        "versions": items,
        "selected": selected_id if items else None,
    }


def player_current(player: dict) -> dict | None:
    """The selected version's entry of a player dict."""
    return next((item for item in player["versions"] if item["id"] == player["selected"]), None)
