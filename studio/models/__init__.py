from studio.models.audit import AuditEntry
from studio.models.clients import Client
from studio.models.equipment import Equipment, MaintenanceEntry
from studio.models.imports import ImportJob
from studio.models.rooms import Room, RoomPeakRate
from studio.models.sessions import Session, SessionEngineer, SessionEquipment, SessionSeries
from studio.models.settings import CancellationTier, OpeningHours, StudioSettings
from studio.models.staff import Engineer

__all__ = [
    "AuditEntry",
    "CancellationTier",
    "Client",
    "Engineer",
    "Equipment",
    "ImportJob",
    "MaintenanceEntry",
    "OpeningHours",
    "Room",
    "RoomPeakRate",
    "Session",
    "SessionEngineer",
    "SessionEquipment",
    "SessionSeries",
    "StudioSettings",
]
