# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one table mapping Twilio error codes to what the addon does about them.

Each Twilio error code (twilio.com/docs/api/errors), from an API error
response or a status callback's ``ErrorCode``, maps to:

* the ``failure_type`` of ``sms.sms`` / ``mail.notification`` it ends in,
* a reason the user can act on, shown in the chatter and the message log,
* what the gateway does next: retry later (transient), blacklist the number
  (the recipient opted out at Twilio), or count a carrier failure towards
  auto-blocking the number.

Reasons are plain English and translated by the Odoo layer; the fallback
reasons keep ``%(code)s`` / ``%(message)s`` placeholders for the caller to
fill after translating.
"""

from dataclasses import dataclass

import requests
from twilio.base.exceptions import TwilioRestException


def _lt(text):
    """Marks a reason for Odoo's translation extraction; the Odoo layer
    translates it with ``env._`` when it shows it."""
    return text


# Keys of the failure_type selections this table may produce: Odoo's (sms,
# sms_twilio, and the delivery ones of mail.notification) and the addon's.
FAILURE_TYPES = frozenset(
    {
        "unknown",
        "sms_number_missing",
        "sms_number_format",
        "sms_country_not_supported",
        "sms_registration_needed",
        "sms_credit",
        "sms_server",
        "sms_acc",
        "sms_blacklist",
        "sms_duplicate",
        "sms_optout",
        "twilio_authentication",
        "twilio_callback",
        "twilio_from_missing",
        "twilio_from_to",
        "sms_expired",
        "sms_invalid_destination",
        "sms_not_allowed",
        "sms_not_delivered",
        "sms_rejected",
        "sms_dnc",
        "sms_blocked",
        "sms_landline",
        "sms_too_long",
        "sms_rate_limit",
        "sms_quota",
        "sms_review",
    }
)

UNKNOWN_REASON = _lt("Twilio error %(code)s: %(message)s")
UNKNOWN_REASON_NO_MESSAGE = _lt("Twilio error %(code)s.")
NO_CODE_REASON = _lt("Twilio reported an error without a code: %(message)s")
NO_CODE_NO_MESSAGE_REASON = _lt("Twilio reported an error without a code.")


@dataclass(frozen=True)
class TwilioError:
    code: int
    failure_type: str  # key of the sms.sms failure_type selection
    reason: str  # plain English sentence the user can act on
    retryable: bool = False  # transient: requeue with backoff
    blacklist: bool = False  # opted out at Twilio: add to phone.blacklist
    carrier_failure: bool = False  # counts toward auto-blocking the number


_TABLE = (
    # Account and configuration: the admin must act.
    TwilioError(
        20003,
        "twilio_authentication",
        _lt(
            "Twilio rejected the credentials. Check the Account SID and Auth Token "
            "in the SMS settings."
        ),
    ),
    TwilioError(
        20429,
        "sms_server",
        _lt(
            "Twilio received too many requests at once. The message will be retried "
            "shortly."
        ),
        retryable=True,
    ),
    TwilioError(
        20500,
        "sms_server",
        _lt("Twilio had an internal error. The message will be retried shortly."),
        retryable=True,
    ),
    TwilioError(
        20503,
        "sms_server",
        _lt("Twilio is temporarily unavailable. The message will be retried shortly."),
        retryable=True,
    ),
    TwilioError(
        21606,
        "twilio_from_missing",
        _lt(
            "The sender number is not a Twilio number of this account able to send SMS "
            "to this destination. Choose another sender in the SMS settings."
        ),
    ),
    TwilioError(
        21212,
        "twilio_from_missing",
        _lt(
            "The sender is not a valid phone number or alphanumeric sender ID. Check "
            "the sender in the SMS settings."
        ),
    ),
    TwilioError(
        21603,
        "twilio_from_missing",
        _lt(
            "No sender was given. Add a Twilio number or a Messaging Service in the "
            "SMS settings."
        ),
    ),
    TwilioError(
        21266,
        "twilio_from_to",
        _lt("The recipient's number is the sender's own number. Text another number."),
    ),
    TwilioError(
        21408,
        "sms_country_not_supported",
        _lt(
            "Sending SMS to this country is not enabled on the Twilio account. Enable "
            "it in Twilio's Messaging Geographic Permissions."
        ),
    ),
    TwilioError(
        21608,
        "sms_acc",
        _lt(
            "Twilio trial accounts can only text verified numbers. Verify this number "
            "in Twilio or upgrade the account."
        ),
    ),
    TwilioError(
        21609,
        "twilio_callback",
        _lt(
            "Twilio refused the status callback URL. Check that the database's public "
            "URL (web.base.url) is reachable from the internet."
        ),
    ),
    TwilioError(
        30002,
        "sms_acc",
        _lt(
            "The Twilio account is suspended. Contact Twilio support to reactivate it."
        ),
    ),
    TwilioError(
        30034,
        "sms_registration_needed",
        _lt(
            "The sender number is not registered for A2P 10DLC, so US carriers block "
            "its messages. Register the brand and campaign in Twilio."
        ),
    ),
    # The message itself.
    TwilioError(
        21602,
        "unknown",
        _lt("The message is empty. Write a message before sending."),
    ),
    TwilioError(
        21617,
        "sms_too_long",
        _lt(
            "The message is longer than Twilio's limit of 1,600 characters. Shorten it."
        ),
    ),
    # The recipient's number.
    TwilioError(
        21604,
        "sms_number_missing",
        _lt("The recipient has no phone number. Add one to the contact."),
    ),
    TwilioError(
        21211,
        "sms_number_format",
        _lt(
            "The recipient's number is not a valid phone number. Correct it on the "
            "contact."
        ),
    ),
    TwilioError(
        21265,
        "sms_number_format",
        _lt(
            "The recipient's number is a short code, which cannot receive messages "
            "from this sender."
        ),
    ),
    TwilioError(
        21401,
        "sms_number_format",
        _lt(
            "Twilio could not read a phone number. Check the recipient's number and "
            "the sender."
        ),
    ),
    TwilioError(
        21407,
        "sms_not_allowed",
        _lt("This type of phone number cannot receive SMS."),
    ),
    TwilioError(
        21610,
        "sms_blacklist",
        _lt(
            "The recipient replied STOP to this sender: they have opted out and cannot "
            "be texted until they reply START."
        ),
        blacklist=True,
    ),
    TwilioError(
        21612,
        "sms_invalid_destination",
        _lt(
            "Twilio cannot reach this number from this sender: the carrier or the "
            "country does not accept it. Try another sender."
        ),
    ),
    TwilioError(
        21614,
        "sms_landline",
        _lt("The recipient's number is not a mobile number and cannot receive SMS."),
        carrier_failure=True,
    ),
    # Twilio's queue: transient.
    TwilioError(
        21611,
        "sms_server",
        _lt("The sender's Twilio queue is full. The message will be retried shortly."),
        retryable=True,
    ),
    TwilioError(
        30001,
        "sms_server",
        _lt(
            "Twilio's queue for this sender overflowed. The message will be retried "
            "shortly."
        ),
        retryable=True,
    ),
    # Delivery failures reported by the carrier (status callbacks).
    TwilioError(
        30003,
        "sms_invalid_destination",
        _lt("The recipient's phone is unreachable (switched off or out of coverage)."),
        carrier_failure=True,
    ),
    TwilioError(
        30004,
        "sms_rejected",
        _lt(
            "The message was blocked: the recipient or their carrier blocks messages "
            "from this sender."
        ),
        carrier_failure=True,
    ),
    TwilioError(
        30005,
        "sms_invalid_destination",
        _lt(
            "The recipient's number is unknown to its carrier or no longer in service."
        ),
        carrier_failure=True,
    ),
    TwilioError(
        30006,
        "sms_landline",
        _lt("The recipient's number is a landline or its carrier cannot receive SMS."),
        carrier_failure=True,
    ),
    TwilioError(
        30007,
        "sms_rejected",
        _lt(
            "The carrier filtered the message as spam or unwanted content. Review the "
            "text and the sender's registration."
        ),
        carrier_failure=True,
    ),
    TwilioError(
        30008,
        "sms_not_delivered",
        _lt("The carrier could not deliver the message and gave no reason."),
        carrier_failure=True,
    ),
)

ERRORS: dict[int, TwilioError] = {error.code: error for error in _TABLE}

CARRIER_FAILURE_CODES = frozenset(
    error.code for error in _TABLE if error.carrier_failure
)

# HTTP answers without a usable Twilio error code.
_HTTP_AUTHENTICATION = ERRORS[20003]
_HTTP_TOO_MANY_REQUESTS = ERRORS[20429]
_HTTP_SERVER_ERROR = TwilioError(
    0, ERRORS[20503].failure_type, ERRORS[20503].reason, retryable=True
)
NO_ANSWER = TwilioError(
    0,
    "sms_review",
    _lt(
        "No answer from Twilio: it may or may not have sent this SMS. Check the "
        "Twilio console before sending it again."
    ),
)
GAVE_UP_REASON = _lt(
    "Twilio could not take this SMS after %(attempts)s attempts (%(error)s). It "
    "was not sent: send it again later."
)


def _as_code(code: int | str | None) -> int | None:
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    try:
        return int(str(code).strip())
    except (TypeError, ValueError):
        return None


def describe(code: int | str | None, message: str | None = None) -> TwilioError:
    """What to do about Twilio error ``code`` ("30003" and 30003 alike).

    Never raises. An unknown or missing code gives failure type "unknown" and
    a reason with ``%(code)s`` / ``%(message)s`` placeholders, which the caller
    formats (after translating) with ``code`` and Twilio's ``message``.
    """
    number = _as_code(code)
    if number is not None and number in ERRORS:
        return ERRORS[number]
    if number is None:
        reason = NO_CODE_REASON if message else NO_CODE_NO_MESSAGE_REASON
        return TwilioError(0, "unknown", reason)
    reason = UNKNOWN_REASON if message else UNKNOWN_REASON_NO_MESSAGE
    return TwilioError(number, "unknown", reason)


def describe_http_status(status: int) -> TwilioError | None:
    """Classify an HTTP error answer that carried no Twilio error code.

    401 is a credentials problem, 429 and 5xx are transient (retry with
    backoff); anything else is left to the error code or to the caller (None).
    """
    if status == 401:
        return _HTTP_AUTHENTICATION
    if status == 429:
        return _HTTP_TOO_MANY_REQUESTS
    if 500 <= status <= 599:
        return _HTTP_SERVER_ERROR
    return None


def classify_exception(error: Exception) -> tuple[TwilioError, bool]:
    """What a failed ``messages.create`` means: ``(error, ambiguous)``.

    Ambiguous: the request may have reached Twilio and the answer was lost (a
    read timeout, a dropped connection): the SMS may have been sent, so it is
    never sent again. A request that provably never left (no connection) and
    Twilio's own error answers are not ambiguous.
    """
    if isinstance(error, TwilioRestException):
        if error.code:
            return describe(error.code, error.msg), False
        return describe_http_status(error.status) or describe(None, error.msg), False
    if isinstance(error, requests.RequestException):
        if _never_left(error):
            return _HTTP_SERVER_ERROR, False
        return NO_ANSWER, True
    return describe(None, str(error)), False


def _never_left(error: requests.RequestException) -> bool:
    """True when the request provably never left (no connection was made)."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    if isinstance(error, requests.ConnectionError):
        text = repr(error)
        return "NewConnectionError" in text or "Connection refused" in text
    return False
