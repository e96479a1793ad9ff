# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Twilio error codes the simulator answers with, and their JSON body."""

# code: (HTTP status, message). Messages follow Twilio's error dictionary;
# ``{to}``, ``{from_}``, ``{sid}``, ``{path}`` are filled in per request.
ERRORS = {
    20003: (401, "Authenticate"),
    20404: (404, "The requested resource {path} was not found"),
    20422: (400, "Invalid parameter: {detail}"),
    20429: (429, "Too Many Requests"),
    20500: (500, "An internal server error has occurred"),
    20503: (503, "Service is unavailable. Please try again"),
    21211: (400, "Invalid 'To' Phone Number: {to}"),
    21212: (
        400,
        "The 'From' number {from_} is not a valid phone number, shortcode,"
        " or alphanumeric sender ID.",
    ),
    21266: (400, "'To' and 'From' number cannot be the same: {to}"),
    21408: (
        400,
        "Permission to send an SMS has not been enabled for the region"
        " indicated by the 'To' number: {to}",
    ),
    21602: (400, "Message body is required."),
    21603: (400, "A 'From' phone number is required."),
    21604: (400, "A 'To' phone number is required."),
    21606: (
        400,
        "The 'From' phone number provided ({from_}) is not a valid"
        " message-capable Twilio phone number for this destination.",
    ),
    21610: (400, "Attempt to send to unsubscribed recipient"),
    21611: (
        400,
        "This 'From' number has exceeded the maximum number of queued messages",
    ),
    21612: (
        400,
        "The 'To' phone number: {to}, is not currently reachable using the"
        " 'From' phone number: {from_} via SMS.",
    ),
    21614: (400, "'To' number is not a valid mobile number"),
    21617: (400, "The concatenated message body exceeds the 1600 character limit."),
    21620: (400, "Invalid media URL(s)"),
    21701: (400, "The Messaging Service Sid {sid} is invalid."),
}

# Carrier-side errors of failed/undelivered messages (``error_message``).
DELIVERY_ERRORS = {
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    30001: "Queue overflow",
    30002: "Account suspended",
    30003: "Unreachable destination handset",
    30004: "Message blocked",
    30005: "Unknown destination handset",
    30006: "Landline or unreachable carrier",
    30007: "Message filtered",
    30008: "Unknown error",
    30034: "US A2P 10DLC - Message from an Unregistered Number",
}

# Error code of a fate rule that names none.
DEFAULT_DELIVERY_ERROR = {"undelivered": 30003, "failed": 30008}


def more_info(code):
    return f"https://www.twilio.com/docs/errors/{code}"


def delivery_error_message(code):
    return DELIVERY_ERRORS.get(code, "Unknown error")


class TwilioError(Exception):
    """An error answer of the Twilio API (REST error body)."""

    def __init__(self, code, message=None, status=None, **values):
        default_status, template = ERRORS.get(code, (400, "Error {code}"))
        self.code = code
        self.status = status or default_status
        if message is None:
            values.setdefault("code", code)
            message = template.format_map(_Blank(values))
        self.message = message
        super().__init__(f"{code}: {message}")

    def body(self):
        """The JSON document Twilio returns for this error."""
        return {
            "code": self.code,
            "message": self.message,
            "more_info": more_info(self.code),
            "status": self.status,
        }


class _Blank(dict):
    # A placeholder without a value renders empty rather than failing.
    def __missing__(self, key):
        return ""
