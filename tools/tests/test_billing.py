# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from hypothesis import given
from hypothesis import strategies as st

from tools.billing import allowance, grant, overage_segments


def test_allowance_plans():
    # 500 included, 0.01 a segment over, at most 20 a month: 2,000 more.
    plan = allowance(500, 0, 0.01, 20.0)
    assert (plan.included_left, plan.total_left) == (500, 2500)
    plan = allowance(500, 600, 0.01, 20.0)
    assert (plan.included_left, plan.total_left) == (0, 1900)
    assert allowance(500, 3000, 0.01, 20.0).total_left == 0
    # 0.07 / 0.01 must not round down to 6 overage segments
    assert allowance(10, 0, 0.01, 0.07).total_left == 17


def test_no_quota_is_unlimited():
    plan = allowance(0, 123, 0.01, 20.0)
    assert plan.total_left is None and plan.included_left is None


def test_no_overage_price_means_hard_quota():
    assert allowance(100, 40, 0.0, 20.0).total_left == 60


def test_grant_in_order():
    assert grant(5, [2, 2, 2, 1]) == [True, True, False, True]
    assert grant(None, [100, 100]) == [True, True]
    assert grant(0, [1]) == [False]


def test_overage_segments():
    assert overage_segments(500, 499, 3) == 2
    assert overage_segments(500, 600, 3) == 3
    assert overage_segments(500, 10, 3) == 0
    assert overage_segments(0, 10, 3) == 0


@given(st.integers(0, 10**6), st.lists(st.integers(1, 20), max_size=50))
def test_grant_never_exceeds(total_left, segments):
    granted = grant(total_left, segments)
    assert sum(s for s, ok in zip(segments, granted, strict=True) if ok) <= total_left
