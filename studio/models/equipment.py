from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from studio.models.rooms import Room


class Equipment(models.Model):
    class Category(models.TextChoices):
        MICROPHONE = "microphone", _("Microphone")
        PREAMP = "preamp", _("Preamp")
        OUTBOARD = "outboard", _("Outboard / processing")
        CONSOLE = "console", _("Console")
        MONITOR = "monitor", _("Monitoring")
        INSTRUMENT = "instrument", _("Instrument")
        AMPLIFIER = "amplifier", _("Amplifier")
        COMPUTER = "computer", _("Computer / interface")
        CABLE = "cable", _("Cables and stands")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        IN_USE = "in_use", _("In use")
        IN_REPAIR = "in_repair", _("In repair")
        RETIRED = "retired", _("Retired")
        LOST = "lost", _("Lost")

    OUT_OF_SERVICE = (Status.IN_REPAIR, Status.RETIRED, Status.LOST)

    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    make = models.CharField(_("make"), max_length=80)
    model = models.CharField(_("model"), max_length=120)
    serial = models.CharField(_("serial number"), max_length=80, blank=True)
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="equipment"
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    purchase_price = models.DecimalField(
        _("purchase price"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    hire_price = models.DecimalField(
        _("hire price per session"),
        max_digits=10,
        decimal_places=2,
        default=0,
        help_text=_("Billed on the invoice of each session that books it; 0 for house gear."),
    )
    warranty_end = models.DateField(_("warranty until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE
    )
    next_maintenance_due = models.DateField(_("next maintenance due"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["category", "make", "model"]
        verbose_name_plural = _("equipment")
        constraints = [
            models.UniqueConstraint(
                fields=["make", "model", "serial"],
                name="equipment_serial_unique",
                condition=~models.Q(serial=""),
            )
        ]

    def __str__(self) -> str:
        serial = f" #{self.serial}" if self.serial else ""
        return f"{self.make} {self.model}{serial}"

    @property
    def in_service(self) -> bool:
        return self.status not in self.OUT_OF_SERVICE


class MaintenanceEntry(models.Model):
    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, related_name="maintenance")
    date = models.DateField(_("date"))
    description = models.CharField(_("work done"), max_length=300)
    cost = models.DecimalField(_("cost"), max_digits=9, decimal_places=2, null=True, blank=True)
    done_by = models.CharField(_("done by"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-date"]
        verbose_name_plural = _("maintenance entries")

    def __str__(self) -> str:
        return f"{self.date}: {self.description}"
