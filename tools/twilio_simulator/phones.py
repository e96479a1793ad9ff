# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Phone number facts of the simulator: validity, line type, country.

Everything is derived from ``phonenumbers`` so the simulator answers like
Twilio for real-world numbers without any network.
"""

import re

import phonenumbers
from phonenumbers import PhoneNumberType as PNT
from phonenumbers import carrier
from phonenumbers.phonenumberutil import ValidationResult

# Twilio's test-credential magic numbers (docs: IAM > Test credentials).
MAGIC_TO = {
    "+15005550001": 21211,  # invalid
    "+15005550002": 21612,  # cannot route
    "+15005550003": 21408,  # no international permission
    "+15005550004": 21610,  # opted out (blocked)
    "+15005550009": 21614,  # not SMS-capable
}
MAGIC_FROM = {
    "+15005550001": 21212,  # invalid
    "+15005550007": 21606,  # not owned by the account
    "+15005550008": 21611,  # queue full
}
# The magic "valid From" number; also the sender a Messaging Service picks.
MAGIC_VALID_FROM = "+15005550006"

# phonenumbers' type -> Twilio Lookup v2 ``line_type_intelligence.type``.
LINE_TYPES = {
    PNT.FIXED_LINE: "landline",
    PNT.MOBILE: "mobile",
    PNT.FIXED_LINE_OR_MOBILE: "mobile",
    PNT.PERSONAL_NUMBER: "mobile",
    PNT.VOIP: "nonFixedVoip",
    PNT.TOLL_FREE: "tollFree",
    PNT.PREMIUM_RATE: "premium",
    PNT.SHARED_COST: "sharedCost",
    PNT.PAGER: "pager",
    PNT.UAN: "uan",
    PNT.VOICEMAIL: "voicemail",
}
TWILIO_LINE_TYPES = {
    "mobile",
    "landline",
    "tollFree",
    "fixedVoip",
    "nonFixedVoip",
    "personal",
    "premium",
    "voicemail",
    "sharedCost",
    "uan",
    "pager",
    "unknown",
}

_PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "INVALID_COUNTRY_CODE",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "NOT_A_NUMBER",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "TOO_SHORT",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "TOO_SHORT",
    phonenumbers.NumberParseException.TOO_LONG: "TOO_LONG",
}
_POSSIBILITY_ERRORS = {
    ValidationResult.IS_POSSIBLE: "INVALID_BUT_POSSIBLE",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "INVALID_LENGTH",
    ValidationResult.INVALID_COUNTRY_CODE: "INVALID_COUNTRY_CODE",
    ValidationResult.TOO_SHORT: "TOO_SHORT",
    ValidationResult.TOO_LONG: "TOO_LONG",
    ValidationResult.INVALID_LENGTH: "INVALID_LENGTH",
}

# Alphanumeric sender IDs: up to 11 characters, at least one letter.
_ALPHANUMERIC_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 +\-_&.]{1,11}$")
_SHORT_CODE = re.compile(r"^\d{3,8}$")

# ITU's reserved test network: real carriers' codes would be made up anyway.
TEST_MCC, TEST_MNC = "001", "01"


def parse(number, region="US"):
    """Parse ``number`` (E.164, or national for ``region``); None if unparseable."""
    try:
        return phonenumbers.parse(number or "", region)
    except phonenumbers.NumberParseException:
        return None


def e164(parsed):
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalize(number, region="US"):
    """E.164 form of a valid number, else None."""
    parsed = parse(number, region)
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        return None
    return e164(parsed)


def key(number):
    """The key of per-number tables: E.164 when parseable, else the raw input."""
    parsed = parse(number)
    return e164(parsed) if parsed is not None else (number or "").strip()


def is_valid_sender(sender):
    """A From Twilio would accept: a phone number, a short code or an alpha ID."""
    if sender.startswith("+"):
        parsed = parse(sender)
        return parsed is not None and phonenumbers.is_possible_number(parsed)
    return bool(_SHORT_CODE.match(sender) or _ALPHANUMERIC_SENDER.match(sender))


def validation(number, region="US"):
    """Return ``(parsed or None, validation_errors)`` as Lookup v2 reports them."""
    try:
        parsed = phonenumbers.parse(number or "", region)
    except phonenumbers.NumberParseException as error:
        return None, [_PARSE_ERRORS.get(error.error_type, "NOT_A_NUMBER")]
    if phonenumbers.is_valid_number(parsed):
        return parsed, []
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    return parsed, [_POSSIBILITY_ERRORS.get(reason, "INVALID_BUT_POSSIBLE")]


def line_type(parsed):
    return LINE_TYPES.get(phonenumbers.number_type(parsed), "unknown")


def carrier_name(parsed, kind):
    name = carrier.name_for_number(parsed, "en")
    return name or f"Sandbox {kind} carrier"


def country(number):
    """ISO country of ``number`` as Twilio fills FromCountry/ToCountry, or ""."""
    parsed = parse(number)
    if parsed is None:
        return ""
    return phonenumbers.region_code_for_number(parsed) or ""
