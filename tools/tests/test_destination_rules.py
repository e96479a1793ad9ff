# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Destination rules of the decision: allowed countries and the daily cap."""

from datetime import datetime

from tools import policy
from tools.policy import Facts, Request, Rules, decide

NOW = datetime(2026, 3, 2, 17, 0)  # a Monday, noon in New York
US = "+12125550123"
CA = "+14165550123"
BE = "+32470123456"
US_CA = frozenset({"US", "CA"})


NO_FACTS, NO_RULES = Facts(), Rules()


def verdicts(requests, facts=NO_FACTS, rules=NO_RULES):
    result = decide(requests, facts, rules, NOW)
    return [result[request.key] for request in requests]


def test_countries_allowed_and_refused():
    requests = [Request(1, US, "hi"), Request(2, CA, "hi"), Request(3, BE, "hi")]
    us, ca, be = verdicts(requests, rules=Rules(countries=US_CA))
    assert us.sends and ca.sends
    assert (be.outcome, be.failure_type, be.reason) == (
        policy.BLOCK,
        "sms_country",
        "country",
    )
    assert dict(be.reason_args) == {"country": "BE"}
    assert be.segments == 0


def test_no_allowed_countries_means_all():
    assert all(v.sends for v in verdicts([Request(1, BE, "hi")]))


def test_country_comes_after_the_rate_limit_and_before_quiet_hours():
    rules = Rules(countries=US_CA, rate_limit=1, quiet_hours=(9, 10))
    requests = [Request(1, BE, "a", author=7), Request(2, BE, "b", author=7)]
    first, second = verdicts(requests, rules=rules)
    assert first.failure_type == "sms_country"
    assert second.failure_type == "sms_rate_limit"
    # A marketing SMS abroad is refused, not deferred to a window it never gets.
    marketing = Request(3, BE, "c", kind=policy.MARKETING, timezone="Europe/Brussels")
    assert verdicts([marketing], rules=rules)[0].failure_type == "sms_country"


def test_daily_cap_counts_what_was_sent_today_and_the_batch_in_order():
    requests = [Request(n, f"+1212555010{n}", "hi") for n in range(1, 5)]
    results = verdicts(requests, Facts(daily_used=8), Rules(daily_cap=10))
    assert [v.outcome for v in results] == [policy.SEND] * 2 + [policy.BLOCK] * 2
    refused = results[2]
    assert (refused.failure_type, refused.reason) == ("sms_daily_cap", "daily_cap")
    assert dict(refused.reason_args) == {"cap": 10}


def test_daily_cap_reached_refuses_every_kind():
    for kind in (policy.INTERACTIVE, policy.MARKETING, policy.AUTOMATED):
        request = Request(1, US, "hi", kind=kind, timezone="America/New_York")
        verdict = verdicts([request], Facts(daily_used=5), Rules(daily_cap=5))[0]
        assert verdict.failure_type == "sms_daily_cap", kind


def test_refused_and_deferred_sms_do_not_use_the_daily_cap():
    rules = Rules(daily_cap=1, quiet_hours=(20, 21), countries=US_CA)
    requests = [
        Request(1, BE, "abroad"),
        Request(2, US, "later", kind=policy.MARKETING, timezone="America/New_York"),
        Request(3, US, "now"),
        Request(4, CA, "over"),
    ]
    results = verdicts(requests, rules=rules)
    assert [v.outcome for v in results] == [
        policy.BLOCK,
        policy.DEFER,
        policy.SEND,
        policy.BLOCK,
    ]
    assert results[3].failure_type == "sms_daily_cap"


def test_no_daily_cap_means_none():
    assert verdicts([Request(1, US, "hi")], Facts(daily_used=10**6))[0].sends


def test_the_day_begins_at_midnight_of_the_company_zone():
    # 02:00 UTC on 2 March is still 1 March in New York (EST, UTC-5).
    start = policy.day_start(datetime(2026, 3, 2, 2, 0), "America/New_York")
    assert start == datetime(2026, 3, 1, 5, 0)
    # The day DST starts, midnight is still EST.
    start = policy.day_start(datetime(2026, 3, 8, 20, 0), "America/New_York")
    assert start == datetime(2026, 3, 8, 5, 0)
    assert policy.day_start(datetime(2026, 3, 2, 2, 0), None) == datetime(2026, 3, 2)
