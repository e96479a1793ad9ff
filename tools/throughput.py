# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""When a list send will be done, at its sender's throughput.

Twilio drains what a sender cannot send at once at the sender's rate, in
segments per second (see :mod:`.pacing` for the defaults per kind of sender;
a number's or a Messaging Service's own setting wins).
"""

from datetime import datetime, timedelta

from . import pacing


def segments_per_second(sender: str | None, configured: float = 0) -> float:
    """The sender's rate: its own setting when there is one, else its kind's."""
    return configured or pacing.default_mps(sender)


def finish_time(
    start: datetime, releases: list[tuple[datetime | None, int]], rate: float
) -> datetime:
    """When the last SMS leaves, one sender at ``rate`` segments a second.

    :param releases: ``(not_before, segments)`` of each SMS; ``not_before``
        None (now) or when quiet hours let it go
    """
    moment = start
    for not_before, count in sorted(releases, key=lambda r: r[0] or start):
        if not_before and not_before > moment:
            moment = not_before
        moment += timedelta(seconds=count / rate)
    return moment
