"""The studio's own rules, edited in the admin (one row per studio schema)."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from studio.imports.values import LOCALE_CHOICES
from studio.models.banking import (
    compact,
    iban_grouped,
    sort_code_grouped,
    validate_account_number,
    validate_bic,
    validate_iban,
    validate_logo,
    validate_sort_code,
)

# The time zone and the locale are read on most requests, so studio/selectors/settings.py keeps
# them in the cache (whose keys are per studio schema); saving the settings drops them.
TIMEZONE_CACHE_KEY = "studio-settings:timezone"
LOCALE_CACHE_KEY = "studio-settings:locale"

CURRENCIES = [
    ("EUR", "EUR — euro"),
    ("USD", "USD — US dollar"),
    ("GBP", "GBP — pound sterling"),
    ("CAD", "CAD — Canadian dollar"),
    ("AUD", "AUD — Australian dollar"),
    ("JPY", "JPY — yen"),
    ("CHF", "CHF — Swiss franc"),
]
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def validate_number_format(value: str) -> None:
    """A document number pattern: {year} and {number} (e.g. INV-{year}-{number:04}), nothing
    else, so every year restarts at 1 without ever repeating a number."""
    try:
        sample = value.format(year=2026, number=42)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError(
            _("Use only {year} and {number}, e.g. INV-{year}-{number:04} (%(error)s)."),
            params={"error": exc},
        ) from None
    if "{year" not in value or "{number" not in value:
        raise ValidationError(_("The pattern needs both {year} and {number}."))
    if len(sample) > 30:
        raise ValidationError(_("Numbers from this pattern would be too long (30 characters)."))


def validate_reminder_days(value: str) -> None:
    try:
        days = [int(part) for part in value.replace(" ", "").split(",") if part]
    except ValueError:
        raise ValidationError(_("Write whole days separated by commas, e.g. 7, 14, 30.")) from None
    if any(d <= 0 for d in days) or days != sorted(set(days)):
        raise ValidationError(_("Use increasing numbers of days after the due date: 7, 14, 30."))


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(tz)s” is not a known time zone."), params={"tz": value})


class StudioSettings(models.Model):
    singleton = models.BooleanField(default=True, unique=True, editable=False)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", validators=[validate_timezone]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    default_tax_rate = models.DecimalField(
        _("default tax rate (%)"), max_digits=6, decimal_places=3, default=20, validators=PERCENT
    )
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=30)
    min_booking_minutes = models.PositiveSmallIntegerField(
        _("minimum booking (minutes)"), default=60
    )
    lead_time_hours = models.PositiveSmallIntegerField(
        _("lead time for online bookings (hours)"), default=24
    )
    default_buffer_minutes = models.PositiveSmallIntegerField(
        _("default changeover (minutes)"), default=30
    )
    deposit_percent = models.DecimalField(
        _("deposit (%)"), max_digits=5, decimal_places=2, default=30, validators=PERCENT
    )
    approval_required = models.BooleanField(_("online bookings need approval"), default=False)

    # The client portal: who may have an account, how far ahead clients book, what they pay.
    class BookingMode(models.TextChoices):
        INVITE = "invite", _("Invited clients only")
        REGISTERED = "registered", _("Clients the studio knows (their e-mail is on file)")
        OPEN = "open", _("Anyone may register")

    booking_mode = models.CharField(
        _("who may use the portal"),
        max_length=10,
        choices=BookingMode.choices,
        default=BookingMode.INVITE,
        help_text=_(
            "Invited clients only: accounts come from “Invite to the portal” on a client's "
            "page. Clients the studio knows: anyone whose e-mail is on a client record may "
            "create an account. Anyone: new visitors register and become clients."
        ),
    )
    max_advance_days = models.PositiveSmallIntegerField(
        _("online bookings up to (days ahead)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("slot held while paying (minutes)"),
        default=15,
        validators=[MinValueValidator(2), MaxValueValidator(120)],
        help_text=_("A slot picked online is kept for the client this long while they pay."),
    )
    account_deposit_percent = models.DecimalField(
        _("deposit for label / company accounts (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=PERCENT,
        help_text=_("Clients on account terms (PO, 30 days); 0 books without a deposit."),
    )
    no_show_deposit_percent = models.DecimalField(
        _("deposit after a no-show (%)"),
        max_digits=5,
        decimal_places=2,
        default=100,
        validators=PERCENT,
        help_text=_("Asked instead of the usual deposit from clients with a no-show on record."),
    )
    portal_part_payments = models.BooleanField(
        _("clients may pay part of an invoice"),
        default=False,
        help_text=_("In the portal, a client may pay less than the balance (never more)."),
    )

    class QuoteAcceptance(models.TextChoices):
        CONVERT = "convert", _("Turn it into an invoice at once")
        STAFF = "staff", _("Leave it to staff to invoice")

    quote_acceptance = models.CharField(
        _("a quote accepted in the portal"),
        max_length=8,
        choices=QuoteAcceptance.choices,
        default=QuoteAcceptance.STAFF,
    )
    audio_retention_days = models.PositiveSmallIntegerField(
        _("delete project audio after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Audio files of a delivered project are deleted this many days after delivery "
            "(titles, credits and comments stay). Empty keeps them for ever."
        ),
    )
    retention_warning_days = models.PositiveSmallIntegerField(
        _("warn before deleting (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("The client and the studio are e-mailed this many days before the files go."),
    )
    brand_colour = models.CharField(
        _("portal colour"),
        max_length=7,
        default="#7c3aed",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #7c3aed."))],
        help_text=_("Buttons and links in the client portal."),
    )
    two_factor_required = models.BooleanField(
        _("two-factor sign-in required for all staff"),
        default=False,
        help_text=_(
            "Everyone signs in with a code from an authenticator app as well as their "
            "password; staff without one set it up at their next sign-in. Only an owner "
            "changes this."
        ),
    )
    locale = models.CharField(
        _("dates and numbers"),
        max_length=5,
        choices=LOCALE_CHOICES,
        default="en-GB",
        help_text=_("How imported files write dates (31/12 or 12/31) and decimals (1.5 or 1,5)."),
    )

    # The first-run wizard: the step to resume at, and whether it is finished (or dismissed).
    onboarding_step = models.PositiveSmallIntegerField(default=1, editable=False)
    onboarding_done = models.BooleanField(default=False, editable=False)
    # Printed on documents and used for e-mails.
    email = models.EmailField(_("e-mail for clients"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    vat_number = models.CharField(_("VAT / tax number"), max_length=40, blank=True)
    company_number = models.CharField(
        _("company number"), max_length=40, blank=True, help_text=_("Companies House, SIRET, HRB…")
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="branding/",
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG or JPEG under 2 MB, printed at the top of documents."),
    )
    # How clients pay: printed in the "Payment details" block of invoices and in their e-mails.
    account_holder = models.CharField(
        _("account holder"), max_length=140, blank=True, help_text=_("The name on the account.")
    )
    iban = models.CharField(_("IBAN"), max_length=42, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC / SWIFT"), max_length=14, blank=True, validators=[validate_bic])
    sort_code = models.CharField(
        _("sort code"), max_length=10, blank=True, validators=[validate_sort_code]
    )
    account_number = models.CharField(
        _("account number"), max_length=12, blank=True, validators=[validate_account_number]
    )
    payment_details = models.TextField(
        _("other payment instructions"),
        blank=True,
        help_text=_("Printed under the bank details, e.g. “Cheques to Studio Pro Ltd”."),
    )
    invoice_notes = models.TextField(
        _("default invoice notes"),
        blank=True,
        help_text=_("Put on every new invoice, e.g. late-payment terms; editable per invoice."),
    )
    quote_notes = models.TextField(
        _("default quote notes"),
        blank=True,
        help_text=_("Put on every new quote, e.g. what the price includes."),
    )
    invoice_number_format = models.CharField(
        _("invoice numbers"),
        max_length=40,
        default="INV-{year}-{number:04}",
        validators=[validate_number_format],
        help_text=_("{year} and {number}; {number:04} pads to four digits: INV-2026-0042."),
    )
    quote_number_format = models.CharField(
        _("quote numbers"),
        max_length=40,
        default="Q-{year}-{number:04}",
        validators=[validate_number_format],
    )
    credit_note_number_format = models.CharField(
        _("credit note numbers"),
        max_length=40,
        default="CN-{year}-{number:04}",
        validators=[validate_number_format],
    )
    receipt_number_format = models.CharField(
        _("receipt numbers"),
        max_length=40,
        default="R-{year}-{number:04}",
        validators=[validate_number_format],
    )
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    quote_valid_days = models.PositiveSmallIntegerField(_("quotes valid for (days)"), default=30)
    reminder_days = models.CharField(
        _("reminders (days after due date)"),
        max_length=60,
        default="7, 14, 30",
        validators=[validate_reminder_days],
        help_text=_("One reminder e-mail per step, e.g. 7, 14, 30."),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("studio settings")

    def __str__(self) -> str:
        return str(_("Studio settings"))

    def save(self, *args, **kwargs):
        # Stored as banks compare them; printed grouped (bank_lines).
        self.iban, self.bic = compact(self.iban), compact(self.bic)
        self.sort_code, self.account_number = compact(self.sort_code), compact(self.account_number)
        super().save(*args, **kwargs)
        cache.delete_many([TIMEZONE_CACHE_KEY, LOCALE_CACHE_KEY])

    def clean(self):
        super().clean()
        errors = {}
        if bool(self.sort_code) != bool(self.account_number):
            missing = "account_number" if self.sort_code else "sort_code"
            errors[missing] = _("A UK bank account needs both the sort code and the number.")
        if self.bic and not self.iban:
            errors["iban"] = _("Give the IBAN the BIC belongs to.")
        if errors:
            raise ValidationError(errors)

    @property
    def bank_lines(self) -> list[str]:
        """The bank account as printed on invoices and in e-mails, one line per fact."""
        lines = []
        if self.account_holder:
            lines.append(str(_("Account holder: %(name)s")) % {"name": self.account_holder})
        if self.iban:
            lines.append(f"IBAN {iban_grouped(self.iban)}")
        if self.bic:
            lines.append(f"BIC {self.bic}")
        if self.sort_code:
            lines.append(
                str(_("Sort code %(code)s · Account %(number)s"))
                % {"code": sort_code_grouped(self.sort_code), "number": self.account_number}
            )
        return lines

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def reminder_steps(self) -> list[int]:
        return [int(part) for part in self.reminder_days.replace(" ", "").split(",") if part]


class OpeningHours(models.Model):
    settings = models.ForeignKey(StudioSettings, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    opens = models.TimeField()
    closes = models.TimeField(help_text=_("Earlier than the opening time means after midnight."))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class CancellationTier(models.Model):
    """Cancelling at least `min_hours_before` the start refunds `refund_percent` of the deposit."""

    settings = models.ForeignKey(StudioSettings, on_delete=models.CASCADE, related_name="tiers")
    min_hours_before = models.PositiveIntegerField(_("cancelled at least (hours before)"))
    refund_percent = models.DecimalField(
        _("refund (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )

    class Meta:
        ordering = ["-min_hours_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["settings", "min_hours_before"], name="cancellation_tier_unique_hours"
            )
        ]

    def __str__(self) -> str:
        return f"≥ {self.min_hours_before} h: {self.refund_percent} %"
