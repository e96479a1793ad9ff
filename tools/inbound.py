# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Read the form Twilio posts for an incoming SMS/MMS, whatever is in it.

The request is signed, so it comes from Twilio (or whoever holds the auth
token), yet fields may be missing or odd: nothing here raises, odd values
are read the safe way. Field names: Twilio, "Messaging webhook request"
(twilio.com/docs/messaging/guides/webhook-request).
"""

import re
from dataclasses import dataclass

# Twilio: an incoming MMS carries at most 10 media.
MAX_MEDIA = 10
# The message SID under its current name, then its legacy names (same value).
SID_FIELDS = ("MessageSid", "SmsMessageSid", "SmsSid")
# Twilio SIDs are 2 letters and 32 hex digits; a little room, never unbounded.
_SID_RE = re.compile(r"[A-Za-z0-9]{2,64}")
# Enough for any phone number or sender ID; From is only stored, never parsed
# beyond this.
MAX_SENDER_LENGTH = 64
_WEB_LINK = ("https://", "http://")


@dataclass(frozen=True)
class InboundMessage:
    sid: str | None  # None when the form has no usable message SID
    sender: str  # From, stripped; "" when missing
    to: str
    body: str
    media: tuple[tuple[str, str | None], ...]  # (url, content type)
    opt_out_type: str = ""  # Advanced Opt-Out: STOP, START or HELP


def media_count(value: str | None) -> int:
    """How many ``MediaUrlN`` slots to read, 0 to :data:`MAX_MEDIA`.

    A plain count is capped; anything else ("abc", "1e9", "-1", missing)
    reads every slot, and the URLs actually present decide: a garbled count
    loses no media and costs nothing.
    """
    text = (value or "").strip()
    if text.isascii() and text.isdigit():
        # int() of thousands of digits raises: long counts are over the cap.
        return min(int(text[:3]), MAX_MEDIA) if len(text) <= 3 else MAX_MEDIA
    return MAX_MEDIA


def message_sid(form) -> str | None:
    """The message SID, under any of Twilio's names; None when unusable."""
    for field in SID_FIELDS:
        sid = (form.get(field) or "").strip()
        if sid:
            return sid if _SID_RE.fullmatch(sid) else None
    return None


def media(form) -> tuple[tuple[str, str | None], ...]:
    """(url, content type) of each web link the form carries, in order."""
    found = []
    for index in range(media_count(form.get("NumMedia"))):
        url = (form.get(f"MediaUrl{index}") or "").strip()
        # Only web links: the URL becomes a link in the chatter.
        if url.lower().startswith(_WEB_LINK):
            content_type = (form.get(f"MediaContentType{index}") or "").strip()
            found.append((url, content_type[:100] or None))
    return tuple(found)


def parse(form) -> InboundMessage:
    """Read Twilio's inbound form (any mapping with ``get``)."""
    return InboundMessage(
        sid=message_sid(form),
        sender=(form.get("From") or "").strip()[:MAX_SENDER_LENGTH],
        to=(form.get("To") or "").strip()[:MAX_SENDER_LENGTH],
        body=form.get("Body") or "",
        media=media(form),
        opt_out_type=(form.get("OptOutType") or "").strip()[:16],
    )
