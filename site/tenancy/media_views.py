"""Uploaded files in development, each on its own host.

The decision: Django serves uploads only with DEBUG on, and each host only the files of its own
schema (MEDIA_ROOT/<schema>/): a studio's host its studio's uploads, the platform host the public
schema's (Wagtail's images). A path into another schema's folder is a 404 on every host, so the
platform host never hands out a studio's files, nor one studio another's. With DEBUG off Django
serves no uploads at all; a production deploy must not serve MEDIA_ROOT as one folder from the
web server in front either, since that would undo this separation (docs/platform.md).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.urls import URLPattern, re_path
from django.views.static import serve

# The folders of uploads meant to be shown to anyone who has the address: room photos and the
# studio's logo, Wagtail's images and documents. Everything else (project audio, data exports,
# the upload spool) is private and served only by views that check who is asking, through
# signed addresses; their storage paths can be guessed.
PUBLIC_FOLDERS = frozenset({"rooms", "branding", "original_images", "images", "documents"})


def public_path(path: str) -> bool:
    """Whether `path`, as serve() will resolve it, lies in a public folder."""
    normal = posixpath.normpath("/" + path.replace("\\", "/")).lstrip("/")
    return normal.split("/", 1)[0] in PUBLIC_FOLDERS and ".." not in normal.split("/")


def own_media(request, schema: str, path: str):
    tenant = getattr(request, "tenant", None)
    if not settings.DEBUG or tenant is None or schema != tenant.schema_name:
        raise Http404("No such file.")
    if not public_path(path):
        raise Http404("No such file.")
    # serve() refuses any path that would leave the folder (../, absolute paths).
    return serve(request, path, document_root=Path(settings.MEDIA_ROOT) / schema)


def media_urlpatterns() -> list[URLPattern]:
    """The development URL of uploads, for the platform's and the studios' URL confs alike."""
    prefix = settings.MEDIA_URL
    if not settings.DEBUG or not prefix.startswith("/"):
        return []
    pattern = rf"^{re.escape(prefix.lstrip('/'))}(?P<schema>[^/]+)/(?P<path>.+)$"
    return [re_path(pattern, own_media, name="own_media")]
