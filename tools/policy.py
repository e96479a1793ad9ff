# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The gateway's decision: may this SMS leave, and how. Pure, no ORM.

One function, :func:`decide`, over facts loaded in batches by the Odoo layer,
returns an immutable :class:`Verdict` per SMS. The send path, the composer
preview, the mailing confirmation and the mailing-list figures all call it,
so they can never disagree.

Checks run in the order of the design; the first that fails decides:
number, under review, opted out, do-not-contact, blocked, landline, too long,
duplicate, rate limit, destination country; then quiet hours (the company's
window and, for US numbers, the law's) defer; then the company's daily cap,
which counts only SMS leaving now (a deferred SMS is decided again when due).
Quota is not decided here: it is counted under a row lock when SMS are
claimed, and previewed with :mod:`.billing`.
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from . import phone_numbers, quiet_hours, segments, us_quiet_hours

# What each outcome means for the SMS.
SEND = "send"  # claim it and hand it to Twilio
BLOCK = "block"  # refuse it: state error with a failure type and a reason
DROP = "drop"  # a double click: cancelled silently, counted as a duplicate
DEFER = "defer"  # quiet hours: due again at ``not_before``

# Kinds of SMS: who is behind it decides which rules apply.
INTERACTIVE = "interactive"  # a person texting from a record: rate limited
MARKETING = "marketing"  # SMS marketing: quiet hours
AUTOMATED = "automated"  # crons, automated actions, reminders: quiet hours

DUPLICATE_WINDOW = timedelta(seconds=2)
RATE_WINDOW = timedelta(minutes=1)

# Reason keys (translated by the Odoo layer) of the number checks.
NUMBER_REASONS = {
    "missing": "number_missing",
    "unparseable": "number_unparseable",
    "invalid": "number_invalid",
    "all_zeros": "number_all_zeros",
    "digit_run": "number_digit_run",
}


@dataclass(frozen=True)
class Request:
    """One SMS to decide on, as plain values."""

    key: object  # the caller's id for it
    number: str | None
    body: str
    kind: str = INTERACTIVE
    author: int | None = None  # user id: the rate limit counts per author
    region: str | None = None  # default country to read national numbers
    timezone: str | None = None  # the recipient's, when known
    partner_dnc: bool = False  # the recipient record is marked do-not-contact
    message: int | None = None  # chatter message id: one message, one SMS a number
    in_doubt: bool = False  # handed to Twilio, no answer: it may have been sent


@dataclass(frozen=True)
class Rules:
    """The company's settings that the decision reads."""

    smart_encoding: bool = False
    max_segments: int = 0  # 0: only Twilio's 1,600 characters
    rate_limit: int = 0  # SMS per author per minute, 0: none
    quiet_hours: tuple[float, float] | None = None  # (from, until) local hours
    default_timezone: str = "UTC"
    default_region: str | None = None  # the company's country, for national numbers
    countries: frozenset = frozenset()  # allowed destination countries, empty: all
    daily_cap: int = 0  # SMS per company per day (SMS-pumping guard), 0: none
    legal_quiet_hours: bool = False  # US state and federal windows on top


@dataclass(frozen=True)
class Facts:
    """What the database knows about the numbers of a batch (E.164 keys)."""

    opted_out: frozenset = frozenset()
    do_not_contact: frozenset = frozenset()
    blocked: frozenset = frozenset()
    landlines: frozenset = frozenset()
    recent: frozenset = frozenset()  # (number, body) sent within the window
    under_review: frozenset = frozenset()  # (message id, number) to review
    rate_used: Mapping = field(default_factory=dict)  # author -> sent last minute
    daily_used: int = 0  # SMS the company sent today (its time zone's day)


@dataclass(frozen=True)
class Verdict:
    """What the gateway decided for one SMS."""

    outcome: str
    e164: str | None
    info: segments.SegmentInfo
    text: str  # what Twilio gets (smart-encoded when on)
    failure_type: str | None = None
    reason: str | None = None  # reason key, see REASON_KEYS
    reason_args: tuple = ()  # (name, value) pairs for the reason's placeholders
    not_before: datetime | None = None  # naive UTC, with DEFER

    @property
    def sends(self):
        return self.outcome == SEND

    @property
    def segments(self):
        return self.info.segments if self.outcome == SEND else 0


REASON_KEYS = frozenset(
    {
        *NUMBER_REASONS.values(),
        "opted_out",
        "do_not_contact",
        "blocked",
        "landline",
        "too_long",
        "duplicate",
        "rate_limit",
        "under_review",
        "country",
        "daily_cap",
    }
)


def too_long(info: segments.SegmentInfo, max_segments: int) -> bool:
    """Longer than Twilio's 1,600 characters or the company's max segments."""
    return info.characters > segments.MAX_BODY_CHARS or bool(
        max_segments and info.segments > max_segments
    )


def too_long_args(info: segments.SegmentInfo, rules: Rules) -> tuple:
    """The placeholders of the "too long" reason: what it is, what the limit is."""
    return (
        ("chars", info.characters),
        ("segments", info.segments),
        ("max_segments", rules.max_segments or "-"),
        ("max_chars", max_characters(info.encoding, rules.max_segments)),
    )


def max_characters(encoding: str, max_segments: int) -> int:
    """Characters a message of this encoding may hold under the company's cap."""
    if not max_segments:
        return segments.MAX_BODY_CHARS
    if encoding == segments.GSM7:
        single, multi = segments.GSM7_SINGLE, segments.GSM7_MULTI
    else:
        single, multi = segments.UCS2_SINGLE, segments.UCS2_MULTI
    capacity = single if max_segments == 1 else multi * max_segments
    return min(capacity, segments.MAX_BODY_CHARS)


def day_start(now: datetime, tz_name: str | None) -> datetime:
    """Naive UTC instant the day of ``now`` began in zone ``tz_name``."""
    zone = quiet_hours.time_zone(tz_name)
    now_utc = now if now.tzinfo else now.replace(tzinfo=UTC)
    local = now_utc.astimezone(zone)
    midnight = datetime.combine(local.date(), datetime.min.time(), tzinfo=zone)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def check_numbers(requests: list[Request], rules: Rules) -> dict:
    """``{request.key: NumberCheck}``: each number read once, with the
    recipient's country, else the company's."""
    return {
        request.key: phone_numbers.check_number(
            request.number, request.region or rules.default_region
        )
        for request in requests
    }


def decide(
    requests: list[Request],
    facts: Facts,
    rules: Rules,
    now: datetime,
    checks: dict | None = None,
) -> dict[object, Verdict]:
    """The verdict of each request, in the design's order of checks.

    Requests of one batch see each other: the same text to the same number
    twice is sent once, and an author's SMS count towards their rate limit in
    order. ``now`` is naive or aware UTC. ``checks``: the numbers already read
    by :func:`check_numbers` (the facts were loaded for them).
    """
    checks = checks if checks is not None else check_numbers(requests, rules)
    now_utc = now if now.tzinfo else now.replace(tzinfo=UTC)
    counts = {"rate": dict(facts.rate_used), "daily": facts.daily_used}
    seen = set()
    verdicts = {}
    infos = {}  # one count per distinct body
    for request in requests:
        body = request.body or ""
        if body not in infos:
            infos[body] = segments.count_segments(body, rules.smart_encoding)
        info = infos[body]
        check = checks[request.key]
        outcome, failure_type, reason, *extra = _check(
            request, check, info, body, facts, rules, counts, seen, now_utc
        )
        verdicts[request.key] = Verdict(
            outcome,
            check.e164,
            info,
            segments.smart_encode(body) if rules.smart_encoding else body,
            failure_type,
            reason,
            reason_args=extra[0] if extra and outcome == BLOCK else (),
            not_before=extra[0] if extra and outcome == DEFER else None,
        )
    return verdicts


def _check(request, check, info, body, facts, rules, counts, seen, now):
    """(outcome, failure type, reason key[, reason args | not before])."""
    e164 = check.e164
    if check.reason == "missing":
        return BLOCK, "sms_number_missing", NUMBER_REASONS["missing"]
    if not check.ok:
        return BLOCK, "sms_number_format", NUMBER_REASONS[check.reason]
    if request.in_doubt or (request.message, e164) in facts.under_review:
        # Twilio may have sent it already: only a person who checked may resend.
        return BLOCK, "sms_review", "under_review"
    if e164 in facts.opted_out:
        return BLOCK, "sms_blacklist", "opted_out"
    if request.partner_dnc or e164 in facts.do_not_contact:
        return BLOCK, "sms_dnc", "do_not_contact"
    if e164 in facts.blocked:
        return BLOCK, "sms_blocked", "blocked"
    if e164 in facts.landlines:
        return BLOCK, "sms_landline", "landline"
    if too_long(info, rules.max_segments):
        return BLOCK, "sms_too_long", "too_long", too_long_args(info, rules)
    key = (e164, body)
    if key in seen or key in facts.recent:
        return DROP, "sms_duplicate", "duplicate"
    seen.add(key)
    rate_used = counts["rate"]
    if request.kind == INTERACTIVE and rules.rate_limit:
        used = rate_used.get(request.author, 0)
        if used >= rules.rate_limit:
            limit = (("limit", rules.rate_limit),)
            return BLOCK, "sms_rate_limit", "rate_limit", limit
        rate_used[request.author] = used + 1
    if rules.countries and check.region not in rules.countries:
        country = (("country", check.region or "?"),)
        return BLOCK, "sms_country", "country", country
    if request.kind != INTERACTIVE:
        when = _quiet_until(request, check, rules, now)
        if when:
            return DEFER, None, None, when.astimezone(UTC).replace(tzinfo=None)
    if rules.daily_cap:
        if counts["daily"] >= rules.daily_cap:
            return BLOCK, "sms_daily_cap", "daily_cap", (("cap", rules.daily_cap),)
        counts["daily"] += 1
    return SEND, None, None


def quiet_windows(check: phone_numbers.NumberCheck, rules: Rules) -> list[tuple]:
    """The windows a marketing or automated SMS to this number must fall in:
    the company's, then the law's (see :func:`.quiet_hours.next_allowed`)."""
    windows = []
    if rules.quiet_hours:
        windows.append(quiet_hours.daily(*rules.quiet_hours))
    if rules.legal_quiet_hours:
        legal = us_quiet_hours.legal_window(check.e164, check.region)
        if legal:
            windows.append(legal)
    return windows


def _quiet_until(request, check, rules, now):
    windows = quiet_windows(check, rules)
    if not windows:
        return None
    zone = request.timezone or _number_timezone(check.e164) or rules.default_timezone
    return _next_allowed(now, zone, tuple(windows))


# A preview asks it for each of a list's recipients at the same instant:
# most share a time zone and windows.
@functools.lru_cache(maxsize=1024)
def _next_allowed(now, zone, windows):
    return quiet_hours.next_allowed(now, zone, list(windows))


def _number_timezone(e164):
    zones = phone_numbers.number_timezones(e164)
    return zones[0] if zones else None
