# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sender rates and the finish time of a list send."""

from datetime import datetime

import pytest

from tools import throughput

NOW = datetime(2026, 3, 2, 15, 0)


@pytest.mark.parametrize(
    ("sender", "rate"),
    [
        ("+14155550100", 1),  # a US long code
        ("+18885550100", 3),  # toll-free
        ("+3228080000", 10),  # outside +1
        ("12345", 100),  # a short code
        ("MG" + "a" * 32, 10),
        ("Acme", 10),
    ],
)
def test_default_rates(sender, rate):
    assert throughput.segments_per_second(sender) == rate


def test_a_configured_rate_wins():
    assert throughput.segments_per_second("+14155550100", configured=4) == 4


def test_finish_time_at_the_sender_rate():
    releases = [(None, 2)] * 30  # 60 segments
    assert throughput.finish_time(NOW, releases, 1) == datetime(2026, 3, 2, 15, 1)
    assert throughput.finish_time(NOW, releases, 100) == datetime(
        2026, 3, 2, 15, 0, 0, 600000
    )
    assert throughput.finish_time(NOW, [], 1) == NOW


def test_quiet_hours_hold_some_back():
    # Ten now, ten when their morning begins at 17:00 UTC.
    later = datetime(2026, 3, 2, 17, 0)
    releases = [(later, 1)] * 10 + [(None, 1)] * 10
    assert throughput.finish_time(NOW, releases, 1) == datetime(2026, 3, 2, 17, 0, 10)
