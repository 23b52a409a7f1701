"""The studio back office: one admin site per studio schema, on the studio's own domain."""

from studio.admin import staff  # noqa: F401  (registers the models)
from studio.admin.site import studio_admin_site

__all__ = ["studio_admin_site"]
