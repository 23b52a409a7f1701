"""Project pages of the portal: the client's projects, one project with its tracks, and a
track's review page (player, timestamped comments, versions, approval, the master download).

Thin views over `studio.services.audio_review` (the rules) and `studio.selectors` (who may hear
and download what). Every page is the signed-in client's own: another client's project, track,
version or comment answers 404 like one that does not exist. The pages work without script:
forms post, comments are listed with their times, and a version is a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from portal.auth import portal_login_required
from studio.models import AudioVersion, Project, ReviewComment, Track
from studio.selectors.audio_access import client_download
from studio.selectors.player import player_config, player_current
from studio.selectors.projects import client_projects, masters_release
from studio.services import audio_review
from studio.services.audio_urls import audio_url
from studio.services.errors import StudioError

# What a client is shown of a track's versions: playable ones, and those whose file the
# retention rule deleted (listed, no longer playable). Uploads still processing are staff's.
SHOWN = (AudioVersion.Status.READY, AudioVersion.Status.DELETED)


def seconds_read(value: str) -> str:
    """What the client typed as a time ("42", "0:42", "1:02.5") as seconds, for the service
    to check; anything that is not a clock time is passed on as typed, for its message."""
    value = (value or "").strip()
    if ":" not in value:
        return value
    minutes, _, rest = value.partition(":")
    try:
        return str(int(minutes) * 60 + Decimal(rest))
    except (ValueError, InvalidOperation):
        return value


def _versions():
    return AudioVersion.objects.filter(status__in=SHOWN).order_by("-number")


def _tracks():
    return Track.objects.order_by("number", "id").prefetch_related(
        Prefetch("versions", queryset=_versions(), to_attr="shown_versions")
    )


def _project(request, pk: int) -> Project:
    project = (
        client_projects(request.portal_client.pk)
        .filter(pk=pk)
        .prefetch_related(Prefetch("tracks", queryset=_tracks(), to_attr="track_list"))
        .first()
    )
    if project is None:
        raise Http404
    return project


def _track(request, pk: int) -> Track:
    track = (
        Track.objects.filter(pk=pk, project__client=request.portal_client)
        .select_related("project__stage", "project__client")
        .first()
    )
    if track is None:
        raise Http404
    return track


def _own_version(request, pk: int) -> AudioVersion:
    version = (
        AudioVersion.objects.filter(pk=pk, track__project__client=request.portal_client)
        .select_related("track__project")
        .first()
    )
    if version is None:
        raise Http404
    return version


@dataclass
class TrackRow:
    track: Track
    latest: AudioVersion | None
    master: AudioVersion | None


def _track_row(track: Track) -> TrackRow:
    versions = track.shown_versions
    master = next((v for v in versions if v.is_master), None)
    return TrackRow(track, versions[0] if versions else None, master)


@portal_login_required
def project_list(request):
    projects = client_projects(request.portal_client.pk).prefetch_related(
        Prefetch("tracks", queryset=_tracks(), to_attr="track_list")
    )
    rows = [(project, [_track_row(t) for t in project.track_list]) for project in projects]
    return render(request, "portal/projects.html", {"rows": rows})


@portal_login_required
def project_detail(request, pk: int):
    project = _project(request, pk)
    rows = [_track_row(track) for track in project.track_list]
    has_master = any(row.master for row in rows)
    return render(
        request,
        "portal/project.html",
        {
            "project": project,
            "rows": rows,
            "has_master": has_master,
            "release": masters_release(project) if has_master else None,
        },
    )


# --- the track page ---------------------------------------------------------------------------


def _track_context(request, track: Track, version_id: str | None, form: dict | None = None):
    """The shared player (every playable version, each with its comment thread) with the
    version asked for selected, and the master's state."""
    client = request.portal_client
    selected = int(version_id) if (version_id or "").isdigit() else None
    player = player_config(track, client=client, selected=selected)
    master = _versions().filter(track=track, is_master=True).first()
    download = client_download(client, master) if master else None
    return {
        "project": track.project,
        "track": track,
        "player": player,
        "current": player_current(player),
        "deleted": list(_versions().filter(track=track, status=AudioVersion.Status.DELETED)),
        "master": master,
        "download": download,
        "download_url": (
            audio_url(master, variant="download", client=client)
            if download and download.allowed
            else ""
        ),
        "form": form or {},
    }


@portal_login_required
def track_detail(request, pk: int):
    track = _track(request, pk)
    context = _track_context(request, track, request.GET.get("version"))
    return render(request, "portal/track.html", context)


def _number(value) -> int:
    """An id from a form, or 0 (which matches nothing) when it is not a number."""
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def _track_page(version: AudioVersion, comment: ReviewComment | None = None) -> str:
    url = reverse("portal:track", args=[version.track_id]) + f"?version={version.pk}"
    if comment is None:
        return url
    # Back at the comment's time, in the player and in the thread.
    return f"{url}&t={comment.at_seconds}#comment-{comment.parent_id or comment.pk}"


@portal_login_required
@require_POST
def comment_create(request, pk: int):
    """A comment at a time (or over a range) of the version playing, or a reply."""
    track = _track(request, pk)
    version = (
        track.versions.filter(pk=_number(request.POST.get("version")), status="ready")
        .select_related("track__project")
        .first()
    )
    if version is None:
        raise Http404
    parent = None
    if request.POST.get("parent"):
        parent = version.comments.filter(pk=_number(request.POST["parent"])).first()
        if parent is None:
            raise Http404
    try:
        comment = audio_review.comment_add(
            version=version,
            body=request.POST.get("body", ""),
            at_seconds=seconds_read(request.POST.get("at_seconds", "")),
            until_seconds=seconds_read(request.POST.get("until_seconds", "")) or None,
            parent=parent,
            client=request.portal_client,
        )
    except StudioError as exc:
        # Drawn again with what was typed, so a long comment is not lost to a wrong time.
        form = {
            "error": exc.message,
            "version": version.pk,
            "parent": parent.pk if parent else None,
            "body": request.POST.get("body", ""),
            "at_seconds": request.POST.get("at_seconds", ""),
            "until_seconds": request.POST.get("until_seconds", ""),
        }
        context = _track_context(request, track, str(version.pk), form)
        return render(request, "portal/track.html", context, status=400)
    return redirect(_track_page(version, comment))


@portal_login_required
@require_POST
def comment_resolve(request, pk: int):
    comment = (
        ReviewComment.objects.filter(pk=pk, version__track__project__client=request.portal_client)
        .select_related("version")
        .first()
    )
    if comment is None:
        raise Http404
    audio_review.comment_resolve(
        comment=comment,
        resolved=request.POST.get("resolved", "1") == "1",
        client=request.portal_client,
    )
    return redirect(_track_page(comment.version, comment))


@portal_login_required
@require_http_methods(["GET", "POST"])
def version_approve(request, pk: int):
    """GET asks to confirm (what approving means); POST approves."""
    version = _own_version(request, pk)
    if request.method == "POST":
        try:
            audio_review.version_approve(version=version, client=request.portal_client)
        except StudioError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"You approved {version} of “{version.track.title}”.")
        return redirect(_track_page(version))
    return render(
        request,
        "portal/track_approve.html",
        {"version": version, "track": version.track, "project": version.track.project},
    )
