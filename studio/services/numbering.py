"""Document numbers: sequential per studio, kind and year, with no gap and no duplicate.

The counter row is incremented by one INSERT ... ON CONFLICT DO UPDATE inside the transaction
that issues the document. The row stays locked until that transaction ends, so concurrent
issuers queue behind it and each gets the next number; if the issue rolls back, so does the
increment, and the next issuer gets the same number instead of leaving a gap.
"""

from __future__ import annotations

from django.db import connection, transaction

from studio.models import DocumentCounter
from studio.selectors.settings import studio_settings_get

FORMAT_FIELDS = {
    "invoice": "invoice_number_format",
    "quote": "quote_number_format",
    "credit_note": "credit_note_number_format",
    "receipt": "receipt_number_format",
}


def number_allocate(*, kind: str, year: int) -> tuple[int, str]:
    """The next (sequence, formatted number) for `kind` in `year`. Call inside the issuing
    transaction: the number belongs to it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Numbers are allocated inside the transaction that issues a document.")
    table = DocumentCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, year, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (kind, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [kind, year],
        )
        (sequence,) = cursor.fetchone()
    pattern = getattr(studio_settings_get(), FORMAT_FIELDS[kind])
    return sequence, pattern.format(year=year, number=sequence)
