# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The gateway's decision, without a database."""

import dataclasses
from datetime import datetime

import pytest

from tools import policy
from tools.policy import Facts, Request, Rules, decide

NOW = datetime(2026, 3, 2, 12, 0)  # a Monday, noon UTC
PAULA = "+32470123456"


NO_FACTS, DEFAULT_RULES = Facts(), Rules()


def one(request, facts=NO_FACTS, rules=DEFAULT_RULES, now=NOW):
    return decide([request], facts, rules, now)[request.key]


def test_allowed_sms_carries_what_twilio_gets():
    verdict = one(Request(1, "0470 12 34 56", "Hello", region="BE"))
    assert verdict.sends
    assert (verdict.e164, verdict.segments, verdict.info.encoding) == (
        PAULA,
        1,
        "GSM-7",
    )
    assert verdict.text == "Hello"


def test_national_numbers_read_with_the_company_country():
    """A recipient without a country: the company's reads the number."""
    request = Request(1, "0470 12 34 56", "Hello")
    assert one(request).failure_type == "sms_number_format"
    verdict = one(request, rules=Rules(default_region="BE"))
    assert verdict.sends and verdict.e164 == PAULA
    assert one(dataclasses.replace(request, region="BE")).e164 == PAULA


def test_verdict_is_immutable():
    verdict = one(Request(1, PAULA, "Hello"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.outcome = policy.BLOCK


@pytest.mark.parametrize(
    ("number", "failure", "reason"),
    [
        (None, "sms_number_missing", "number_missing"),
        ("  ", "sms_number_missing", "number_missing"),
        ("hello", "sms_number_format", "number_unparseable"),
        ("+32000000000", "sms_number_format", "number_all_zeros"),
        ("+32123456789", "sms_number_format", "number_digit_run"),
        ("+3212", "sms_number_format", "number_invalid"),
    ],
)
def test_number_checks(number, failure, reason):
    verdict = one(Request(1, number, "hi"))
    assert (verdict.outcome, verdict.failure_type, verdict.reason) == (
        policy.BLOCK,
        failure,
        reason,
    )
    assert verdict.segments == 0, "a refused SMS costs nothing"


def test_checks_run_in_the_design_order():
    """Every fact at once; removing the deciding one reveals the next check."""
    facts = Facts(
        opted_out=frozenset({PAULA}),
        do_not_contact=frozenset({PAULA}),
        blocked=frozenset({PAULA}),
        landlines=frozenset({PAULA}),
        recent=frozenset({(PAULA, "x" * 1601)}),
    )
    request = Request(1, PAULA, "x" * 1601, partner_dnc=True)
    order = []
    for fact in ("opted_out", "do_not_contact", "blocked", "landlines", None):
        order.append(one(request, facts).failure_type)
        if fact:
            facts = dataclasses.replace(facts, **{fact: frozenset()})
        if fact == "do_not_contact":
            request = dataclasses.replace(request, partner_dnc=False)
    assert order == [
        "sms_blacklist",
        "sms_dnc",
        "sms_blocked",
        "sms_landline",
        "sms_too_long",
    ]


def test_do_not_contact_by_record_or_by_number():
    assert one(Request(1, PAULA, "hi", partner_dnc=True)).failure_type == "sms_dnc"
    facts = Facts(do_not_contact=frozenset({PAULA}))
    assert one(Request(1, PAULA, "hi"), facts).failure_type == "sms_dnc"


def test_blocked_and_landline():
    facts = Facts(blocked=frozenset({PAULA}))
    assert one(Request(1, PAULA, "hi"), facts).failure_type == "sms_blocked"
    facts = Facts(landlines=frozenset({PAULA}))
    assert one(Request(1, PAULA, "hi"), facts).failure_type == "sms_landline"


def test_too_long_uses_the_company_cap_and_says_the_limit():
    assert one(Request(1, PAULA, "x" * 1601)).failure_type == "sms_too_long"
    assert one(Request(1, PAULA, "x" * 1600)).sends
    rules = Rules(max_segments=2)
    assert one(Request(1, PAULA, "y" * 306), rules=rules).sends
    verdict = one(Request(1, PAULA, "y" * 307), rules=rules)
    assert verdict.failure_type == "sms_too_long"
    assert dict(verdict.reason_args) == {
        "chars": 307,
        "segments": 3,
        "max_segments": 2,
        "max_chars": 306,
    }


def test_max_characters_per_encoding():
    assert policy.max_characters("GSM-7", 10) == 1530
    assert policy.max_characters("UCS-2", 10) == 670
    assert policy.max_characters("GSM-7", 1) == 160
    assert policy.max_characters("UCS-2", 0) == 1600


def test_duplicates_within_the_batch_and_recent_ones_are_dropped():
    requests = [Request(1, PAULA, "hi"), Request(2, PAULA, "hi")]
    verdicts = decide(requests, Facts(), Rules(), NOW)
    assert verdicts[1].sends
    assert (verdicts[2].outcome, verdicts[2].failure_type) == (
        policy.DROP,
        "sms_duplicate",
    )
    recent = Facts(recent=frozenset({(PAULA, "hi")}))
    assert one(Request(3, PAULA, "hi"), recent).outcome == policy.DROP
    assert one(Request(4, PAULA, "other text"), recent).sends


def test_rate_limit_counts_per_author_in_order():
    rules = Rules(rate_limit=2)
    facts = Facts(rate_used={7: 1})
    numbers = ["+32470111111", "+32470222222", "+32470333333"]
    requests = [Request(i, n, "hi", author=7) for i, n in enumerate(numbers)]
    requests.append(Request("other", numbers[2], "hi there", author=8))
    verdicts = decide(requests, facts, rules, NOW)
    assert [verdicts[i].outcome for i in range(3)] == [
        policy.SEND,
        policy.BLOCK,
        policy.BLOCK,
    ]
    assert verdicts[1].reason == "rate_limit"
    assert dict(verdicts[1].reason_args) == {"limit": 2}
    assert verdicts["other"].sends, "another author has their own count"


def test_rate_limit_spares_marketing_and_automated():
    rules = Rules(rate_limit=1)
    facts = Facts(rate_used={7: 5})
    for kind in (policy.MARKETING, policy.AUTOMATED):
        assert one(Request(1, PAULA, "hi", kind=kind, author=7), facts, rules).sends


def test_quiet_hours_defer_marketing_in_the_recipients_zone():
    rules = Rules(quiet_hours=(9.0, 20.0))
    late = datetime(2026, 3, 2, 21, 30)  # 22:30 in Brussels
    verdict = one(Request(1, PAULA, "hi", kind=policy.MARKETING), rules=rules, now=late)
    assert verdict.outcome == policy.DEFER
    assert verdict.not_before == datetime(2026, 3, 3, 8, 0)  # 9:00 Brussels
    assert verdict.segments == 0
    interactive = one(Request(2, PAULA, "hi"), rules=rules, now=late)
    assert interactive.sends, "a person texting is never deferred"
    tz_verdict = one(
        Request(3, PAULA, "hi", kind=policy.AUTOMATED, timezone="America/New_York"),
        rules=rules,
        now=late,
    )
    assert tz_verdict.sends, "17:30 in New York, the contact's own zone"


def test_handed_or_under_review_is_never_sent_again():
    verdict = one(Request(1, PAULA, "hi", in_doubt=True))
    assert (verdict.failure_type, verdict.reason) == ("sms_review", "under_review")
    facts = Facts(under_review=frozenset({(42, PAULA)}))
    assert one(Request(2, PAULA, "hi", message=42), facts).failure_type == (
        "sms_review"
    )
    assert one(Request(3, PAULA, "hi", message=43), facts).sends


def test_smart_encoding_sends_what_it_counts():
    verdict = one(Request(1, PAULA, "It’s ok"), rules=Rules(smart_encoding=True))
    assert verdict.text == "It's ok"
    assert verdict.info.encoding == "GSM-7"


def test_every_reason_key_is_known():
    reasons = set()
    for number in (None, "hello", "+32000000000", "+32123456789", "+3212"):
        reasons.add(one(Request(1, number, "hi")).reason)
    assert reasons <= policy.REASON_KEYS
