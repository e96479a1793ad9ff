# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How fast a sender sends, and when a list send will be done.

Twilio queues what a sender cannot send at once and drains it at the
sender's rate, in segments (message parts) per second: a US long code 1, a
toll-free number 3, a number outside +1 10, a short code 100. A Messaging
Service or an alphanumeric sender is counted at 10 (the rate of its pool is
not known here). A per-sender setting, when the company has one, wins.
"""

from datetime import datetime, timedelta

from . import phone_numbers

LONG_CODE = "long_code"
TOLL_FREE = "toll_free"
SHORT_CODE = "short_code"
INTERNATIONAL = "international"
MESSAGING_SERVICE = "messaging_service"
ALPHANUMERIC = "alphanumeric"

SEGMENTS_PER_SECOND = {
    LONG_CODE: 1,
    TOLL_FREE: 3,
    INTERNATIONAL: 10,
    SHORT_CODE: 100,
    MESSAGING_SERVICE: 10,
    ALPHANUMERIC: 10,
}
# NANP toll-free area codes.
TOLL_FREE_CODES = frozenset({"800", "833", "844", "855", "866", "877", "888"})


def sender_kind(sender: str | None) -> str:
    """The kind of a sender: a number, a short code, a service, a name."""
    sender = (sender or "").strip()
    if phone_numbers.is_messaging_service_sid(sender):
        return MESSAGING_SERVICE
    digits = sender.lstrip("+")
    if not digits.isdigit():
        return ALPHANUMERIC
    if len(digits) <= 6:
        return SHORT_CODE
    if digits.startswith("1") and len(digits) == 11:
        return TOLL_FREE if digits[1:4] in TOLL_FREE_CODES else LONG_CODE
    return INTERNATIONAL


def segments_per_second(sender: str | None, configured: float = 0) -> float:
    """The sender's rate: its own setting when there is one, else its kind's."""
    return configured or SEGMENTS_PER_SECOND[sender_kind(sender)]


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
