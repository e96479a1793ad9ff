# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pacing each sender to what Twilio lets it send.

Twilio sends a sender's messages at its throughput (MPS: message segments
per second) and queues the rest, up to about four hours of traffic; past
that it refuses new messages (30001 "Queue overflow"). The gateway keeps at
most ``HORIZON`` of a sender's traffic queued at Twilio: a mailing of 100,000
SMS from one long code is handed over as Twilio can send it, never refused
as over-queued, and quiet hours and cancellations keep their meaning.

What a sender was handed is read from the log (no counter row that drainers
would fight over); drainers deciding at the same instant may each hand one
batch more than the window, far below Twilio's four hours.
"""

import math
import re
from datetime import datetime, timedelta

from . import phone_numbers

HORIZON = timedelta(minutes=10)

# Twilio's default throughput per sender kind (segments per second); 10DLC
# and short code tiers vary: set the number's own value in Settings.
DEFAULT_MPS = {
    "long_code_nanp": 1,  # a +1 (US/Canada) long code
    "toll_free": 3,
    "long_code": 10,  # a number outside +1
    "short_code": 100,
    "alphanumeric": 10,
    "messaging_service": 10,  # unknown pool: as one international long code
}
_TOLL_FREE = re.compile(r"\+1(800|833|844|855|866|877|888)\d{7}")
_SHORT_CODE = re.compile(r"\d{3,8}")


def sender_kind(sender: str | None) -> str:
    """The kind of a sender, for its default throughput."""
    sender = (sender or "").strip()
    if phone_numbers.is_messaging_service_sid(sender):
        return "messaging_service"
    if _SHORT_CODE.fullmatch(sender):
        return "short_code"
    if _TOLL_FREE.fullmatch(sender):
        return "toll_free"
    if sender.startswith("+1"):
        return "long_code_nanp"
    if sender.startswith("+"):
        return "long_code"
    return "alphanumeric"


def default_mps(sender: str | None) -> float:
    return DEFAULT_MPS[sender_kind(sender)]


def pace(
    handed: float,
    now: datetime,
    segments: list[int],
    mps: float,
    horizon: timedelta = HORIZON,
):
    """How many of these SMS (in order, ``segments`` each) go now.

    A sender is handed at most ``mps * horizon`` segments in any window of
    ``horizon``: whatever Twilio has not sent yet is then never more than
    ``horizon`` of its traffic, however long the mailing.

    :param handed: segments handed to this sender in the last ``horizon``
    :return: ``(accepted, next_at)``: the first ``accepted`` SMS go now; the
        others wait until ``next_at`` (None when all go)
    """
    if mps <= 0:
        raise ValueError(f"A sender's throughput must be positive, got {mps!r}")
    room = mps * horizon.total_seconds() - handed
    accepted = 0
    for count in segments:
        count = max(count, 1)
        # An SMS bigger than the whole window still goes on an idle sender.
        if count > room and not (accepted == 0 and handed <= 0):
            break
        room -= count
        accepted += 1
    if accepted == len(segments):
        return accepted, None
    # Room comes back as the window slides, about ``mps`` a second.
    wait = (max(segments[accepted], 1) - max(room, 0)) / mps
    return accepted, now + timedelta(seconds=math.ceil(max(wait, 1)))
