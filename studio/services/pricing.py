"""Price a recording session from a room's base rate and its peak-time windows.

Pure functions: no database, no Django. Peak windows are wall-clock times in the studio's zone,
but every instant is handled in UTC, so a session across a DST change is charged for the hours
really worked (subtracting two datetimes that share a tzinfo ignores the offset change).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

CENT = Decimal("0.01")
MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class PeakRate:
    """A weekly window charged at its own hourly rate (it replaces the base rate, even if lower).

    `weekdays` (0=Monday .. 6=Sunday) is the local day the window *starts*. `ends <= starts` means
    it runs past midnight into the next day (22:00-02:00); `ends == starts` is a full 24 hours.
    """

    weekdays: frozenset[int]
    starts: time
    ends: time
    hourly_rate: Decimal


@dataclass(frozen=True)
class PriceLine:
    # Aware, in the studio's zone (for display). Compare or subtract via UTC: within a zone Python
    # ignores DST (and PEP 495 makes a repeated-hour time unequal to any other zone's).
    starts: datetime
    ends: datetime
    hourly_rate: Decimal
    amount: Decimal  # quantized to 0.01

    @property
    def hours(self) -> Decimal:
        """Real elapsed hours, not wall-clock hours (a DST night is shorter or longer)."""
        return _microseconds(self.starts, self.ends) / MICROSECONDS_PER_HOUR


# A peak window placed on the calendar, or a priced piece: (starts, ends, hourly_rate), in UTC.
_Window = tuple[datetime, datetime, Decimal]


def session_price_lines(
    *, start: datetime, end: datetime, tz: ZoneInfo, base_rate: Decimal, peak_rates: list[PeakRate]
) -> list[PriceLine]:
    """The session cut into consecutive lines, one per stretch charged at a single rate."""
    _check(start, end, base_rate, peak_rates)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    windows = _windows(start, end, tz, peak_rates)
    # The rate can only change at a window edge or at local midnight (where the weekday changes).
    edges = [edge for ws, we, _ in windows for edge in (ws, we)]
    edges += [_instant(day, time(), tz) for day in _local_days(start, end, tz)]
    cuts = sorted({start, end, *(edge for edge in edges if start < edge < end)})

    pieces: list[_Window] = []
    for a, b in pairwise(cuts):
        rate = _rate_at(a, windows, base_rate)
        if pieces and pieces[-1][2] == rate:  # same rate as the previous piece: extend it
            a = pieces.pop()[0]
        pieces.append((a, b, rate))
    return [
        PriceLine(a.astimezone(tz), b.astimezone(tz), rate, _amount(a, b, rate))
        for a, b, rate in pieces
    ]


def session_price(
    *, start: datetime, end: datetime, tz: ZoneInfo, base_rate: Decimal, peak_rates: list[PeakRate]
) -> Decimal:
    """Total price: the sum of the rounded line amounts, so it always matches the invoice lines."""
    lines = session_price_lines(
        start=start, end=end, tz=tz, base_rate=base_rate, peak_rates=peak_rates
    )
    return sum((line.amount for line in lines), Decimal("0.00"))


def _check(start: datetime, end: datetime, base_rate: Decimal, peak_rates: list[PeakRate]) -> None:
    for name, value in (("start", start), ("end", end)):
        if value.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    if end <= start:
        raise ValueError(f"end ({end.isoformat()}) must be after start ({start.isoformat()})")
    if not all(isinstance(r, Decimal) for r in [base_rate, *(p.hourly_rate for p in peak_rates)]):
        raise TypeError("hourly rates must be Decimal (never float: money must be exact)")


def _local_days(start: datetime, end: datetime, tz: ZoneInfo) -> Iterator[date]:
    """Every local date the session touches, plus the day before (its windows can spill over)."""
    day, last = start.astimezone(tz).date() - ONE_DAY, end.astimezone(tz).date()
    while day <= last:
        yield day
        day += ONE_DAY


def _windows(start: datetime, end: datetime, tz: ZoneInfo, peaks: list[PeakRate]) -> list[_Window]:
    """The occurrences of the peak windows that overlap the session."""
    windows = []
    for day in _local_days(start, end, tz):
        for peak in (p for p in peaks if day.weekday() in p.weekdays):
            ends_on = day if peak.ends > peak.starts else day + ONE_DAY
            ws, we = _instant(day, peak.starts, tz), _instant(ends_on, peak.ends, tz)
            if ws < we and ws < end and we > start:  # ws == we: the window fell inside a DST gap
                windows.append((ws, we, peak.hourly_rate))
    return windows


def _rate_at(instant: datetime, windows: list[_Window], base_rate: Decimal) -> Decimal:
    # Overlapping windows: the highest rate wins, so the result never depends on the order the
    # rules were entered in, and a premium slot is never undercut by a broader, cheaper rule.
    return max((rate for ws, we, rate in windows if ws <= instant < we), default=base_rate)


def local_instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """Public name of `_instant`, for the other code that turns the studio's wall-clock rules
    into instants (opening hours in studio.selectors.availability): one DST rule for both."""
    return _instant(day, wall, tz)


def _instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time on a local date.

    Ambiguous (clocks go back): fold=0, the first occurrence. Non-existent (clocks go forward):
    the first valid instant after the gap, i.e. the moment of the transition itself.
    """
    local = datetime.combine(day, wall, tzinfo=tz)  # fold=0
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None):
        return instant
    # In a gap, fold=1 lands before the transition and fold=0 after it. zoneinfo does not expose
    # transitions, so bisect between the two, to the second (tzdata transitions are whole seconds).
    lo = (local.replace(fold=1).astimezone(UTC) - EPOCH) // timedelta(seconds=1)
    hi = (instant - EPOCH) // timedelta(seconds=1)
    offset_after = instant.astimezone(tz).utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if (EPOCH + timedelta(seconds=mid)).astimezone(tz).utcoffset() == offset_after:
            hi = mid
        else:
            lo = mid
    return EPOCH + timedelta(seconds=hi)


def _microseconds(a: datetime, b: datetime) -> Decimal:
    return Decimal((b.astimezone(UTC) - a.astimezone(UTC)) // timedelta(microseconds=1))


def _amount(a: datetime, b: datetime, rate: Decimal) -> Decimal:
    # Multiply before dividing: the product is exact, so the only rounding is the final one.
    return (_microseconds(a, b) * rate / MICROSECONDS_PER_HOUR).quantize(CENT, ROUND_HALF_UP)
