from studio.models.audio import AudioDeletion, AudioUpload, AudioVersion, ReviewComment
from studio.models.audit import AuditEntry
from studio.models.billing import (
    CreditNote,
    CreditNoteLine,
    DocumentCounter,
    Invoice,
    InvoiceLine,
    Quote,
    QuoteLine,
    StoredPdf,
)
from studio.models.clients import Client
from studio.models.contracts import Contract, ContractTemplate
from studio.models.equipment import Equipment, MaintenanceEntry
from studio.models.imports import ImportJob
from studio.models.mail import EmailTemplate, OutgoingEmail
from studio.models.payments import CardPayment, Payment, ReminderSent, StripeCustomer
from studio.models.projects import Credit, Project, ProjectExpense, ProjectStage, Split, Track
from studio.models.rooms import Room, RoomPeakRate
from studio.models.sessions import Session, SessionEngineer, SessionEquipment, SessionSeries
from studio.models.settings import CancellationTier, OpeningHours, StudioSettings
from studio.models.staff import Engineer

__all__ = [
    "AudioDeletion",
    "AudioUpload",
    "AudioVersion",
    "AuditEntry",
    "CancellationTier",
    "CardPayment",
    "Client",
    "Contract",
    "ContractTemplate",
    "Credit",
    "CreditNote",
    "CreditNoteLine",
    "DocumentCounter",
    "EmailTemplate",
    "Engineer",
    "Equipment",
    "ImportJob",
    "Invoice",
    "InvoiceLine",
    "MaintenanceEntry",
    "OpeningHours",
    "OutgoingEmail",
    "Payment",
    "Project",
    "ProjectExpense",
    "ProjectStage",
    "Quote",
    "QuoteLine",
    "ReminderSent",
    "ReviewComment",
    "Room",
    "RoomPeakRate",
    "Session",
    "SessionEngineer",
    "SessionEquipment",
    "SessionSeries",
    "Split",
    "StoredPdf",
    "StripeCustomer",
    "StudioSettings",
    "Track",
]
