# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lookup v2 of the simulator: one number (``GET /v2/PhoneNumbers/{n}``) or a
batch (``POST /v2/batch/query``), with the same facts for a number either way.
"""

import collections

import phonenumbers

from . import phones
from .errors import TwilioError

LOOKUP_BASE_URL = "https://lookups.twilio.com/v2/PhoneNumbers/"
# Twilio's limit of numbers in one batch query.
MAX_BATCH_NUMBERS = 100
# The per-item code of a number the batch cannot look up at all (unparseable):
# what Twilio answers a lookup of a resource that is not a phone number.
NOT_A_NUMBER_CODE = 20404


class LookupMixin:
    """The Lookup v2 part of ``Simulator`` (needs its ``_lock``)."""

    def _reset_lookups(self):
        self.line_types = {}  # E.164 -> {"type": ..., "carrier_name": ...}
        self.lookup_errors = {}  # E.164 -> Twilio error code of its lookups
        self.lookups = collections.Counter()  # E.164 -> lookups served
        # Lookup requests received, whatever their answer: "single" / "batch".
        self.lookup_requests = collections.Counter()
        self.lookup_batches = []  # numbers in each batch query answered

    def set_line_type(self, number, line_type, carrier_name=None):
        """Override the line type Lookup reports for ``number``."""
        if line_type not in phones.TWILIO_LINE_TYPES:
            raise ValueError(f"Unknown line type {line_type!r}")
        with self._lock:
            self.line_types[phones.key(number)] = {
                "type": line_type,
                "carrier_name": carrier_name,
            }

    def set_lookup_error(self, number, error_code):
        """Make the lookups of ``number`` fail with ``error_code``: the single
        lookup answers that error, a batch that item's ``twilio_error_code``."""
        with self._lock:
            self.lookup_errors[phones.key(number)] = int(error_code)

    def count_lookup_request(self, kind):
        with self._lock:
            self.lookup_requests[kind] += 1

    def lookup_request_count(self, kind=None):
        """Lookup requests received (``kind``: "single" or "batch", else both)."""
        with self._lock:
            if kind:
                return self.lookup_requests[kind]
            return sum(self.lookup_requests.values())

    def lookup_count(self, number):
        """How many lookups of ``number`` were served."""
        with self._lock:
            return self.lookups[phones.key(number)]

    def lookup(self, phone_number, fields="", country_code=None):
        """Lookup v2 ``GET /v2/PhoneNumbers/{phone_number}`` payload."""
        wanted = {field.strip() for field in (fields or "").split(",")}
        _parsed, number, payload, error_code = self._look_up(
            phone_number, wanted, country_code
        )
        if error_code:
            raise TwilioError(error_code)
        return {**payload, "url": LOOKUP_BASE_URL + number}

    def batch_lookup(self, request):
        """Lookup v2 ``POST /v2/batch/query``: ``{"phone_numbers": [...]}``.

        Each item is answered as its single lookup would be, plus its
        ``correlation_id``; a number that cannot be looked up gets a
        ``twilio_error_code`` and ``valid: false``, the others are answered.

        :raises TwilioError: a malformed request, or over 100 numbers
        """
        items = request.get("phone_numbers") if isinstance(request, dict) else None
        if not isinstance(items, list) or not items:
            raise TwilioError(20422, detail="phone_numbers is required")
        if len(items) > MAX_BATCH_NUMBERS:
            raise TwilioError(
                20422, detail=f"at most {MAX_BATCH_NUMBERS} phone_numbers per request"
            )
        if not all(
            isinstance(item, dict) and item.get("phone_number") for item in items
        ):
            raise TwilioError(20422, detail="each item needs a phone_number")
        answers = [self._batch_item(item) for item in items]
        with self._lock:
            self.lookup_batches.append(len(answers))
        return {"phone_numbers": answers}

    def _batch_item(self, item):
        wanted = set(item.get("fields") or ())
        parsed, number, payload, error_code = self._look_up(
            item["phone_number"], wanted, item.get("country_code")
        )
        if parsed is None:
            error_code = error_code or NOT_A_NUMBER_CODE
        if error_code:
            payload = dict.fromkeys(payload) | {
                "phone_number": number,
                "valid": False,
                "validation_errors": payload["validation_errors"],
            }
        return {
            "correlation_id": item.get("correlation_id"),
            "twilio_error_code": error_code,
            **payload,
        }

    def _look_up(self, phone_number, wanted, country_code):
        """``(parsed or None, number, payload without url, the error code of a
        ``set_lookup_error`` rule or None)``."""
        parsed, errors = phones.validation(phone_number, country_code or "US")
        valid = not errors
        number = phones.e164(parsed) if parsed is not None else phone_number
        with self._lock:
            self.lookups[number] += 1
            override = self.line_types.get(number)
            error_code = self.lookup_errors.get(number)
        line_type = None
        if valid and "line_type_intelligence" in wanted:
            kind = (override or {}).get("type") or phones.line_type(parsed)
            carrier = (override or {}).get("carrier_name")
            line_type = {
                "carrier_name": carrier or phones.carrier_name(parsed, kind),
                "error_code": None,
                "mobile_country_code": phones.TEST_MCC,
                "mobile_network_code": phones.TEST_MNC,
                "type": kind,
            }
        national = phonenumbers.PhoneNumberFormat.NATIONAL
        payload = {
            "calling_country_code": str(parsed.country_code) if valid else None,
            "country_code": phonenumbers.region_code_for_number(parsed)
            if valid
            else None,
            "phone_number": number,
            "national_format": phonenumbers.format_number(parsed, national)
            if valid
            else None,
            "valid": valid,
            "validation_errors": errors,
            "caller_name": None,
            "sim_swap": None,
            "call_forwarding": None,
            "line_status": None,
            "line_type_intelligence": line_type,
            "identity_match": None,
            "reassigned_number": None,
            "sms_pumping_risk": None,
            "phone_number_quality_score": None,
            "pre_fill": None,
        }
        return parsed, number, payload, error_code
