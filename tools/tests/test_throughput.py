# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sender rates and the finish time of a list send."""

from datetime import datetime

import pytest

from tools import throughput

NOW = datetime(2026, 3, 2, 15, 0)


@pytest.mark.parametrize(
    ("sender", "kind", "rate"),
    [
        ("+14155550100", throughput.LONG_CODE, 1),
        ("+18885550100", throughput.TOLL_FREE, 3),
        ("+3228080000", throughput.INTERNATIONAL, 10),
        ("12345", throughput.SHORT_CODE, 100),
        ("MG" + "a" * 32, throughput.MESSAGING_SERVICE, 10),
        ("Acme", throughput.ALPHANUMERIC, 10),
    ],
)
def test_sender_kinds_and_rates(sender, kind, rate):
    assert throughput.sender_kind(sender) == kind
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
