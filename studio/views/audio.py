"""Serving audio, and receiving it.

`audio_serve` answers the signed, expiring addresses made by `studio.services.audio_urls`: it
reads the grant, checks that the request comes from the person it was made for, asks the
access rule (`studio.selectors.audio_access`) again, then sends the bytes asked for (HTTP
Range, so a player can seek in a long file), or hands the transfer to the web server in front
(X-Accel-Redirect) or to the object store (a short-lived presigned URL). Another client's or
another studio's audio is a 404, so an address never reveals that something exists.

The upload endpoints take the chunks of the back office's uploader (audio_upload.js): start an
upload, send chunks with `Content-Range`, ask where it stands, follow the processing.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from portal.auth import portal_account_of
from studio.audio.ranges import Unsatisfiable, byte_range, file_pieces
from studio.models import AudioUpload, AudioVersion, Track
from studio.selectors.audio_access import client_download, client_may_stream, staff_may_listen
from studio.services.audio_uploads import CHUNK_SIZE, upload_chunk, upload_discard, upload_start
from studio.services.audio_urls import BadAudioToken, audio_grant_read
from studio.services.errors import PermissionRefused, StudioError
from studio.views.refusals import refusal_page

CONTENT_TYPES = {
    "wav": "audio/wav",
    "aiff": "audio/aiff",
    "flac": "audio/flac",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
}
NOT_FOUND = "No such audio."
S3_URL_SECONDS = 300


# --- serving ----------------------------------------------------------------------------------


def _version_for(request, token: str) -> tuple[AudioVersion, str]:
    """The version and variant the token grants to this request's person, or 404/403."""
    try:
        grant = audio_grant_read(token)
    except BadAudioToken:
        raise Http404(NOT_FOUND) from None
    version = (
        AudioVersion.objects.select_related("track__project").filter(pk=grant.version_id).first()
    )
    if version is None:
        raise Http404(NOT_FOUND)
    user = request.user
    if grant.audience.startswith("u"):
        if not (user.is_authenticated and user.is_staff and f"u{user.pk}" == grant.audience):
            raise Http404(NOT_FOUND)
        if not staff_may_listen(user):
            raise PermissionDenied
        return version, grant.variant
    account = portal_account_of(user)
    if account is None or f"c{account.client_id}" != grant.audience:
        raise Http404(NOT_FOUND)
    client = account.client
    if not client_may_stream(client, version):
        raise Http404(NOT_FOUND)
    if grant.variant == "download":
        decision = client_download(client, version)
        if not decision.allowed:
            raise _Refused(_download_refusal(request, decision))
    return version, grant.variant


class _Refused(Exception):
    def __init__(self, response: HttpResponse):
        self.response = response


def _download_refusal(request, decision) -> HttpResponse:
    """403 with the reason (and, when invoices are due, where to pay them)."""
    due = decision.release.due if decision.release else ()
    links = []
    if due:
        links.append(("Pay the invoice", reverse("portal:invoice", args=[due[0].pk])))
    links.append(("Your invoices", reverse("portal:invoices")))
    return refusal_page(
        request,
        status=403,
        title="This file cannot be downloaded yet",
        reason=decision.reason,
        links=links,
    )


def _etag(version: AudioVersion, field, size: int) -> str:
    if field is version.file and version.sha256:
        return f'"{version.sha256[:40]}"'
    return f'"v{version.pk}-{Path(field.name).name}-{size}"'


def _headers(response, *, version: AudioVersion, variant: str, content_type: str) -> None:
    response["Cache-Control"] = "private, max-age=600, no-transform"
    response["X-Content-Type-Options"] = "nosniff"
    if variant == "download":
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=version.original_name
        )
    else:
        response["Content-Disposition"] = "inline"


def _s3_storage(storage) -> bool:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return False
    return isinstance(storage, S3Storage)


@require_safe
def audio_serve(request, token: str):
    try:
        version, variant = _version_for(request, token)
    except _Refused as refused:
        return refused.response
    if version.status == AudioVersion.Status.DELETED or not version.file:
        raise Http404(NOT_FOUND)
    field = version.file
    content_type = CONTENT_TYPES.get(version.audio_format, "application/octet-stream")
    if variant == "stream" and version.preview:
        field, content_type = version.preview, "audio/mpeg"
    storage = field.storage

    if _s3_storage(storage):
        disposition = (
            content_disposition_header(as_attachment=True, filename=version.original_name)
            if variant == "download"
            else "inline"
        )
        url = storage.url(
            field.name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": "private, max-age=300",
            },
            expire=getattr(settings, "AUDIO_S3_URL_SECONDS", S3_URL_SECONDS),
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    accel = getattr(settings, "AUDIO_X_ACCEL_REDIRECT_PREFIX", "")
    if accel:
        # nginx serves the file (ranges included) from an `internal` location over MEDIA_ROOT.
        relative = Path(storage.path(field.name)).relative_to(Path(settings.MEDIA_ROOT))
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{relative.as_posix()}"
        _headers(response, version=version, variant=variant, content_type=content_type)
        return response
    return _ranged(request, version=version, variant=variant, field=field, ctype=content_type)


def _ranged(request, *, version, variant, field, ctype) -> HttpResponse:
    storage = field.storage
    size = storage.size(field.name)
    etag = _etag(version, field, size)
    header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if header and if_range and if_range.strip() != etag:
        header = None  # the file changed since the client's copy: send it whole
    try:
        wanted = byte_range(header, size)
    except Unsatisfiable:
        response = HttpResponse(status=416, content_type="text/plain")
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    start, end = wanted if wanted else (0, size - 1)
    length = end - start + 1 if size else 0
    handle = storage.open(field.name, "rb")
    response = StreamingHttpResponse(
        file_pieces(handle, start, length),
        status=206 if wanted else 200,
        content_type=ctype,
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    _headers(response, version=version, variant=variant, content_type=ctype)
    return response


# --- uploads (back office) --------------------------------------------------------------------


def _error(error: StudioError, status: int = 400, **extra) -> JsonResponse:
    if isinstance(error, PermissionRefused):
        status = 403
    return JsonResponse({"error": error.message, "field": error.field, **extra}, status=status)


def _upload_state(upload: AudioUpload) -> dict:
    version = upload.version
    return {
        "id": str(upload.pk),
        "filename": upload.filename,
        "size": upload.size_bytes,
        "received": upload.received_bytes,
        "chunk_size": CHUNK_SIZE,
        "url": reverse("audio_upload", args=[upload.pk]),
        "version_id": version.pk if version else None,
        "version": f"v{version.number}" if version else None,
        "status": version.status if version else "uploading",
        "progress": version.progress if version else 0,
        "version_url": reverse("audio_version_status", args=[version.pk]) if version else None,
    }


@require_POST
def upload_start_view(request):
    """Open an upload: JSON {track, filename, size, kind, label}."""
    try:
        data = json.loads(request.read(64 * 1024) or b"{}")
    except ValueError:
        return JsonResponse({"error": "The request is not JSON."}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"error": "The request is not a JSON object."}, status=400)
    try:
        track = Track.objects.get(pk=int(data.get("track") or 0))
    except (Track.DoesNotExist, TypeError, ValueError):
        return JsonResponse(
            {"error": "No such track in this studio.", "field": "track"}, status=404
        )
    try:
        upload = upload_start(
            track=track,
            filename=data.get("filename") or "",
            size=data.get("size"),
            kind=data.get("kind") or AudioVersion.Kind.MIX,
            label=data.get("label") or "",
            by=request.user,
        )
    except StudioError as error:
        return _error(error)
    return JsonResponse(_upload_state(upload), status=201)


def _content_range(header: str, size: int) -> tuple[int, int] | None:
    """(offset, length) from `bytes a-b/total` (or `bytes */total` to finish an upload whose
    bytes are all in); None when the header is missing or does not describe this file."""
    unit, _, spec = (header or "").partition(" ")
    spans, _, total = spec.partition("/")
    if unit != "bytes" or total.strip() != str(size):
        return None
    if spans.strip() == "*":
        return size, 0
    first, _, last = spans.partition("-")
    try:
        first, last = int(first), int(last)
    except ValueError:
        return None
    if first < 0 or last < first:
        return None
    return first, last - first + 1


def _own_upload(request, upload_id) -> AudioUpload:
    upload = get_object_or_404(AudioUpload.objects.select_related("version"), pk=upload_id)
    if not request.user.has_perm("studio.add_audioversion"):
        raise PermissionDenied
    return upload


@require_http_methods(["GET", "PUT", "POST", "DELETE"])
def upload_view(request, upload_id):
    """GET: where the upload stands. PUT (or POST) a chunk with `Content-Range`. DELETE:
    give the upload up."""
    upload = _own_upload(request, upload_id)
    if request.method == "GET":
        return JsonResponse(_upload_state(upload))
    if request.method == "DELETE":
        try:
            upload_discard(upload=upload, by=request.user)
        except StudioError as error:
            return _error(error)
        return JsonResponse({"id": str(upload.pk), "status": "discarded"})
    span = _content_range(request.headers.get("Content-Range", ""), upload.size_bytes)
    if span is None:
        return JsonResponse(
            {
                "error": f"Send each chunk with a header “Content-Range: bytes first-last/"
                f"{upload.size_bytes}”.",
                "received": upload.received_bytes,
            },
            status=400,
        )
    offset, length = span
    declared = request.META.get("CONTENT_LENGTH")
    if declared and declared.isdigit() and int(declared) != length:
        return JsonResponse(
            {
                "error": f"Content-Range announces {length:,} bytes but the request carries "
                f"{int(declared):,}.",
                "received": upload.received_bytes,
            },
            status=400,
        )
    try:
        # The request is read as a stream, 1 MB at a time (never request.body).
        upload = upload_chunk(
            upload=upload, offset=offset, stream=request, length=length, by=request.user
        )
    except StudioError as error:
        current = AudioUpload.objects.filter(pk=upload.pk).values_list("received_bytes", flat=True)
        received = next(iter(current), None)
        status = 409 if error.field == "offset" else 400
        return _error(error, status, received=received, discarded=received is None)
    return JsonResponse(_upload_state(upload))


@require_GET
def version_status_view(request, version_id: int):
    """The processing of a version, polled by the uploader until it is ready."""
    if not request.user.has_perm("studio.view_audioversion"):
        raise PermissionDenied
    version = get_object_or_404(AudioVersion, pk=version_id)
    return JsonResponse(
        {
            "id": version.pk,
            "version": f"v{version.number}",
            "status": version.status,
            "progress": version.progress,
            "error": version.error,
            "duration_seconds": version.duration_seconds,
            "lufs": version.lufs,
        }
    )
