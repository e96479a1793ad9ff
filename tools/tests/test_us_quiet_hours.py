# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Quiet hours by law: the state table, the strictest window, DST days."""

from datetime import UTC, datetime

import pytest

from tools import policy, us_area_codes, us_quiet_hours
from tools.policy import Request, Rules, decide
from tools.quiet_hours import next_allowed

NY, FL, CT, TX = "+12125550123", "+13055550123", "+12035550123", "+12145550123"
TORONTO, TOLL_FREE = "+14165550123", "+18005550123"


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def when(e164, now, zone, company=None):
    """When a marketing SMS to ``e164`` may leave (None: now)."""
    rules = Rules(quiet_hours=company, legal_quiet_hours=True)
    verdict = decide([Request(1, e164, "hi", policy.MARKETING, timezone=zone)],
                     policy.Facts(), rules, now)[1]  # fmt: skip
    return verdict.not_before and verdict.not_before.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("e164", "state"),
    [(NY, "NY"), (FL, "FL"), (CT, "CT"), (TX, "TX"), ("+12025550123", "DC"),
     (TORONTO, None), (TOLL_FREE, None), ("+32470123456", None), (None, None)],
)  # fmt: skip
def test_area_code_states(e164, state):
    assert us_area_codes.state_of(e164) == state


def test_area_code_table_is_sane():
    codes = us_area_codes.AREA_CODE_STATES
    assert all(200 <= code <= 999 for code in codes)
    assert 800 not in codes and 416 not in codes  # toll-free, Toronto
    assert set(us_quiet_hours.STATE_WINDOWS) <= set(codes.values())
    assert len(set(codes.values())) == 51  # the states and DC


@pytest.mark.parametrize(
    ("e164", "region", "monday", "sunday"),
    [
        (NY, "US", (8, 21), (8, 21)),  # federal only
        (TOLL_FREE, "US", (8, 21), (8, 21)),
        (FL, "US", (8, 20), (8, 20)),
        (CT, "US", (9, 20), (9, 20)),
        (TX, "US", (9, 21), (12, 21)),
    ],
)
def test_strictest_of_federal_and_state(e164, region, monday, sunday):
    window = us_quiet_hours.legal_window(e164, region)
    assert (window[0], window[6]) == (monday, sunday)


def test_no_legal_window_outside_the_us():
    assert us_quiet_hours.legal_window(TORONTO, "CA") is None
    assert us_quiet_hours.legal_window("+32470123456", "BE") is None


def test_strictest_closes_a_day_without_overlap():
    assert us_quiet_hours.strictest(((8, 12),) * 7, ((13, 20),) * 7) == (None,) * 7


@pytest.mark.parametrize(
    ("e164", "now", "zone", "expected"),
    [
        # Wednesday 20:30 EDT: New York still open (federal 21:00), Florida
        # closed until 08:00 EDT.
        (NY, utc(2026, 6, 4, 0, 30), "America/New_York", None),
        (FL, utc(2026, 6, 4, 0, 30), "America/New_York", utc(2026, 6, 4, 12, 0)),
        (NY, utc(2026, 6, 4, 1, 30), "America/New_York", utc(2026, 6, 4, 12, 0)),
        # Connecticut opens at 09:00.
        (CT, utc(2026, 6, 3, 12, 30), "America/New_York", utc(2026, 6, 3, 13, 0)),
        # Texas: 09:00 on a Saturday, noon on a Sunday, 09:00 on a Monday.
        (TX, utc(2026, 6, 6, 13, 30), "America/Chicago", utc(2026, 6, 6, 14, 0)),
        (TX, utc(2026, 6, 7, 15, 0), "America/Chicago", utc(2026, 6, 7, 17, 0)),
        (TX, utc(2026, 6, 8, 3, 0), "America/Chicago", utc(2026, 6, 8, 14, 0)),
        # Saturday 21:30 in Texas: Sunday noon, not Sunday 09:00.
        (TX, utc(2026, 6, 7, 2, 30), "America/Chicago", utc(2026, 6, 7, 17, 0)),
        # No time zone known: the number's area code gives it.
        (FL, utc(2026, 6, 4, 0, 30), None, utc(2026, 6, 4, 12, 0)),
        # DST starts Sunday 8 March 2026 at 02:00. Florida at 01:00 EST opens
        # at 08:00 EDT = 12:00 UTC (not 13:00).
        (FL, utc(2026, 3, 8, 6, 0), "America/New_York", utc(2026, 3, 8, 12, 0)),
        # Texas, that same Sunday at 01:00 CST: noon CDT = 17:00 UTC.
        (TX, utc(2026, 3, 8, 7, 0), "America/Chicago", utc(2026, 3, 8, 17, 0)),
        # Texas on the Saturday evening before, still CST: Sunday noon CDT.
        (TX, utc(2026, 3, 8, 4, 0), "America/Chicago", utc(2026, 3, 8, 17, 0)),
        # DST ends Sunday 1 November 2026 at 02:00. Florida at 01:00 EDT opens
        # at 08:00 EST = 13:00 UTC; Texas at 01:00 CDT at noon CST = 18:00 UTC.
        (FL, utc(2026, 11, 1, 5, 0), "America/New_York", utc(2026, 11, 1, 13, 0)),
        (TX, utc(2026, 11, 1, 6, 0), "America/Chicago", utc(2026, 11, 1, 18, 0)),
        # Connecticut on Monday 2 November 08:30 EST: 09:00 EST = 14:00 UTC.
        (CT, utc(2026, 11, 2, 13, 30), "America/New_York", utc(2026, 11, 2, 14, 0)),
    ],
)
def test_legal_windows_defer_marketing(e164, now, zone, expected):
    assert when(e164, now, zone) == expected


def test_company_window_and_law_the_strictest_wins():
    # Florida, 20:30 EDT: the company's 7-22 allows it, the law does not.
    now = utc(2026, 6, 4, 0, 30)
    assert when(FL, now, "America/New_York", (7, 22)) == utc(2026, 6, 4, 12, 0)
    # 08:30 EDT: the law allows it, the company's 9-17 does not.
    now = utc(2026, 6, 3, 12, 30)
    assert when(FL, now, "America/New_York", (9, 17)) == utc(2026, 6, 3, 13, 0)
    # Outside the US only the company's window applies.
    now = utc(2026, 6, 3, 4, 0)  # 06:00 in Brussels
    assert when("+32470123456", now, "Europe/Brussels", (5, 22)) is None


def test_company_window_never_inside_the_law_yields_to_it():
    # 21:00-23:00 never meets Florida's 8-20: the law's window is used.
    now = utc(2026, 6, 4, 1, 30)  # 21:30 EDT
    assert when(FL, now, "America/New_York", (21, 23)) == utc(2026, 6, 4, 12, 0)


def test_interactive_sms_are_not_deferred_by_law():
    rules = Rules(legal_quiet_hours=True)
    request = Request(1, FL, "hi", timezone="America/New_York")
    assert decide([request], policy.Facts(), rules, utc(2026, 6, 4, 3, 0))[1].sends


def test_closed_days_are_skipped():
    # A window closed on Sundays (None): Saturday night waits for Monday.
    window = ((9, 17),) * 6 + (None,)
    now = utc(2026, 6, 6, 22, 0)  # Saturday 18:00 in New York
    assert next_allowed(now, "America/New_York", [window]) == utc(2026, 6, 8, 13, 0)
