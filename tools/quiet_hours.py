# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""When may a marketing or automated SMS reach a recipient: quiet hours.

Messages may only go out between ``start_hour`` and ``end_hour`` of the
recipient's local wall-clock time (floats, 9.0 is 09:00, 20.5 is 20:30). The
gateway defers (never fails) an SMS sent outside that window to the instant
:func:`next_allowed_time` returns.

The window is read on the wall clock: on the day clocks change, 09:00 is
09:00 local time, whatever the UTC offset. Around a change:

* a window opening inside a skipped hour (02:30 on a spring-forward night
  from 02:00 to 03:00) opens when the clock jumps, at 03:00;
* a repeated hour (fall back) is inside or outside the window by its wall
  time both times it occurs;
* a clock change can itself open the window (falling back from 03:00 to
  02:00 into a window ending at 02:30).
"""

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_DAY = 86400
# Far enough to hold the next opening: a day, plus the largest clock jump.
_HORIZON = timedelta(days=3)


def time_zone(tz_name: str | None):
    """The zone named ``tz_name``, UTC when missing or unknown."""
    if not tz_name:
        return UTC
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return UTC


def _hour_to_seconds(hour: float) -> int:
    if not 0 <= hour <= 24:
        raise ValueError("Quiet hours must be between 0 and 24, got %r." % hour)
    # Settings are minute-precise; rounding to seconds absorbs float noise.
    return round(hour * 3600) % _DAY


def _inside(wall: datetime, start: int, end: int) -> bool:
    seconds = wall.hour * 3600 + wall.minute * 60 + wall.second
    seconds += wall.microsecond / 1_000_000
    if start < end:
        return start <= seconds < end
    return seconds >= start or seconds < end  # overnight window


def _offset_at(zone, timestamp: int) -> timedelta:
    return datetime.fromtimestamp(timestamp, zone).utcoffset()


def _clock_changes(zone, begin: datetime, until: datetime) -> list[datetime]:
    """UTC instants in (begin, until] where ``zone``'s UTC offset changes.

    Sampled once a day, then bisected to the second (tzdata changes clocks on
    whole seconds): no zone changes its clocks twice within a day.
    """
    moment, last = math.floor(begin.timestamp()), math.ceil(until.timestamp())
    offset = _offset_at(zone, moment)
    changes = []
    while moment < last:
        following = min(moment + _DAY, last)
        following_offset = _offset_at(zone, following)
        if following_offset != offset:
            low, high = moment, following
            while high - low > 1:
                middle = (low + high) // 2
                if _offset_at(zone, middle) == offset:
                    low = middle
                else:
                    high = middle
            changes.append(datetime.fromtimestamp(high, UTC))
        moment, offset = following, following_offset
    return changes


def _openings(zone, day: date, start: int) -> list[datetime]:
    """UTC instants whose wall time on ``day`` is exactly ``start``.

    None when the time is skipped by a clock change, two when it is repeated.
    """
    wall = datetime.combine(day, time(start // 3600, start % 3600 // 60, start % 60))
    instants = set()
    for fold in (0, 1):
        local = wall.replace(tzinfo=zone, fold=fold)
        instant = local.astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == wall:
            instants.add(instant)
    return sorted(instants)


def daily(start_hour: float, end_hour: float) -> tuple:
    """A window that is the same every day of the week (see :func:`next_allowed`)."""
    return ((start_hour, end_hour),) * 7


def next_allowed_time(
    now_utc: datetime, tz_name: str | None, start_hour: float, end_hour: float
) -> datetime | None:
    """None when ``now_utc`` is inside the allowed window of zone ``tz_name``,
    else the aware UTC instant the window next opens.

    ``start_hour`` > ``end_hour`` is an overnight window (22.0 to 6.0);
    ``start_hour`` == ``end_hour`` means always allowed. A naive ``now_utc``
    is read as UTC (Odoo stores naive UTC datetimes). Raises ValueError for
    hours outside 0-24.
    """
    return next_allowed(now_utc, tz_name, [daily(start_hour, end_hour)])


def next_allowed(
    now_utc: datetime, tz_name: str | None, windows: list[tuple]
) -> datetime | None:
    """Like :func:`next_allowed_time` for several windows at once: an instant is
    allowed when it is inside every window (the strictest of them wins).

    Each window holds seven entries, Monday first, read on the local date:
    ``(start_hour, end_hour)`` or None for a day closed from midnight to
    midnight. Windows come by weight: should they never all be open within
    a few days (a company window outside the legal one), the first one yields
    to the others, as a company's preference yields to the law.
    """
    spans = [tuple(_span(day) for day in window) for window in windows]
    zone = time_zone(tz_name)
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=UTC)
    now_utc = now_utc.astimezone(UTC)
    while spans:
        if _allowed(now_utc.astimezone(zone), spans):
            return None
        opening = _next_opening(now_utc, zone, spans)
        if opening:
            return opening
        spans = spans[1:]
    return None


def _span(day):
    if day is None:
        return None
    return _hour_to_seconds(day[0]), _hour_to_seconds(day[1])


def _allowed(wall: datetime, spans) -> bool:
    for window in spans:
        span = window[wall.weekday()]
        if span is None:
            return False
        start, end = span
        if start != end and not _inside(wall, start, end):
            return False
    return True


def _next_opening(now_utc, zone, spans):
    # Allowed time is an intersection of unions of intervals; each of its
    # intervals opens when a window's wall clock reaches its start (midnight
    # for a day open all day), or at a clock change jumping into them.
    until = now_utc + _HORIZON
    first_day = now_utc.astimezone(zone).date() - timedelta(days=1)
    candidates = _clock_changes(zone, now_utc, until)
    for offset in range((until - now_utc).days + 2):
        day = first_day + timedelta(days=offset)
        starts = {
            span[0] if span[0] != span[1] else 0
            for window in spans
            if (span := window[day.weekday()]) is not None
        }
        for start in starts:
            candidates += _openings(zone, day, start)
    upcoming = sorted(
        candidate
        for candidate in candidates
        if candidate > now_utc and _allowed(candidate.astimezone(zone), spans)
    )
    return upcoming[0] if upcoming else None
