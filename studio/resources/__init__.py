"""Import/export resources, one module per area. `RESOURCES` maps the name used in URLs and on
the command line ("clients", "sessions", ...) to its resource class."""

from __future__ import annotations

from studio.resources.clients import ClientResource
from studio.resources.equipment import EquipmentResource, MaintenanceResource
from studio.resources.projects import ProjectResource, TrackResource
from studio.resources.rooms import RoomResource
from studio.resources.sessions import SessionResource
from studio.resources.staff import EngineerResource

RESOURCES = {
    r.key: r
    for r in (
        ClientResource,
        RoomResource,
        EngineerResource,
        EquipmentResource,
        MaintenanceResource,
        SessionResource,
        ProjectResource,
        TrackResource,
    )
}


def resource_for(key: str):
    try:
        return RESOURCES[key]
    except KeyError:
        raise KeyError(
            f"Unknown import type “{key}”; choose one of: {', '.join(RESOURCES)}."
        ) from None
