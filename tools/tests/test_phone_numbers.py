# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Number sanity: parsing, made-up numbers, regions, time zones, senders."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.phone_numbers import (
    ALPHANUMERIC_SENDER_FORBIDDEN_REGIONS,
    ALPHANUMERIC_SENDER_REGISTRATION_REGIONS,
    REASONS,
    NumberCheck,
    alphanumeric_sender_allowed,
    check_number,
    is_messaging_service_sid,
    is_mobile_range,
    is_valid_alphanumeric_sender,
    number_region,
    number_timezones,
)


@pytest.mark.parametrize(
    "raw, default_region, e164, region",
    [
        # Twilio's magic test numbers must pass.
        ("+15005550006", None, "+15005550006", "US"),
        ("+15005550001", None, "+15005550001", "US"),
        ("+1 (500) 555-0006", None, "+15005550006", "US"),
        ("+12202154155", None, "+12202154155", "US"),
        ("+3212312312", None, "+3212312312", "BE"),
        ("+32456001122", None, "+32456001122", "BE"),
        # Contains 12345678, but is not a straight run as a whole.
        ("+33612345678", None, "+33612345678", "FR"),
        ("+447400123456", None, "+447400123456", "GB"),
        # National formats read with the record's or company's country.
        ("0456 00 11 22", "BE", "+32456001122", "BE"),
        ("0456001122", "be", "+32456001122", "BE"),
        ("06 12 34 56 78", "FR", "+33612345678", "FR"),
        ("(220) 215-4155", "US", "+12202154155", "US"),
        ("220-215-4155", "US", "+12202154155", "US"),
        # International forms ignore the default region.
        ("+32 456 00 11 22", "FR", "+32456001122", "BE"),
        ("+32-456-00-11-22", None, "+32456001122", "BE"),
        ("+32 (0)456 00 11 22", None, "+32456001122", "BE"),
        ("  +32456001122\n", None, "+32456001122", "BE"),
        ("tel:+32456001122", None, "+32456001122", "BE"),
        # "00" works without a region, and from a region dialling out with 011.
        ("0032456001122", None, "+32456001122", "BE"),
        ("0032 456 00 11 22", "BE", "+32456001122", "BE"),
        ("0032456001122", "US", "+32456001122", "BE"),
        ("011 32 456 00 11 22", "US", "+32456001122", "BE"),
        # phonenumbers reads vanity letters as digits.
        ("1-800-FLOWERS", "US", "+18003569377", "US"),
    ],
)
def test_usable_numbers(raw, default_region, e164, region):
    check = check_number(raw, default_region)
    assert check == NumberCheck(raw, e164, region, None)
    assert check.ok


@pytest.mark.parametrize(
    "raw, default_region, reason",
    [
        (None, None, "missing"),
        ("", "BE", "missing"),
        ("   ", "BE", "missing"),
        ("\n\t", None, "missing"),
        ("abc", None, "unparseable"),
        ("call me", "BE", "unparseable"),
        ("+", None, "unparseable"),
        ("+32", None, "unparseable"),
        # A national number needs a region to be read.
        ("0456001122", None, "unparseable"),
        ("0456001122", "XX", "unparseable"),
        # All zeros, said before "invalid".
        ("+32 000000000", None, "all_zeros"),
        ("+3200000", None, "all_zeros"),
        ("0000000000", None, "all_zeros"),
        ("000", "BE", "all_zeros"),
        ("+00", None, "all_zeros"),
        # Straight runs, said before "invalid".
        ("+1 123 456 7890", None, "digit_run"),  # 1234567890, 9 wraps to 0
        ("+1 234 567 8901", None, "digit_run"),  # valid US, still a run
        ("+32123456789", None, "digit_run"),
        ("+3223456789", None, "digit_run"),
        ("+33123456789", None, "digit_run"),  # valid FR, still a run
        ("+33987654321", None, "digit_run"),
        ("123456", "BE", "digit_run"),
        ("+81 9876543210", None, "digit_run"),
        # Not valid for their country.
        ("+447700900123", None, "invalid"),
        ("12345", "BE", "invalid"),
        ("+32 456 00 11", None, "invalid"),
        ("+3245600112200000000", None, "invalid"),
    ],
)
def test_rejected_numbers(raw, default_region, reason):
    check = check_number(raw, default_region)
    assert check.reason == reason
    assert check.e164 is None
    assert not check.ok
    assert check.raw == raw


def test_rejected_numbers_keep_the_region_when_known():
    assert check_number("+32 000000000").region == "BE"
    assert check_number("+33123456789").region == "FR"
    assert check_number("+447700900123").region is None
    assert check_number("abc").region is None


def test_reasons_are_sentences():
    assert set(REASONS) == {
        "missing",
        "unparseable",
        "invalid",
        "all_zeros",
        "digit_run",
    }
    for reason in REASONS.values():
        assert reason[0].isupper() and reason.endswith(".")
        assert "{" not in reason


def test_number_timezones():
    assert number_timezones("+32456001122") == ("Europe/Brussels",)
    assert number_timezones("+12202154155") == ("America/New_York",)
    assert number_timezones("+33612345678") == ("Europe/Paris",)
    # Non-geographic +1 numbers span the whole plan.
    zones = number_timezones("+15005550006")
    assert "America/New_York" in zones and "Pacific/Honolulu" in zones
    # phonenumbers answers Etc/Unknown: we answer nothing.
    assert number_timezones("+447700900123") == ()
    assert number_timezones("not a number") == ()
    assert number_timezones("") == ()


@pytest.mark.parametrize(
    "e164, mobile_only",
    [
        ("+32470660001", True),  # Belgian mobile range
        ("+33612345678", True),
        ("+4915112345678", True),
        ("+3222680003", False),  # Brussels landline range
        ("+33142345678", False),  # Paris landline range
        ("+14155550100", False),  # North America: either, any number
        ("+12202154155", False),
        ("+447700900123", False),  # a range for drama: not allocated
        ("", False),
        (None, False),
        ("not a number", False),
    ],
)
def test_is_mobile_range(e164, mobile_only):
    assert is_mobile_range(e164) is mobile_only


def test_number_region():
    assert number_region("+32456001122") == "BE"
    assert number_region("+15005550006") == "US"
    assert number_region("+442079460018") == "GB"
    assert number_region("+80012345678") is None  # non-geographic (001)
    assert number_region("nonsense") is None
    assert number_region("") is None


@pytest.mark.parametrize(
    "region, allowed_regions, expected",
    [
        ("FR", None, True),
        ("GB", None, True),
        ("DE", None, True),
        ("fr", None, True),
        ("US", None, False),
        ("CA", None, False),
        ("PR", None, False),
        ("JM", None, False),  # +1 Caribbean
        ("GU", None, False),  # +1 Pacific
        ("CN", None, False),
        ("BR", None, False),
        (None, None, False),
        ("", None, False),
        # Registration needed: off unless the admin lists the country.
        ("IN", None, False),
        ("IN", {"IN"}, True),
        # The admin's list restricts further, never past the forbidden set.
        ("FR", {"FR", "DE"}, True),
        ("FR", {"fr"}, True),
        ("GB", {"FR"}, False),
        ("FR", set(), False),
        ("US", {"US"}, False),
        ("CN", {"CN", "FR"}, False),
    ],
)
def test_alphanumeric_sender_allowed(region, allowed_regions, expected):
    assert alphanumeric_sender_allowed(region, allowed_regions) is expected


def test_alphanumeric_regions_tables():
    # Every region of country code +1 is forbidden.
    for region in ("US", "CA", "PR", "VI", "AG", "BS", "DO", "TT", "MP", "AS"):
        assert region in ALPHANUMERIC_SENDER_FORBIDDEN_REGIONS
    assert not ALPHANUMERIC_SENDER_FORBIDDEN_REGIONS & (
        ALPHANUMERIC_SENDER_REGISTRATION_REGIONS
    )
    for region in (
        ALPHANUMERIC_SENDER_FORBIDDEN_REGIONS | ALPHANUMERIC_SENDER_REGISTRATION_REGIONS
    ):
        assert len(region) == 2 and region.isupper()


@pytest.mark.parametrize(
    "sender, expected",
    [
        ("Odoo", True),
        ("ACME Corp", True),
        ("Shop 24", True),
        ("A" * 11, True),
        ("a", True),
        ("A" * 12, False),
        ("12345", False),  # digits only
        ("", False),
        (" ", False),
        ("Odoo-SA", False),
        ("Café", False),
        ("Odoo!", False),
    ],
)
def test_is_valid_alphanumeric_sender(sender, expected):
    assert is_valid_alphanumeric_sender(sender) is expected


# Property-based checks.


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.none(), st.text(max_size=40)),
    st.sampled_from([None, "BE", "FR", "US", "be", "XX"]),
)
def test_check_number_never_raises(raw, default_region):
    check = check_number(raw, default_region)
    assert check.raw == raw
    assert check.reason is None or check.reason in REASONS
    assert check.ok == (check.e164 is not None)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_belgian_mobiles(tail):
    raw = "+324" + tail
    check = check_number(raw)
    if check.ok:
        assert check.e164 == raw
        assert check.region == "BE"
        # Usable numbers check the same from their E.164 and national forms.
        assert check_number(check.e164) == NumberCheck(check.e164, raw, "BE", None)
        assert check_number("0" + raw[3:], "BE").e164 == raw
    else:
        assert check.reason in {"invalid", "digit_run"}


@settings(max_examples=50, deadline=None)
@given(
    # A leading 0 after the country code is a trunk prefix phonenumbers drops.
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=6, max_value=10),
    st.sampled_from([1, -1]),
)
def test_digit_runs_are_rejected(first, length, step):
    run = "".join(str((first + step * i) % 10) for i in range(length))
    assert check_number("+49" + run).reason == "digit_run"


def test_messaging_service_sid_is_not_an_alphanumeric_sender():
    assert is_messaging_service_sid("MG" + "0123456789abcdef" * 2)
    assert not is_messaging_service_sid("MGARAGE")
    assert not is_messaging_service_sid("MG")
    assert not is_messaging_service_sid("+32470123456")
    assert not is_messaging_service_sid(None)
