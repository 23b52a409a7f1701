"""A track's page in the back office: its details and recall notes, credits, the splits of each
right, the audio versions with the player and the review thread, and the split sheets.

Tracks are reached from their project's page. Every write on this page goes through a service
(`studio.services.projects`, `studio.services.audio_review`); a refusal is shown where it
happened, with what was typed still there. Only staff who may listen
(`studio.selectors.audio_access.staff_may_listen`) get the player, the versions' addresses and
the uploader: an accountant sees the credits and splits, not the music.
"""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal, InvalidOperation

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from studio.admin.base import AuditedModelAdmin
from studio.admin.documents import pdf_response
from studio.admin.site import studio_admin_site
from studio.admin.track_forms import CreditForm, TrackForm, credit_form_again, seconds_parse
from studio.admin.track_thread import thread_html
from studio.models import AudioVersion, Credit, Project, ReviewComment, Split, Track
from studio.pdf.split_sheet import split_sheet_pdf
from studio.selectors.audio_access import staff_may_listen
from studio.selectors.player import player_config
from studio.selectors.split_sheets import (
    split_sheet_csv,
    split_sheet_for_project,
    split_sheet_for_track,
)
from studio.services import audio_review, projects
from studio.services.errors import PermissionRefused, StudioError

# Blank rows offered under a right's shares (the page's script adds more).
SPARE_SHARE_ROWS = 2
UPLOADER = "studio/admin/audio_upload.html"
SHARED = "{version} is shared: {email} gets an e-mail with a link to it in the portal."
MASTERED = "{version} is now the master of {track}."


def _url(name: str, *args) -> str:
    return reverse(f"admin:studio_track_{name}", args=args)


@admin.register(Track, site=studio_admin_site)
class TrackAdmin(AuditedModelAdmin):
    change_form_template = "studio/admin/track_change_form.html"
    form = TrackForm
    list_display = ["__str__", "project", "status", "isrc"]
    list_select_related = ["project"]
    search_fields = ["title", "isrc", "project__title"]
    fieldsets = [
        (None, {"fields": ["project", ("number", "title"), "status"]}),
        (_("Details"), {"fields": [("bpm", "key"), ("isrc", "duration_seconds")]}),
        (_("Recall notes"), {"fields": ["recall_notes"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["project"] if obj is not None else []

    # --- saves ---------------------------------------------------------------------------------

    def save_record(self, request, obj, form, change):
        names = [name for name in projects.TRACK_FIELDS if name in form.cleaned_data]
        if change:
            values = {name: getattr(obj, name) for name in names if name in form.changed_data}
            return projects.track_update(track=obj, by=request.user, **values)
        values = {name: getattr(obj, name) for name in names if name not in ("title", "number")}
        return projects.track_create(
            project=obj.project, title=obj.title, number=obj.number, by=request.user, **values
        )

    # --- the page --------------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        track = self.get_object(request, object_id)
        if track is None:
            # Another studio's track id is, here, no track at all.
            raise Http404("No such track.")
        # What a refused write on this page left to show again (see `refused`).
        typed = request.session.pop(_typed_key(track), None) if request.method == "GET" else None
        extra = {**self.page_context(request, track, typed=typed), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    def page_context(self, request, track: Track, *, typed: dict | None = None) -> dict:
        user = request.user
        typed = typed or {}
        listen = staff_may_listen(user)
        context = {
            "track": track,
            "can": {
                "listen": listen,
                "upload": listen and user.has_perm("studio.add_audioversion"),
                "versions": user.has_perm("studio.view_audioversion"),
                "change_versions": user.has_perm("studio.change_audioversion"),
                "comment": listen and user.has_perm("studio.add_reviewcomment"),
                "resolve": listen and user.has_perm("studio.change_reviewcomment"),
                "add_credit": user.has_perm("studio.add_credit"),
                "delete_credit": user.has_perm("studio.delete_credit"),
                "splits": user.has_perm("studio.view_split"),
                "change_splits": user.has_perm("studio.change_split"),
            },
            "credits": list(track.credits.all()),
            "credit_form": credit_form_again(typed.get("credit")),
            "urls": {
                "credit_add": _url("credit_add", track.pk),
                "comment": _url("comment", track.pk),
                "sheet_pdf": _url("split_sheet", track.pk, "pdf"),
                "sheet_csv": _url("split_sheet", track.pk, "csv"),
                "project_sheet_pdf": _url("project_split_sheet", track.project_id, "pdf"),
                "project_sheet_csv": _url("project_split_sheet", track.project_id, "csv"),
                "project": reverse("admin:studio_project_change", args=[track.project_id]),
            },
            "comment_error": typed.get("comment_error", ""),
            "comment_typed": typed.get("comment_typed", {}),
        }
        if context["can"]["splits"]:
            context["rights"] = self._rights(track, typed)
        if context["can"]["versions"]:
            context["versions"] = list(AudioVersion.objects.filter(track=track).order_by("-number"))
        if context["can"]["upload"]:
            context["uploader_template"] = UPLOADER
        if listen:
            player = player_config(track, user=user, selected=_int(request.GET.get("version")))
            context["player"] = player
            context["replying_to"] = self._thread_links(
                track,
                player,
                _int(typed.get("comment_typed", {}).get("parent"))
                or _int(request.GET.get("reply")),
            )
            context["thread"] = thread_html(
                player, reply=context["can"]["comment"], resolve=context["can"]["resolve"]
            )
        return context

    def _thread_links(self, track: Track, player: dict, reply_to: int | None) -> dict | None:
        """Give each comment its resolve address (made once, filled in per comment: reversing
        500 URLs would cost more than the rest of the page) and find the comment being
        answered, when the page was opened to reply to one."""
        pattern = _url("comment_resolve", track.pk, 0).replace("/0/", "/{}/")
        replying = None
        for version in player["versions"]:
            for comment in version["comments"]:
                comment["resolve_url"] = pattern.format(comment["id"])
                if comment["id"] == reply_to and version["id"] == player["selected"]:
                    replying = comment
        return replying

    def _rights(self, track: Track, typed: dict) -> list[dict]:
        saved: dict[str, list[dict]] = {}
        for split in track.splits.all():
            saved.setdefault(split.right, []).append(
                {"person": split.person, "percent": f"{split.percent:.2f}"}
            )
        rights = []
        for right, label in Split.Right.choices:
            rows = typed.get("splits", {}).get(right) or saved.get(right, [])
            total = Decimal(0)
            for row in rows:
                with suppress(InvalidOperation):
                    total += Decimal(str(row["percent"]).replace(",", ".").rstrip("% "))
            rights.append(
                {
                    "right": right,
                    "label": label,
                    "rows": rows + [{"person": "", "percent": ""}] * SPARE_SHARE_ROWS,
                    "total": total,
                    "complete": total == 100 or not rows,
                    "error": typed.get("splits_error", {}).get(right, ""),
                    "url": _url("splits", track.pk, right),
                }
            )
        return rights

    def refused(self, request, track: Track, anchor: str, version=None, **typed):
        """Back to the track's page, which shows the refusal where it happened with what was
        typed still there (kept in the session for that one page)."""
        request.session[_typed_key(track)] = typed
        return redirect(self._back(track, anchor, version))

    # --- the page's own addresses ---------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        post = lambda view: wrap(require_POST(view))  # noqa: E731
        return [
            path(
                "<int:track_id>/credits/",
                post(self.credit_add_view),
                name="studio_track_credit_add",
            ),
            path(
                "<int:track_id>/credits/<int:credit_id>/delete/",
                post(self.credit_delete_view),
                name="studio_track_credit_delete",
            ),
            path(
                "<int:track_id>/splits/<slug:right>/",
                post(self.splits_view),
                name="studio_track_splits",
            ),
            path("<int:track_id>/comments/", post(self.comment_view), name="studio_track_comment"),
            path(
                "<int:track_id>/comments/<int:comment_id>/resolve/",
                post(self.resolve_view),
                name="studio_track_comment_resolve",
            ),
            path(
                "<int:track_id>/versions/<int:version_id>/share/",
                post(self.share_view),
                name="studio_track_version_share",
            ),
            path(
                "<int:track_id>/versions/<int:version_id>/master/",
                post(self.master_view),
                name="studio_track_version_master",
            ),
            path(
                "<int:track_id>/split-sheet.<slug:fmt>",
                wrap(self.split_sheet_view),
                name="studio_track_split_sheet",
            ),
            path(
                "projects/<int:project_id>/split-sheet.<slug:fmt>",
                wrap(self.project_split_sheet_view),
                name="studio_track_project_split_sheet",
            ),
            *super().get_urls(),
        ]

    def _track(self, request, track_id: int) -> Track:
        track = get_object_or_404(Track.objects.select_related("project"), pk=track_id)
        if not self.has_view_permission(request, track):
            raise PermissionDenied
        return track

    def _back(self, track: Track, anchor: str = "", version: int | None = None) -> str:
        url = reverse("admin:studio_track_change", args=[track.pk])
        if version:
            url += f"?version={version}"
        return url + (f"#{anchor}" if anchor else "")

    def credit_add_view(self, request, track_id: int):
        track = self._track(request, track_id)
        form = CreditForm(request.POST)
        data = {name: request.POST.get(name, "") for name in form.fields}
        if not form.is_valid():
            return self.refused(request, track, "credits", credit={"data": data})
        try:
            credit = projects.credit_add(track=track, by=request.user, **form.cleaned_data)
        except StudioError as exc:
            error = {"field": exc.field, "message": exc.message}
            return self.refused(request, track, "credits", credit={"data": data, "error": error})
        messages.success(request, f"{credit} added.")
        return redirect(self._back(track, "credits"))

    def credit_delete_view(self, request, track_id: int, credit_id: int):
        track = self._track(request, track_id)
        credit = get_object_or_404(Credit, pk=credit_id, track=track)
        try:
            projects.credit_delete(credit=credit, by=request.user)
        except StudioError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{credit} removed.")
        return redirect(self._back(track, "credits"))

    def splits_view(self, request, track_id: int, right: str):
        track = self._track(request, track_id)
        if right not in Split.Right.values:
            raise Http404("No such right.")
        people = request.POST.getlist("person")
        percents = request.POST.getlist("percent")
        rows = [
            {"person": person.strip(), "percent": percent.strip()}
            for person, percent in zip(people, percents, strict=False)
            if person.strip() or percent.strip()
        ]
        try:
            projects.splits_set(track=track, right=right, shares=rows, by=request.user)
        except StudioError as exc:
            return self.refused(
                request,
                track,
                f"splits-{right}",
                splits={right: rows},
                splits_error={right: exc.message},
            )
        label = Split.Right(right).label
        messages.success(request, f"{label} shares of {track} saved.")
        return redirect(self._back(track, f"splits-{right}"))

    def comment_view(self, request, track_id: int):
        track = self._track(request, track_id)
        version = get_object_or_404(AudioVersion, pk=_int(request.POST.get("version")), track=track)
        parent = None
        if request.POST.get("parent"):
            # Of this track; the service refuses a reply filed under another version.
            parent = get_object_or_404(
                ReviewComment, pk=_int(request.POST.get("parent")), version__track=track
            )
        typed = {
            "at_seconds": request.POST.get("at_seconds", ""),
            "until_seconds": request.POST.get("until_seconds", ""),
            "body": request.POST.get("body", ""),
            "parent": parent.pk if parent else None,
        }
        try:
            comment = audio_review.comment_add(
                version=version,
                body=typed["body"],
                at_seconds=seconds_parse(typed["at_seconds"]) if parent is None else 0,
                until_seconds=seconds_parse(typed["until_seconds"]) or None,
                parent=parent,
                by=request.user,
            )
        except PermissionRefused as exc:
            messages.error(request, exc.message)
            return redirect(self._back(track, "player", version.pk))
        except StudioError as exc:
            return self.refused(
                request,
                track,
                "comment-form",
                version.pk,
                comment_error=exc.message,
                comment_typed=typed,
            )
        anchor = f"comment-{comment.parent_id or comment.pk}"
        return redirect(self._back(track, anchor, version.pk))

    def resolve_view(self, request, track_id: int, comment_id: int):
        track = self._track(request, track_id)
        comment = get_object_or_404(
            ReviewComment.objects.select_related("version"), pk=comment_id, version__track=track
        )
        try:
            audio_review.comment_resolve(
                comment=comment, resolved=request.POST.get("resolved") != "0", by=request.user
            )
        except StudioError as exc:
            messages.error(request, exc.message)
        return redirect(self._back(track, f"comment-{comment.pk}", comment.version_id))

    def _version(self, track: Track, version_id: int) -> AudioVersion:
        return get_object_or_404(AudioVersion, pk=version_id, track=track)

    def share_view(self, request, track_id: int, version_id: int):
        track = self._track(request, track_id)
        version = self._version(track, version_id)
        try:
            audio_review.version_share(version=version, by=request.user)
        except StudioError as exc:
            messages.error(request, exc.message)
        else:
            email = track.project.client.email
            messages.success(request, SHARED.format(version=version, email=email))
        return redirect(self._back(track, "versions"))

    def master_view(self, request, track_id: int, version_id: int):
        track = self._track(request, track_id)
        version = self._version(track, version_id)
        try:
            audio_review.version_master_set(version=version, by=request.user)
        except StudioError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, MASTERED.format(version=version, track=track))
        return redirect(self._back(track, "versions"))

    # --- split sheets ---------------------------------------------------------------------------

    def split_sheet_view(self, request, track_id: int, fmt: str):
        track = self._track(request, track_id)
        if not request.user.has_perm("studio.view_split"):
            raise PermissionDenied
        return _sheet_response(split_sheet_for_track(track), fmt, f"split-sheet-{track.pk}")

    def project_split_sheet_view(self, request, project_id: int, fmt: str):
        project = get_object_or_404(Project, pk=project_id)
        user = request.user
        if not (user.has_perm("studio.view_project") and user.has_perm("studio.view_split")):
            raise PermissionDenied
        sheet = split_sheet_for_project(project)
        return _sheet_response(sheet, fmt, f"split-sheet-project-{project.pk}")


def _sheet_response(sheet, fmt: str, name: str) -> HttpResponse:
    if fmt == "pdf":
        return pdf_response(split_sheet_pdf(sheet), f"{name}.pdf")
    if fmt == "csv":
        # A byte-order mark so that Excel reads the names' accents right.
        response = HttpResponse("\ufeff" + split_sheet_csv(sheet), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    raise Http404("Split sheets come as .pdf or .csv.")


def _typed_key(track: Track) -> str:
    return f"track-page-typed-{track.pk}"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
