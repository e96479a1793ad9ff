# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Decide whether a phone number is worth texting, and what we know about it.

The gateway's "number invalid" check (DESIGN.md, The gateway) lives here:
:func:`check_number` parses with ``phonenumbers`` and also rejects numbers
that are valid on paper but obviously made up (all zeros, 123456789), which
otherwise cost a Twilio request and a carrier failure each.

It also answers the questions the sender choice and quiet hours ask of a
number: its country, its time zones, and whether an alphanumeric sender ID
may be used towards it.
"""

import functools
import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import timezone as phonenumbers_timezone

REASONS = {
    "missing": "No phone number.",
    "unparseable": "The number cannot be read as a phone number.",
    "invalid": "The number is not a valid number for its country.",
    "all_zeros": "The number is all zeros.",
    "digit_run": (
        "The number is a straight run of digits (like 123456789), not a real number."
    ),
}

# A run shorter than this is ordinary in real numbers (e.g. "+33 6 12 34 56 78").
MIN_DIGIT_RUN = 6

# phonenumbers' answers that are not a country: non-geographic numbers
# (+800...) and unknown.
_NOT_A_REGION = {"001", "ZZ"}
_UNKNOWN_TIMEZONE = "Etc/Unknown"

# Every region sharing country code +1 (US, CA, PR, Caribbean, Pacific
# territories): the North American Numbering Plan has no alphanumeric senders.
NANP_REGIONS = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])

# Source: Twilio, "International support for Alphanumeric Sender ID"
# (help.twilio.com/hc/en-us/articles/223133767), countries marked
# "Not Supported": Twilio replaces the sender or drops the message (error 21612).
# Sending there needs a phone number, whatever the admin configured.
ALPHANUMERIC_SENDER_FORBIDDEN_REGIONS = NANP_REGIONS | frozenset(
    {
        "AR",  # Argentina
        "BR",  # Brazil
        "CL",  # Chile
        "CN",  # China
        "CO",  # Colombia
        "CR",  # Costa Rica
        "CU",  # Cuba
        "EC",  # Ecuador
        "GF",  # French Guiana
        "IR",  # Iran
        "NI",  # Nicaragua
        "NZ",  # New Zealand
        "PA",  # Panama
        "PE",  # Peru
        "PY",  # Paraguay
        "SV",  # El Salvador
        "SY",  # Syria
        "TW",  # Taiwan
        "UY",  # Uruguay
        "VE",  # Venezuela
    }
)

# Same source, countries where the sender ID must be registered with Twilio or
# the carriers first (or where support is partial). Unregistered senders are
# overwritten or blocked, so they are off unless the admin lists the country
# in ``allowed_regions`` after registering.
ALPHANUMERIC_SENDER_REGISTRATION_REGIONS = frozenset(
    {
        "AE",  # United Arab Emirates
        "AF",  # Afghanistan
        "AM",  # Armenia
        "BE",  # Belgium
        "BJ",  # Benin
        "BY",  # Belarus
        "CD",  # Congo (DRC)
        "CI",  # Côte d'Ivoire
        "CM",  # Cameroon
        "EG",  # Egypt
        "ET",  # Ethiopia
        "GH",  # Ghana
        "GN",  # Guinea
        "GW",  # Guinea-Bissau
        "HK",  # Hong Kong
        "HU",  # Hungary
        "ID",  # Indonesia
        "IL",  # Israel
        "IN",  # India
        "JO",  # Jordan
        "KE",  # Kenya
        "KG",  # Kyrgyzstan
        "KR",  # South Korea
        "KW",  # Kuwait
        "KZ",  # Kazakhstan
        "LK",  # Sri Lanka
        "LR",  # Liberia
        "MA",  # Morocco
        "MM",  # Myanmar
        "MX",  # Mexico
        "MY",  # Malaysia
        "NG",  # Nigeria
        "NP",  # Nepal
        "NR",  # Nauru
        "OM",  # Oman
        "PH",  # Philippines
        "QA",  # Qatar
        "RU",  # Russia
        "RW",  # Rwanda
        "SA",  # Saudi Arabia
        "SD",  # Sudan
        "SS",  # South Sudan
        "SZ",  # Eswatini
        "TH",  # Thailand
        "TN",  # Tunisia
        "TR",  # Turkey
        "TZ",  # Tanzania
        "UG",  # Uganda
        "VN",  # Vietnam
        "ZA",  # South Africa
        "ZM",  # Zambia
    }
)

# Twilio: 1 to 11 characters, ASCII letters, digits and spaces, not digits only.
_ALPHANUMERIC_SENDER_RE = re.compile(r"[A-Za-z0-9 ]{1,11}")


@dataclass(frozen=True)
class NumberCheck:
    """Outcome of :func:`check_number`."""

    raw: str | None
    e164: str | None  # "+32456001122" when usable
    region: str | None  # ISO 3166 alpha-2 of the number, e.g. "BE"
    reason: str | None  # None when usable, else a key of REASONS

    @property
    def ok(self) -> bool:
        return self.reason is None


def _is_digit_run(digits: str) -> bool:
    """True for 123456, 1234567890 (9 wraps to 0), 987654, 9876543210."""
    if len(digits) < MIN_DIGIT_RUN:
        return False
    steps = {(int(b) - int(a)) % 10 for a, b in zip(digits, digits[1:], strict=False)}
    return steps in ({1}, {9})


def _region(number: phonenumbers.PhoneNumber) -> str | None:
    region = phonenumbers.region_code_for_number(number)
    return None if not region or region in _NOT_A_REGION else region


def _parse(raw: str, default_region: str | None) -> phonenumbers.PhoneNumber:
    """Parse ``raw``; a "00" international prefix works without a region.

    phonenumbers only knows "00" as the international prefix through the
    default region, and not at all for regions dialling out with another
    prefix (011 in the US); read it as "+" when the region does not.
    """
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        if not raw.startswith("00"):
            raise
        return phonenumbers.parse("+" + raw[2:])
    if raw.startswith("00") and not phonenumbers.is_valid_number(number):
        try:
            plus_number = phonenumbers.parse("+" + raw[2:])
        except phonenumbers.NumberParseException:
            return number
        if phonenumbers.is_valid_number(plus_number):
            return plus_number
    return number


# Parsing is the costliest step of a preview: a list of 100,000 contacts is
# read again each time its mailing's text changes. Results are immutable.
@functools.lru_cache(maxsize=200_000)
def check_number(raw: str | None, default_region: str | None = None) -> NumberCheck:
    """Check that ``raw`` is a number worth sending an SMS to.

    ``default_region`` (ISO alpha-2, the record's or the company's country)
    reads national numbers; numbers starting with "+" or "00" need none.
    Checks run in this order and the first failing one is the reason:
    missing, unparseable, all_zeros, digit_run, invalid. The made-up number
    checks come before validity so the user is told the more helpful reason.
    """
    text = (raw or "").strip()
    if not text:
        return NumberCheck(raw, None, None, "missing")
    digits = re.sub(r"\D", "", text)
    if digits and not digits.strip("0"):
        return NumberCheck(raw, None, None, "all_zeros")
    region = default_region.strip().upper() if default_region else None
    try:
        number = _parse(text, region or None)
    except phonenumbers.NumberParseException:
        return NumberCheck(raw, None, None, "unparseable")
    national = phonenumbers.national_significant_number(number)
    if not national.strip("0"):
        return NumberCheck(raw, None, _region(number), "all_zeros")
    if _is_digit_run(national):
        return NumberCheck(raw, None, _region(number), "digit_run")
    if not phonenumbers.is_valid_number(number):
        return NumberCheck(raw, None, _region(number), "invalid")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return NumberCheck(raw, e164, _region(number), None)


def _parse_e164(e164: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(e164 or "", None)
    except phonenumbers.NumberParseException:
        return None


# A preview asks it for every marketing recipient (quiet hours): cached as
# check_number is.
@functools.lru_cache(maxsize=200_000)
def number_timezones(e164: str) -> tuple[str, ...]:
    """IANA time zones of ``e164`` per phonenumbers; empty when unknown.

    A mobile number usually yields every zone of its country (one for BE,
    dozens for +1 non-geographic prefixes); a landline yields its area's.
    """
    number = _parse_e164(e164)
    if number is None:
        return ()
    zones = phonenumbers_timezone.time_zones_for_number(number)
    return tuple(zone for zone in zones if zone != _UNKNOWN_TIMEZONE)


@functools.lru_cache(maxsize=200_000)
def is_mobile_range(e164: str | None) -> bool:
    """Whether the numbering plan gives ``e164``'s range to mobiles only.

    No landline can hold such a number (mobile and fixed numbers do not port
    into each other's ranges), so its line type is known before any lookup.
    Ranges both may hold (all of North America) and unknown ranges are not.
    """
    number = _parse_e164(e164)
    return (
        number is not None
        and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
    )


def number_region(e164: str) -> str | None:
    """ISO alpha-2 country of ``e164``, None when unknown or non-geographic."""
    number = _parse_e164(e164)
    return _region(number) if number is not None else None


def alphanumeric_sender_allowed(
    region: str | None, allowed_regions: set[str] | None = None
) -> bool:
    """Whether an alphanumeric sender ID may text a number of ``region``.

    Never for an unknown region or one in
    :data:`ALPHANUMERIC_SENDER_FORBIDDEN_REGIONS` (all of +1 included). When
    the admin restricts the sender to ``allowed_regions``, only those; else
    every other region except those needing registration first.
    """
    if not region:
        return False
    region = region.upper()
    if region in ALPHANUMERIC_SENDER_FORBIDDEN_REGIONS:
        return False
    if allowed_regions is not None:
        return region in {r.upper() for r in allowed_regions}
    return region not in ALPHANUMERIC_SENDER_REGISTRATION_REGIONS


def is_valid_alphanumeric_sender(sender: str) -> bool:
    """Twilio's format: 1-11 of A-Z, a-z, 0-9 and space, with a letter."""
    if not sender or not _ALPHANUMERIC_SENDER_RE.fullmatch(sender):
        return False
    return any(char.isalpha() for char in sender)


_MESSAGING_SERVICE_SID_RE = re.compile(r"MG[0-9a-fA-F]{32}")


def is_messaging_service_sid(sender: str | None) -> bool:
    """A Twilio Messaging Service SID ("MG" and 32 hex digits), not a sender ID.

    An alphanumeric sender may start with "MG" too ("MGARAGE"): only the full
    SID shape is a Messaging Service.
    """
    return bool(sender and _MESSAGING_SERVICE_SID_RE.fullmatch(sender))
