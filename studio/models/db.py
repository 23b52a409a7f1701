"""Database expressions for the booking constraints.

PostgreSQL's exclusion constraints make double booking impossible whatever writes the row. The
embedded PostgreSQL has no btree_gist, so the room or engineer id is compared as a one-point
int8range (GiST supports ranges natively) instead of with `=`.
"""

from __future__ import annotations

from django.contrib.postgres.fields import BigIntegerRangeField, DateTimeRangeField
from django.db.models import F, Func, Value


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class SameId(Func):
    """int8range(id, id, '[]'): overlaps another such range exactly when the ids are equal."""

    function = "INT8RANGE"
    output_field = BigIntegerRangeField()

    def __init__(self, field: str):
        super().__init__(F(field), F(field), Value("[]"))
