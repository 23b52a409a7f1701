"""The studio back office: one admin site per studio schema, on the studio's own domain."""

from studio.admin import (  # noqa: F401  (each module registers its models)
    audit,
    clients,
    contracts,
    credit_notes,
    equipment,
    invoices,
    lockouts,
    mail,
    payments,
    projects,
    quotes,
    rooms,
    sessions,
    settings,
    staff,
    tracks,
)
from studio.admin.site import studio_admin_site

__all__ = ["studio_admin_site"]
