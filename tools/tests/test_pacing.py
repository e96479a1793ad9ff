# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

import pytest

from tools import pacing

NOW = datetime(2026, 11, 24, 12, 0, 0)


@pytest.mark.parametrize(
    "sender,kind,mps",
    [
        ("+12025550123", "long_code_nanp", 1),
        ("+18005550123", "toll_free", 3),
        ("+18885550123", "toll_free", 3),
        ("+3228080000", "long_code", 10),
        ("12345", "short_code", 100),
        ("MGARAGE", "alphanumeric", 10),
        ("MG" + "0" * 32, "messaging_service", 10),
    ],
)
def test_default_throughput_by_sender_kind(sender, kind, mps):
    assert pacing.sender_kind(sender) == kind
    assert pacing.default_mps(sender) == mps


def test_an_idle_sender_takes_the_window_at_once():
    # 10 minutes at 1 segment/s: 600 SMS of one segment go now.
    accepted, next_at = pacing.pace(0, NOW, [1] * 1000, 1)
    assert accepted == 600
    assert next_at == NOW + timedelta(seconds=1)


def test_all_go_when_they_fit():
    assert pacing.pace(0, NOW, [1, 2, 3], 10) == (3, None)


def test_segments_count_not_messages():
    # 3-segment SMS at 3 MPS: 600 of them fill the 10 minutes.
    accepted, _next = pacing.pace(0, NOW, [3] * 700, 3)
    assert accepted == 600


def test_a_busy_sender_waits_for_room():
    accepted, next_at = pacing.pace(600, NOW, [1, 1], 1)
    assert accepted == 0
    assert next_at == NOW + timedelta(seconds=1)
    # 60 segments left the window: 60 more go.
    accepted, next_at = pacing.pace(540, NOW, [1] * 100, 1)
    assert accepted == 60
    # A 5-segment SMS waits for 5 seconds of room.
    assert pacing.pace(600, NOW, [5], 1) == (0, NOW + timedelta(seconds=5))


def test_an_sms_bigger_than_the_window_still_goes_on_an_idle_sender():
    assert pacing.pace(0, NOW, [10], 0.01) == (1, None)
    accepted, _next = pacing.pace(1, NOW, [10], 0.01)
    assert accepted == 0


def test_throughput_must_be_positive():
    with pytest.raises(ValueError):
        pacing.pace(0, NOW, [1], 0)
