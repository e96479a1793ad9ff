# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Twilio error table: integrity, the codes the gateway relies on, lookups."""

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.base.exceptions import TwilioRestException

from tools.twilio_errors import (
    CARRIER_FAILURE_CODES,
    ERRORS,
    FAILURE_TYPES,
    TwilioError,
    classify_exception,
    describe,
    describe_http_status,
)

# What the table produces is checked against Odoo's real selections by the
# Odoo test test_every_failure_type_is_known_where_it_lands.


@pytest.mark.parametrize(
    "code, failure_type",
    [
        (20003, "twilio_authentication"),
        (20429, "sms_server"),
        (21211, "sms_number_format"),
        (21212, "twilio_from_missing"),
        (21266, "twilio_from_to"),
        (21408, "sms_country_not_supported"),
        (21602, "unknown"),
        (21603, "twilio_from_missing"),
        (21604, "sms_number_missing"),
        (21606, "twilio_from_missing"),
        (21608, "sms_acc"),
        (21609, "twilio_callback"),
        (21610, "sms_blacklist"),
        (21611, "sms_server"),
        (21612, "sms_invalid_destination"),
        (21614, "sms_landline"),
        (21617, "sms_too_long"),
        (30001, "sms_server"),
        (30002, "sms_acc"),
        (30003, "sms_invalid_destination"),
        (30004, "sms_rejected"),
        (30005, "sms_invalid_destination"),
        (30006, "sms_landline"),
        (30007, "sms_rejected"),
        (30008, "sms_not_delivered"),
        (30034, "sms_registration_needed"),
    ],
)
def test_required_codes(code, failure_type):
    error = ERRORS[code]
    assert error.code == code
    assert error.failure_type == failure_type


def test_table_integrity():
    for code, error in ERRORS.items():
        assert isinstance(error, TwilioError)
        assert error.code == code
        assert error.failure_type in FAILURE_TYPES, code
        # Plain sentences: no placeholder left for a known code.
        assert error.reason[0].isupper() and error.reason.endswith("."), code
        assert "%(" not in error.reason and "{" not in error.reason, code


def test_flags():
    assert CARRIER_FAILURE_CODES == {21614, 30003, 30004, 30005, 30006, 30007, 30008}
    for code in CARRIER_FAILURE_CODES:
        assert ERRORS[code].carrier_failure
    assert {c for c, e in ERRORS.items() if e.carrier_failure} == CARRIER_FAILURE_CODES
    assert {c for c, e in ERRORS.items() if e.blacklist} == {21610}
    assert {c for c, e in ERRORS.items() if e.retryable} == {
        20429,
        20500,
        20503,
        21611,
        30001,
    }
    # Opting out is final until START: never retried, never a carrier failure.
    assert not ERRORS[21610].retryable and not ERRORS[21610].carrier_failure
    assert "STOP" in ERRORS[21610].reason and "START" in ERRORS[21610].reason


@pytest.mark.parametrize("code", [30003, "30003", " 30003 ", "30003\n"])
def test_describe_known_codes_as_int_or_str(code):
    assert describe(code) is ERRORS[30003]
    assert describe(code, "Unreachable destination handset") is ERRORS[30003]


def test_describe_unknown_code():
    error = describe(99999, "Something new")
    assert (error.code, error.failure_type) == (99999, "unknown")
    assert not (error.retryable or error.blacklist or error.carrier_failure)
    # The caller formats after translating.
    assert error.reason == "Twilio error %(code)s: %(message)s"
    assert error.reason % {"code": 99999, "message": "Something new"} == (
        "Twilio error 99999: Something new"
    )
    assert describe("12345").reason % {"code": 12345} == "Twilio error 12345."


@pytest.mark.parametrize("code", [None, "", "abc", "3O003", [], True, 30003.5])
def test_describe_without_a_usable_code(code):
    error = describe(code, "boom")
    assert (error.code, error.failure_type) == (0, "unknown")
    assert error.reason % {"message": "boom"} == (
        "Twilio reported an error without a code: boom"
    )
    assert describe(code).reason == "Twilio reported an error without a code."


@pytest.mark.parametrize(
    "status, failure_type, retryable",
    [
        (401, "twilio_authentication", False),
        (429, "sms_server", True),
        (500, "sms_server", True),
        (502, "sms_server", True),
        (503, "sms_server", True),
        (599, "sms_server", True),
    ],
)
def test_describe_http_status(status, failure_type, retryable):
    error = describe_http_status(status)
    assert error.failure_type == failure_type
    assert error.retryable is retryable
    assert error.reason.endswith(".")


@pytest.mark.parametrize("status", [200, 201, 400, 403, 404, 600])
def test_describe_http_status_leaves_others_to_the_error_code(status):
    assert describe_http_status(status) is None


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.none(), st.integers(), st.text(max_size=8)),
    st.one_of(st.none(), st.text(max_size=20)),
)
def test_describe_never_raises(code, message):
    error = describe(code, message)
    assert error.failure_type in FAILURE_TYPES


def _rest_error(status, code):
    return TwilioRestException(status, "https://api.twilio.com/x", "boom", code)


def test_classify_twilio_server_errors_are_retried():
    """Twilio's 500 and 503 (20500, 20503) are transient, not "unknown"."""
    for status, code in ((500, 20500), (503, 20503), (429, 20429), (502, None)):
        described, ambiguous = classify_exception(_rest_error(status, code))
        assert described.retryable, (status, code)
        assert not ambiguous


def test_classify_lost_answers_are_ambiguous():
    described, ambiguous = classify_exception(requests.ReadTimeout("read timed out"))
    assert ambiguous and described.failure_type == "sms_review"
    described, ambiguous = classify_exception(
        requests.ConnectionError("Connection aborted.", "RemoteDisconnected")
    )
    assert ambiguous


def test_classify_requests_that_never_left_are_retried():
    for error in (
        requests.ConnectTimeout("connect timeout"),
        requests.ConnectionError("NewConnectionError: Connection refused"),
    ):
        described, ambiguous = classify_exception(error)
        assert described.retryable and not ambiguous


def test_classify_refusals_are_final():
    described, ambiguous = classify_exception(_rest_error(400, 21211))
    assert (described.failure_type, described.retryable, ambiguous) == (
        "sms_number_format",
        False,
        False,
    )
