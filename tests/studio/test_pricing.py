"""Session pricing: pure functions, no database."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from studio.services.pricing import PeakRate, PriceLine, session_price, session_price_lines

PARIS = ZoneInfo("Europe/Paris")
BASE = Decimal("40.00")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = frozenset({MON, TUE, WED, THU, FRI})

# 2025-06-06 is a Friday. Paris clocks go forward on 2025-03-30 and back on 2025-10-26.
EVENING = PeakRate(WEEKDAYS, time(18), time(23), Decimal("60.00"))
FRIDAY_NIGHT = PeakRate(frozenset({FRI}), time(22), time(2), Decimal("60.00"))
SATURDAY_ALL_DAY = PeakRate(frozenset({SAT}), time(0), time(0), Decimal("80.00"))
SATURDAY_NIGHT = PeakRate(frozenset({SAT}), time(22), time(2), Decimal("60.00"))


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def lines(start: datetime, end: datetime, *peaks: PeakRate, base: Decimal = BASE):
    return session_price_lines(start=start, end=end, tz=PARIS, base_rate=base, peak_rates=[*peaks])


def price(start: datetime, end: datetime, *peaks: PeakRate, base: Decimal = BASE) -> Decimal:
    return session_price(start=start, end=end, tz=PARIS, base_rate=base, peak_rates=[*peaks])


def summary(result: list[PriceLine]) -> list[tuple[str, str, Decimal, Decimal]]:
    """Each line as (local start, local end, rate, amount), easy to read in an assertion."""
    return [
        (ln.starts.strftime("%a %H:%M"), ln.ends.strftime("%a %H:%M"), ln.hourly_rate, ln.amount)
        for ln in result
    ]


def test_it_charges_the_base_rate_when_no_window_applies():
    result = lines(paris(2025, 6, 6, 10), paris(2025, 6, 6, 12), EVENING)

    assert summary(result) == [("Fri 10:00", "Fri 12:00", BASE, Decimal("80.00"))]
    assert result[0].hours == 2
    assert price(paris(2025, 6, 6, 10), paris(2025, 6, 6, 12), EVENING) == Decimal("80.00")


def test_it_charges_the_peak_rate_inside_the_window():
    assert price(paris(2025, 6, 6, 19), paris(2025, 6, 6, 21), EVENING) == Decimal("120.00")


def test_it_splits_a_session_straddling_the_start_of_a_window():
    result = lines(paris(2025, 6, 6, 16), paris(2025, 6, 6, 20), EVENING)

    assert summary(result) == [
        ("Fri 16:00", "Fri 18:00", BASE, Decimal("80.00")),
        ("Fri 18:00", "Fri 20:00", Decimal("60.00"), Decimal("120.00")),
    ]
    assert price(paris(2025, 6, 6, 16), paris(2025, 6, 6, 20), EVENING) == Decimal("200.00")


def test_an_evening_window_runs_past_midnight():
    result = lines(paris(2025, 6, 6, 21), paris(2025, 6, 7, 3), FRIDAY_NIGHT)

    assert summary(result) == [
        ("Fri 21:00", "Fri 22:00", BASE, Decimal("40.00")),
        ("Fri 22:00", "Sat 02:00", Decimal("60.00"), Decimal("240.00")),
        ("Sat 02:00", "Sat 03:00", BASE, Decimal("40.00")),
    ]


def test_a_window_belongs_to_the_day_it_starts_on():
    # Saturday 01:00 is inside Friday's 22:00-02:00 window, though Saturday has no rule.
    result = lines(paris(2025, 6, 7, 1), paris(2025, 6, 7, 3), FRIDAY_NIGHT)

    assert summary(result) == [
        ("Sat 01:00", "Sat 02:00", Decimal("60.00"), Decimal("60.00")),
        ("Sat 02:00", "Sat 03:00", BASE, Decimal("40.00")),
    ]


def test_the_weekday_changes_the_rate_at_local_midnight():
    into_saturday = lines(paris(2025, 6, 6, 23), paris(2025, 6, 7, 1), SATURDAY_ALL_DAY)
    out_of_saturday = lines(paris(2025, 6, 7, 22), paris(2025, 6, 8, 2), SATURDAY_ALL_DAY)

    assert summary(into_saturday) == [
        ("Fri 23:00", "Sat 00:00", BASE, Decimal("40.00")),
        ("Sat 00:00", "Sat 01:00", Decimal("80.00"), Decimal("80.00")),
    ]
    assert summary(out_of_saturday) == [
        ("Sat 22:00", "Sun 00:00", Decimal("80.00"), Decimal("160.00")),
        ("Sun 00:00", "Sun 02:00", BASE, Decimal("80.00")),
    ]


def test_pieces_at_the_same_rate_are_merged_into_one_line():
    across_midnight = lines(paris(2025, 6, 4, 22), paris(2025, 6, 5, 2))
    back_to_back = PeakRate(WEEKDAYS, time(23), time(1), Decimal("60.00"))

    assert summary(across_midnight) == [("Wed 22:00", "Thu 02:00", BASE, Decimal("160.00"))]
    assert summary(lines(paris(2025, 6, 4, 19), paris(2025, 6, 5, 0), EVENING, back_to_back)) == [
        ("Wed 19:00", "Thu 00:00", Decimal("60.00"), Decimal("300.00"))
    ]


def test_spring_forward_night_charges_the_real_hours():
    # 01:00 CET -> 04:00 CEST is 2 real hours: 02:00-03:00 never happens.
    result = lines(paris(2025, 3, 30, 1), paris(2025, 3, 30, 4), base=Decimal("50.00"))

    assert result[0].hours == 2
    assert price(paris(2025, 3, 30, 1), paris(2025, 3, 30, 4), base=Decimal("50.00")) == 100


def test_fall_back_night_charges_the_real_hours():
    # 01:00 CEST -> 04:00 CET is 4 real hours: 02:00-03:00 happens twice.
    result = lines(paris(2025, 10, 26, 1), paris(2025, 10, 26, 4), base=Decimal("50.00"))

    assert result[0].hours == 4
    assert price(paris(2025, 10, 26, 1), paris(2025, 10, 26, 4), base=Decimal("50.00")) == 200


def test_a_window_edge_in_the_spring_forward_gap_moves_to_the_end_of_the_gap():
    # The Saturday window "ends at 02:00", which does not exist that night: it ends at 03:00 CEST.
    result = lines(paris(2025, 3, 29, 22), paris(2025, 3, 30, 4), SATURDAY_NIGHT)

    assert summary(result) == [
        ("Sat 22:00", "Sun 03:00", Decimal("60.00"), Decimal("240.00")),
        ("Sun 03:00", "Sun 04:00", BASE, Decimal("40.00")),
    ]
    assert result[0].ends == datetime(2025, 3, 30, 1, tzinfo=UTC)
    assert [line.hours for line in result] == [4, 1]


def test_an_ambiguous_window_edge_on_fall_back_is_its_first_occurrence():
    # The Saturday window ends at the first 02:00 (CEST); the repeated hour is at the base rate.
    result = lines(paris(2025, 10, 25, 22), paris(2025, 10, 26, 4), SATURDAY_NIGHT)

    assert summary(result) == [
        ("Sat 22:00", "Sun 02:00", Decimal("60.00"), Decimal("240.00")),
        ("Sun 02:00", "Sun 04:00", BASE, Decimal("120.00")),
    ]
    # Compared in UTC: PEP 495 makes a time in the repeated hour unequal to any other zone's.
    assert result[0].ends.astimezone(UTC) == datetime(2025, 10, 26, 0, tzinfo=UTC)
    assert [line.hours for line in result] == [4, 3]
    assert price(paris(2025, 10, 25, 22), paris(2025, 10, 26, 4), SATURDAY_NIGHT) == 360


@pytest.mark.parametrize("order", [1, -1], ids=["premium-last", "premium-first"])
def test_overlapping_windows_charge_the_highest_rate(order: int):
    premium = PeakRate(frozenset({FRI}), time(20), time(22), Decimal("80.00"))
    result = lines(paris(2025, 6, 6, 17), paris(2025, 6, 7, 0), *[EVENING, premium][::order])

    assert summary(result) == [
        ("Fri 17:00", "Fri 18:00", BASE, Decimal("40.00")),
        ("Fri 18:00", "Fri 20:00", Decimal("60.00"), Decimal("120.00")),
        ("Fri 20:00", "Fri 22:00", Decimal("80.00"), Decimal("160.00")),
        ("Fri 22:00", "Fri 23:00", Decimal("60.00"), Decimal("60.00")),
        ("Fri 23:00", "Sat 00:00", BASE, Decimal("40.00")),
    ]


def test_a_window_cheaper_than_the_base_rate_still_applies():
    morning = PeakRate(WEEKDAYS, time(6), time(9), Decimal("25.00"))

    assert price(paris(2025, 6, 6, 8), paris(2025, 6, 6, 10), morning) == Decimal("65.00")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2025, 6, 6, 10), paris(2025, 6, 6, 12)),
        (paris(2025, 6, 6, 10), datetime(2025, 6, 6, 12)),
    ],
    ids=["naive-start", "naive-end"],
)
def test_naive_datetimes_are_rejected(start: datetime, end: datetime):
    with pytest.raises(ValueError, match="timezone-aware"):
        price(start, end)


@pytest.mark.parametrize(
    "end", [paris(2025, 6, 6, 10), paris(2025, 6, 6, 9)], ids=["equal", "before"]
)
def test_an_end_not_after_the_start_is_rejected(end: datetime):
    with pytest.raises(ValueError, match="must be after start"):
        price(paris(2025, 6, 6, 10), end)


def test_float_rates_are_rejected():
    with pytest.raises(TypeError, match="Decimal"):
        price(paris(2025, 6, 6, 10), paris(2025, 6, 6, 12), base=40.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (paris(2025, 10, 25, 21), paris(2025, 10, 26, 4)),
        (datetime(2025, 10, 25, 19, tzinfo=UTC), datetime(2025, 10, 26, 3, tzinfo=UTC)),
        (
            datetime(2025, 10, 25, 15, tzinfo=ZoneInfo("America/New_York")),
            datetime(2025, 10, 25, 23, tzinfo=ZoneInfo("America/New_York")),
        ),
    ],
    ids=["paris", "utc", "new-york"],
)
def test_the_input_time_zone_does_not_change_the_result(start: datetime, end: datetime):
    result = lines(start, end, SATURDAY_NIGHT)

    assert summary(result) == [
        ("Sat 21:00", "Sat 22:00", BASE, Decimal("40.00")),
        ("Sat 22:00", "Sun 02:00", Decimal("60.00"), Decimal("240.00")),
        ("Sun 02:00", "Sun 04:00", BASE, Decimal("120.00")),
    ]
    assert all(line.starts.tzinfo is PARIS and line.ends.tzinfo is PARIS for line in result)
    assert price(start, end, SATURDAY_NIGHT) == Decimal("400.00")


@pytest.mark.parametrize(
    ("minutes", "rate", "amount"),
    [
        (50, "45.00", "37.50"),
        (20, "100.00", "33.33"),
        (40, "100.00", "66.67"),
        (3, "0.10", "0.01"),  # exactly 0.005: half-up, not banker's rounding
    ],
)
def test_an_odd_duration_is_rounded_half_up_to_the_cent(minutes: int, rate: str, amount: str):
    start = paris(2025, 6, 6, 10)
    result = lines(start, start + timedelta(minutes=minutes), base=Decimal(rate))

    assert [line.amount for line in result] == [Decimal(amount)]
    assert str(result[0].amount) == amount


def test_the_session_price_is_the_sum_of_the_rounded_lines():
    # 20 min at 100.00 (33.33) then 20 min at 10.00 (3.33): 36.66, not round(36.666) = 36.67.
    evening = PeakRate(WEEKDAYS, time(18), time(23), Decimal("10.00"))
    start, end = paris(2025, 6, 6, 17, 40), paris(2025, 6, 6, 18, 20)

    assert [line.amount for line in lines(start, end, evening, base=Decimal("100.00"))] == [
        Decimal("33.33"),
        Decimal("3.33"),
    ]
    assert price(start, end, evening, base=Decimal("100.00")) == Decimal("36.66")
