# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Quiet hours: hand-checked openings, DST days, odd offsets, and properties."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.quiet_hours import next_allowed_time


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "now, tz_name, start, end, expected",
    [
        # Brussels in summer (UTC+2): 07:00 local, opens at 09:00 = 07:00 UTC.
        (utc(2024, 6, 1, 5, 0), "Europe/Brussels", 9, 20, utc(2024, 6, 1, 7, 0)),
        (utc(2024, 6, 1, 12, 0), "Europe/Brussels", 9, 20, None),
        (utc(2024, 6, 1, 7, 0), "Europe/Brussels", 9, 20, None),  # opening instant
        (utc(2024, 6, 1, 6, 59), "Europe/Brussels", 9, 20, utc(2024, 6, 1, 7, 0)),
        # 20:30 is the end, excluded: next morning.
        (utc(2024, 6, 1, 18, 29), "Europe/Brussels", 9, 20.5, None),
        (utc(2024, 6, 1, 18, 30), "Europe/Brussels", 9, 20.5, utc(2024, 6, 2, 7, 0)),
        # Brussels in winter (UTC+1).
        (utc(2024, 1, 15, 6, 0), "Europe/Brussels", 9, 20, utc(2024, 1, 15, 8, 0)),
        (utc(2024, 1, 15, 19, 0), "Europe/Brussels", 9, 20, utc(2024, 1, 16, 8, 0)),
        # Brussels, 31 March 2024: 02:00 CET jumps to 03:00 CEST. 09:00 is
        # 09:00 wall time, already on summer time: 07:00 UTC, not 08:00.
        (utc(2024, 3, 30, 23, 0), "Europe/Brussels", 9, 20, utc(2024, 3, 31, 7, 0)),
        # A window opening at 02:30, skipped that night, opens at the jump.
        (utc(2024, 3, 30, 23, 0), "Europe/Brussels", 2.5, 5, utc(2024, 3, 31, 1, 0)),
        # Brussels, 27 October 2024: 03:00 CEST falls back to 02:00 CET.
        (utc(2024, 10, 26, 23, 0), "Europe/Brussels", 9, 20, utc(2024, 10, 27, 8, 0)),
        # Window 00:00-02:30: at 02:40 CEST it is closed, and falling back to
        # 02:00 CET (01:00 UTC) reopens it.
        (utc(2024, 10, 27, 0, 40), "Europe/Brussels", 0, 2.5, utc(2024, 10, 27, 1, 0)),
        (utc(2024, 10, 27, 0, 10), "Europe/Brussels", 0, 2.5, None),
        # New York, 10 March 2024: 02:00 EST jumps to 03:00 EDT.
        (utc(2024, 3, 10, 5, 0), "America/New_York", 9, 20, utc(2024, 3, 10, 13, 0)),
        (utc(2024, 3, 10, 5, 0), "America/New_York", 2.5, 5, utc(2024, 3, 10, 7, 0)),
        # The evening before, still on EST: opens 09:00 EDT next day.
        (utc(2024, 3, 10, 1, 0), "America/New_York", 9, 20, utc(2024, 3, 10, 13, 0)),
        # New York, 3 November 2024: 02:00 EDT falls back to 01:00 EST.
        (utc(2024, 11, 3, 4, 0), "America/New_York", 9, 20, utc(2024, 11, 3, 14, 0)),
        # 01:40 EDT is after a window ending at 01:30; the fall back to
        # 01:00 EST (06:00 UTC) is inside it again.
        (utc(2024, 11, 3, 5, 40), "America/New_York", 0, 1.5, utc(2024, 11, 3, 6, 0)),
        # A window opening at 01:15 is reached twice that night.
        (utc(2024, 11, 3, 5, 20), "America/New_York", 1.25, 1.5, None),
        (
            utc(2024, 11, 3, 5, 30),
            "America/New_York",
            1.25,
            1.5,
            utc(2024, 11, 3, 6, 15),
        ),
        # Kolkata, UTC+5:30: 07:30 local, opens 09:00 = 03:30 UTC.
        (utc(2024, 6, 1, 2, 0), "Asia/Kolkata", 9, 21, utc(2024, 6, 1, 3, 30)),
        (utc(2024, 6, 1, 3, 29), "Asia/Kolkata", 9, 21, utc(2024, 6, 1, 3, 30)),
        (utc(2024, 6, 1, 3, 30), "Asia/Kolkata", 9, 21, None),
        (utc(2024, 6, 1, 15, 0), "Asia/Kolkata", 9, 20.5, utc(2024, 6, 2, 3, 30)),
        # Chatham, UTC+13:45 in (southern) summer, UTC+12:45 in winter.
        (utc(2024, 1, 14, 18, 0), "Pacific/Chatham", 9, 20, utc(2024, 1, 14, 19, 15)),
        (utc(2024, 7, 14, 18, 0), "Pacific/Chatham", 9, 20, utc(2024, 7, 14, 20, 15)),
        # Apia skipped 30 December 2011: 23:59:59 on the 29th (UTC-10) was
        # followed by 00:00 on the 31st (UTC+14).
        (utc(2011, 12, 29, 18, 0), "Pacific/Apia", 9, 17, utc(2011, 12, 29, 19, 0)),
        (utc(2011, 12, 30, 4, 0), "Pacific/Apia", 9, 17, utc(2011, 12, 30, 19, 0)),
        # Overnight window 22:00-06:00, Brussels summer.
        (utc(2024, 6, 1, 10, 0), "Europe/Brussels", 22, 6, utc(2024, 6, 1, 20, 0)),
        (utc(2024, 6, 1, 20, 0), "Europe/Brussels", 22, 6, None),
        (utc(2024, 6, 1, 23, 0), "Europe/Brussels", 22, 6, None),
        (utc(2024, 6, 2, 3, 59), "Europe/Brussels", 22, 6, None),
        (utc(2024, 6, 2, 4, 0), "Europe/Brussels", 22, 6, utc(2024, 6, 2, 20, 0)),
        # Ending at midnight, and the whole day.
        (utc(2024, 6, 1, 23, 59), "UTC", 9, 24, None),
        (utc(2024, 6, 1, 0, 30), "UTC", 9, 24, utc(2024, 6, 1, 9, 0)),
        (utc(2024, 6, 1, 3, 0), "UTC", 0, 24, None),
        # Minutes: 08:15 to 08:45.
        (utc(2024, 6, 1, 8, 0), "UTC", 8.25, 8.75, utc(2024, 6, 1, 8, 15)),
        (utc(2024, 6, 1, 8, 45), "UTC", 8.25, 8.75, utc(2024, 6, 2, 8, 15)),
    ],
)
def test_hand_checked(now, tz_name, start, end, expected):
    assert next_allowed_time(now, tz_name, start, end) == expected


@pytest.mark.parametrize("hour", [0, 9, 12.5, 22, 24])
def test_start_equals_end_is_always_allowed(hour):
    for now in (utc(2024, 1, 1, 3, 0), utc(2024, 7, 1, 15, 0)):
        assert next_allowed_time(now, "Europe/Brussels", hour, hour) is None


@pytest.mark.parametrize("tz_name", [None, "", "Not/AZone", "Etc/Unknown", "../etc"])
def test_missing_or_unknown_zone_is_utc(tz_name):
    now = utc(2024, 6, 1, 7, 0)
    assert next_allowed_time(now, tz_name, 9, 17) == utc(2024, 6, 1, 9, 0)
    assert next_allowed_time(utc(2024, 6, 1, 9, 0), tz_name, 9, 17) is None


def test_naive_and_non_utc_now():
    # Odoo's naive datetimes are UTC.
    assert next_allowed_time(
        datetime(2024, 6, 1, 5, 0), "Europe/Brussels", 9, 20
    ) == utc(2024, 6, 1, 7, 0)
    plus_two = timezone(timedelta(hours=2))
    result = next_allowed_time(
        datetime(2024, 6, 1, 7, 0, tzinfo=plus_two), "Europe/Brussels", 9, 20
    )
    assert result == utc(2024, 6, 1, 7, 0)
    assert result.utcoffset() == timedelta(0)


@pytest.mark.parametrize("start, end", [(-1, 8), (9, 24.5), (25, 3)])
def test_hours_out_of_range(start, end):
    with pytest.raises(ValueError):
        next_allowed_time(utc(2024, 6, 1), "UTC", start, end)


# Property-based checks against a brute-force, minute-by-minute walk.

ZONES = [
    "UTC",
    "Europe/Brussels",
    "Europe/London",
    "Europe/Dublin",  # negative DST in tzdata
    "America/New_York",
    "America/St_Johns",  # UTC-3:30 / -2:30
    "America/Santiago",
    "Asia/Kolkata",
    "Asia/Kathmandu",  # UTC+5:45
    "Asia/Tehran",
    "Australia/Lord_Howe",  # 30-minute DST
    "Australia/Adelaide",
    "Pacific/Chatham",
    "Pacific/Apia",  # skipped 30 December 2011 entirely
    "Africa/Casablanca",  # DST suspended during Ramadan
]


def _inside(instant, tz_name, start, end):
    wall = instant.astimezone(ZoneInfo(tz_name))
    minutes = wall.hour * 60 + wall.minute + wall.second / 60
    start_min, end_min = round(start * 60) % 1440, round(end * 60) % 1440
    if start_min == end_min:
        return True
    if start_min < end_min:
        return start_min <= minutes < end_min
    return minutes >= start_min or minutes < end_min


hours = st.integers(min_value=0, max_value=96).map(lambda quarter: quarter / 4)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31)
).map(lambda naive: naive.replace(second=0, microsecond=0, tzinfo=UTC))


def _assert_first_allowed_minute(now, tz_name, start, end):
    result = next_allowed_time(now, tz_name, start, end)
    if _inside(now, tz_name, start, end):
        assert result is None
        return
    assert result is not None and result > now
    assert result.utcoffset() == timedelta(0)
    assert _inside(result, tz_name, start, end)
    assert not _inside(result - timedelta(seconds=1), tz_name, start, end)
    # Nothing allowed was skipped: walk every minute from now to the result.
    moment = now
    while moment < result:
        assert not _inside(moment, tz_name, start, end), moment
        moment += timedelta(minutes=1)
    assert moment - result < timedelta(minutes=1)


@settings(max_examples=250, deadline=None)
@given(instants, st.sampled_from(ZONES), hours, hours)
def test_next_allowed_time_is_the_first_allowed_minute(now, tz_name, start, end):
    _assert_first_allowed_minute(now, tz_name, start, end)


def _clock_changes_2024():
    """(zone, UTC instant) of every clock change of ZONES in 2024."""

    def offset(zone, moment):
        return moment.astimezone(zone).utcoffset()

    changes = []
    for tz_name in ZONES:
        zone = ZoneInfo(tz_name)
        moment = utc(2024, 1, 1)
        while moment.year == 2024:
            following = moment + timedelta(days=1)
            if offset(zone, moment) != offset(zone, following):
                # Clocks change on a quarter hour: find which one.
                while offset(zone, moment + timedelta(minutes=15)) == offset(
                    zone, moment
                ):
                    moment += timedelta(minutes=15)
                changes.append((tz_name, moment + timedelta(minutes=15)))
            moment = following
    return changes


CLOCK_CHANGES = _clock_changes_2024()


def test_clock_changes_found():
    assert ("Europe/Brussels", utc(2024, 3, 31, 1, 0)) in CLOCK_CHANGES
    assert ("America/New_York", utc(2024, 11, 3, 6, 0)) in CLOCK_CHANGES
    assert len(CLOCK_CHANGES) >= 20


@settings(max_examples=250, deadline=None)
@given(
    st.sampled_from(CLOCK_CHANGES),
    st.integers(min_value=-26 * 4, max_value=2 * 4),
    hours,
    hours,
)
def test_around_clock_changes(change, quarters, start, end):
    """The brute-force walk again, from instants near a clock change."""
    tz_name, instant = change
    now = instant + timedelta(minutes=15 * quarters)
    _assert_first_allowed_minute(now, tz_name, start, end)


@settings(max_examples=60, deadline=None)
@given(instants, st.sampled_from(sorted(ZONES)), hours, hours)
def test_result_is_stable(now, tz_name, start, end):
    """Asking again at the returned instant says "now"."""
    result = next_allowed_time(now, tz_name, start, end)
    if result is not None:
        assert next_allowed_time(result, tz_name, start, end) is None
        assert result - now <= timedelta(hours=26)
