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
from studio.models.rooms import Room, RoomPeakRate
from studio.models.sessions import Session, SessionEngineer, SessionEquipment, SessionSeries
from studio.models.settings import CancellationTier, OpeningHours, StudioSettings
from studio.models.staff import Engineer

__all__ = [
    "AuditEntry",
    "CancellationTier",
    "CardPayment",
    "Client",
    "Contract",
    "ContractTemplate",
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
    "Quote",
    "QuoteLine",
    "ReminderSent",
    "Room",
    "RoomPeakRate",
    "Session",
    "SessionEngineer",
    "SessionEquipment",
    "SessionSeries",
    "StoredPdf",
    "StripeCustomer",
    "StudioSettings",
]
