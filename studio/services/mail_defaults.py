"""The e-mails a new studio starts with, and the placeholders each one may use."""

from __future__ import annotations

# `studio_signature`: the studio's name, address, phone, e-mail and registration numbers, one a
# line, from its settings. `payment_details`: its bank account and other payment instructions.
COMMON = ("studio_name", "studio_email", "studio_signature", "client_name")
# A booked session, for the booking e-mails: when, where, what it costs and the portal's address.
SESSION = ("date", "time", "room", "price", "deposit", "deposit_paid", "portal_url")

PROJECT = ("project", "track", "portal_url")
PLACEHOLDERS = {
    "quote": (*COMMON, "number", "title", "total", "valid_until", "portal_url"),
    # `portal_url`: the invoice's page in the client portal (the portal's front page for a
    # client without an account); never a sign-in link, since the mailbox keeps the e-mail.
    "invoice": (
        *COMMON,
        "number",
        "total",
        "balance",
        "due_date",
        "payment_details",
        "portal_url",
    ),
    "receipt": (*COMMON, "number", "amount", "invoice_number", "balance", "received_on"),
    "reminder": (
        *COMMON,
        "number",
        "total",
        "balance",
        "due_date",
        "days_overdue",
        "step",
        "payment_details",
        "portal_url",
    ),
    "credit_note": (*COMMON, "number", "invoice_number", "total", "reason"),
    "contract": (*COMMON, "title", "project", "start_date", "end_date", "fee", "portal_url"),
    "booking_received": (*COMMON, *SESSION),
    "booking_confirmed": (*COMMON, *SESSION),
    "booking_declined": (*COMMON, *SESSION, "refund"),
    "booking_cancelled": (*COMMON, *SESSION, "refund"),
    "session_reminder": (*COMMON, *SESSION),
    "mix_to_review": (*COMMON, *PROJECT, "version", "notes"),
    "mix_comment": (*COMMON, *PROJECT, "version", "author", "at", "comment"),
    "version_approved": (*COMMON, *PROJECT, "version", "approved_by", "admin_url"),
    "masters_ready": (*COMMON, *PROJECT),
    "audio_retention": (*COMMON, *PROJECT, "delete_on"),
}

DEFAULTS = {
    "quote": (
        "Quote {{ number }} from {{ studio_name }}",
        "Hello {{ client_name }},\n\n"
        "Please find attached our quote {{ number }} for {{ title }}, "
        "{{ total }} in total, valid until {{ valid_until }}.\n\n"
        "You can accept or decline it in your client portal: {{ portal_url }}\n"
        "Once you accept it, we will book your sessions.\n\n"
        "Best regards,\n{{ studio_signature }}",
    ),
    "invoice": (
        "Invoice {{ number }} from {{ studio_name }}",
        "Hello {{ client_name }},\n\n"
        "Please find attached invoice {{ number }} for {{ total }}, due on {{ due_date }}.\n"
        "Balance due: {{ balance }}.\n\n"
        "How to pay:\n{{ payment_details }}\n"
        "Please quote {{ number }} as the payment reference.\n\n"
        "The invoice is also in your client portal: {{ portal_url }}\n\n"
        "Thank you for recording with us.\n{{ studio_signature }}",
    ),
    "receipt": (
        "Payment received — {{ invoice_number }}",
        "Hello {{ client_name }},\n\n"
        "We received {{ amount }} on {{ received_on }} for invoice {{ invoice_number }}. "
        "Your receipt {{ number }} is attached.\nBalance remaining: {{ balance }}.\n\n"
        "Thank you,\n{{ studio_signature }}",
    ),
    "reminder": (
        "Reminder: invoice {{ number }} is {{ days_overdue }} days overdue",
        "Hello {{ client_name }},\n\n"
        "Our invoice {{ number }} ({{ total }}) was due on {{ due_date }} and "
        "{{ balance }} is still outstanding. The invoice is attached again.\n\n"
        "How to pay:\n{{ payment_details }}\n\n"
        "The invoice is also in your client portal: {{ portal_url }}\n\n"
        "If you have already paid, thank you and please ignore this message.\n\n"
        "{{ studio_signature }}",
    ),
    "credit_note": (
        "Credit note {{ number }} for invoice {{ invoice_number }}",
        "Hello {{ client_name }},\n\n"
        "We have issued credit note {{ number }} for {{ total }} against invoice "
        "{{ invoice_number }} ({{ reason }}). It is attached.\n\n{{ studio_signature }}",
    ),
    "contract": (
        "Contract to sign: {{ title }}",
        "Hello {{ client_name }},\n\n"
        "The contract “{{ title }}” for {{ project }} is ready to sign. You can read it and "
        "sign it in your client portal: {{ portal_url }}\n"
        "Once you have signed it, the signed PDF is e-mailed to you and to us.\n\n"
        "{{ studio_signature }}",
    ),
    "booking_received": (
        "Booking request for {{ date }} received",
        "Hello {{ client_name }},\n\n"
        "Thank you: we have your request for {{ room }} on {{ date }}, {{ time }}. "
        "The studio confirms bookings itself and will write to you shortly. "
        "Deposit paid: {{ deposit_paid }}.\n\n"
        "Your bookings: {{ portal_url }}\n\n{{ studio_signature }}",
    ),
    "booking_confirmed": (
        "Booked: {{ room }} on {{ date }}",
        "Hello {{ client_name }},\n\n"
        "Your session is confirmed: {{ room }} on {{ date }}, {{ time }}.\n"
        "Price: {{ price }}. Deposit paid: {{ deposit_paid }}.\n\n"
        "The attached calendar file adds it to your calendar. To move or cancel it, open "
        "{{ portal_url }}\n\n{{ studio_signature }}",
    ),
    "booking_declined": (
        "We cannot take your booking on {{ date }}",
        "Hello {{ client_name }},\n\n"
        "We are sorry: we cannot take your booking of {{ room }} on {{ date }}, {{ time }}. "
        "{{ refund }}\n\nTo find another time: {{ portal_url }}\n\n{{ studio_signature }}",
    ),
    "booking_cancelled": (
        "Cancelled: {{ room }} on {{ date }}",
        "Hello {{ client_name }},\n\n"
        "Your session in {{ room }} on {{ date }}, {{ time }} is cancelled. {{ refund }}\n\n"
        "{{ studio_signature }}",
    ),
    "session_reminder": (
        "Tomorrow: {{ room }} at {{ time }}",
        "Hello {{ client_name }},\n\n"
        "A reminder of your session tomorrow: {{ room }}, {{ date }}, {{ time }}.\n\n"
        "Your bookings: {{ portal_url }}\n\n{{ studio_signature }}",
    ),
    "mix_to_review": (
        "New mix to review: {{ track }} ({{ version }})",
        "Hello {{ client_name }},\n\n"
        "There is a new version of {{ track }} ({{ project }}) to listen to: {{ version }}.\n"
        "{{ notes }}\n\n"
        "Listen and leave comments at the exact second: {{ portal_url }}\n\n{{ studio_signature }}",
    ),
    "mix_comment": (
        "{{ author }} commented on {{ track }} at {{ at }}",
        "Hello {{ client_name }},\n\n"
        "{{ author }} commented on {{ track }} ({{ version }}) at {{ at }}:\n\n"
        "{{ comment }}\n\n"
        "Reply or listen: {{ portal_url }}\n\n{{ studio_signature }}",
    ),
    "version_approved": (
        "Approved: {{ track }} {{ version }} ({{ project }})",
        "{{ approved_by }} approved {{ version }} of {{ track }} ({{ project }}).\n\n"
        "Open the track to mark the master: {{ admin_url }}",
    ),
    "masters_ready": (
        "Your masters of {{ project }} are ready",
        "Hello {{ client_name }},\n\n"
        "The masters of {{ project }} are ready to download: {{ portal_url }}\n\n"
        "{{ studio_signature }}",
    ),
    "audio_retention": (
        "The audio of {{ project }} will be deleted on {{ delete_on }}",
        "Hello {{ client_name }},\n\n"
        "As agreed, the studio keeps the audio files of {{ project }} for a while after "
        "delivery. They will be deleted on {{ delete_on }}: download anything you still need "
        "before then, or ask us to keep them longer.\n\n"
        "Your project: {{ portal_url }}\n\n{{ studio_signature }}",
    ),
}
