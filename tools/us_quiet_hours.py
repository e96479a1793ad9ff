# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Quiet hours by law for US recipients: the federal window and the states'.

Marketing texts count as telephone solicitations under the TCPA and the state
laws modelled on it. The federal rule allows 8:00 to 21:00 in the recipient's
local time; several states are stricter. The window of a number is the
strictest of the federal one and its state's (from the area code, see
:mod:`.us_area_codes`), day by day.

Windows are seven ``(start_hour, end_hour)`` entries, Monday first (the shape
:func:`.quiet_hours.next_allowed` reads). Only rules we are sure of are
listed; a state missing here gets the federal window.
"""

from . import quiet_hours, us_area_codes

# 47 U.S.C. 227 / 47 CFR 64.1200(c)(1).
FEDERAL = quiet_hours.daily(8, 21)

STATE_WINDOWS = {
    # Connecticut (2023 amendment of its telemarketing law).
    "CT": quiet_hours.daily(9, 20),
    # Florida Telephone Solicitation Act (2021).
    "FL": quiet_hours.daily(8, 20),
    # Maryland Stop the Spam Calls Act (2023).
    "MD": quiet_hours.daily(8, 20),
    # Mississippi telephone solicitation law.
    "MS": quiet_hours.daily(8, 20),
    # New Jersey (as the product's issue states it).
    "NJ": quiet_hours.daily(8, 20),
    # Oklahoma Telephone Solicitation Act (2022).
    "OK": quiet_hours.daily(8, 20),
    # Texas, Bus. & Com. Code 304.252: 9:00-21:00 weekdays and Saturdays,
    # 12:00-21:00 on Sundays.
    "TX": ((9, 21),) * 6 + ((12, 21),),
    # Washington, RCW 80.36.390(3).
    "WA": quiet_hours.daily(8, 20),
}


def strictest(*windows: tuple) -> tuple:
    """Day by day, the latest start and the earliest end of day windows."""
    days = []
    for entries in zip(*windows, strict=True):
        if any(entry is None for entry in entries):
            days.append(None)
            continue
        start = max(entry[0] for entry in entries)
        end = min(entry[1] for entry in entries)
        days.append((start, end) if start < end else None)
    return tuple(days)


_WINDOWS = {
    state: strictest(FEDERAL, window) for state, window in STATE_WINDOWS.items()
}


def legal_window(e164: str | None, region: str | None) -> tuple | None:
    """The window the law allows for a number, None outside the US.

    :param region: the number's country (ISO alpha-2); +1 is shared with
        Canada and the Caribbean, whose laws are not these
    """
    if region != "US":
        return None
    return _WINDOWS.get(us_area_codes.state_of(e164), FEDERAL)
