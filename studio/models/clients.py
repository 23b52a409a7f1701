from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Client(models.Model):
    class Kind(models.TextChoices):
        ARTIST = "artist", _("Artist")
        BAND = "band", _("Band")
        LABEL = "label", _("Label")
        COMPANY = "company", _("Company")

    class Terms(models.TextChoices):
        INDEPENDENT = "independent", _("Independent artist (pay at booking)")
        ACCOUNT = "account", _("Label / company account (PO, 30 days)")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.ARTIST)
    name = models.CharField(_("name"), max_length=200)
    artist_name = models.CharField(_("artist name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text="ISO code, e.g. FR"
    )
    vat_number = models.CharField(_("VAT number"), max_length=30, blank=True)
    tags = ArrayField(
        models.CharField(
            max_length=30,
            # Lists of tags are written "rock, jazz" in spreadsheets and exports.
            validators=[
                RegexValidator(
                    r"[,;|]",
                    _("A tag cannot contain a comma, semicolon or |."),
                    inverse_match=True,
                )
            ],
        ),
        default=list,
        blank=True,
    )
    notes = models.TextField(_("notes"), blank=True)
    terms = models.CharField(
        _("terms"), max_length=12, choices=Terms.choices, default=Terms.INDEPENDENT
    )
    no_show_count = models.PositiveIntegerField(_("no-shows"), default=0, editable=False)
    # What the client chose in the portal's profile.
    notify_documents = models.BooleanField(
        _("e-mail new quotes, invoices and contracts"), default=True
    )
    notify_reminders = models.BooleanField(_("e-mail reminders"), default=True)
    # The right to erasure: asked in the portal, carried out by the studio.
    erasure_requested_at = models.DateTimeField(
        _("asked to delete their data"), null=True, blank=True, editable=False
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="client_name"),
            models.Index(Lower("name"), name="client_name_lower"),
            models.Index(fields=["-created_at"], name="client_created"),
            # The dashboard's "clients with no-shows" reads only this small slice.
            models.Index(
                fields=["-no_show_count", "name"],
                name="client_no_shows",
                condition=models.Q(no_show_count__gt=0),
            ),
        ]
        constraints = [
            # One client per e-mail address (case-insensitive); clients without one are allowed.
            models.UniqueConstraint(
                Lower("email"),
                name="client_email_unique",
                condition=~models.Q(email=""),
                violation_error_message=_(
                    "Another client already has this e-mail address: search for it in the "
                    "client list, or leave the e-mail empty."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.label(self.name, self.artist_name)

    @staticmethod
    def label(name: str, artist_name: str) -> str:
        """How a client is shown everywhere: artist name first when it differs."""
        if artist_name and artist_name != name:
            return f"{artist_name} ({name})"
        return name
