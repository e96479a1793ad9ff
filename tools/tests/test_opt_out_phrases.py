# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Probable opt-outs, the 10-business-day rule and Twilio's OptOutType."""

from datetime import date

import pytest

from tools import keywords
from tools.inbound import parse
from tools.opt_out_phrases import business_days_left, honour_by, is_probable_opt_out


@pytest.mark.parametrize(
    "body",
    [
        "please stop texting me",
        "Please STOP texting me!!",
        "Stop sending me these",
        "unsubscribe me",
        "Unsubscribe me please",
        "opt out",
        "I want to opt-out",
        "Remove me from your list",
        "take me off this list",
        "Don't text me again",
        "do not contact me",
        "No more texts please",
        "Stop please",
        "STOP NOW",
        "stop it",
        "Quit it",
        "leave me alone",
        "not interested, thanks",
        "Please stop texting me \u2019kay",
    ],
)
def test_probable_opt_outs(body):
    assert is_probable_opt_out(body)


@pytest.mark.parametrize(
    "body",
    [
        "STOP",  # a keyword: opted out automatically, not queued
        " stop! ",
        "UNSUBSCRIBE",
        "Thanks, see you Tuesday",
        "I'll stop by the shop tomorrow afternoon to pick up the order",
        "Can I cancel my appointment?",
        "Don't stop the reminders",
        "never stop",
        "What time does the sale end",
        "",
        None,
    ],
)
def test_ordinary_replies(body):
    assert not is_probable_opt_out(body)


def test_company_keywords_are_used():
    assert is_probable_opt_out("arret svp", opt_out=("STOP", "ARRET"))
    assert not is_probable_opt_out("ARRET", opt_out=("STOP", "ARRET"))


def test_ten_business_days():
    # Received on Monday 2 March 2026: two weekends skipped, Monday 16 March.
    assert honour_by(date(2026, 3, 2)) == date(2026, 3, 16)
    # Received on a Saturday: counting starts on Monday, ends Friday 13th.
    assert honour_by(date(2026, 2, 28)) == date(2026, 3, 13)
    deadline = date(2026, 3, 16)
    assert business_days_left(deadline, date(2026, 3, 2)) == 10
    assert business_days_left(deadline, date(2026, 3, 13)) == 1
    assert business_days_left(deadline, date(2026, 3, 14)) == 1  # Saturday
    assert business_days_left(deadline, deadline) == 0
    assert business_days_left(deadline, date(2026, 3, 18)) == -2


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("STOP", keywords.OPT_OUT),
        ("start", keywords.OPT_IN),
        (" HELP ", keywords.HELP),
        ("", None),
        (None, None),
        ("PAUSE", None),
    ],
)
def test_twilio_opt_out_type(value, kind):
    assert keywords.from_opt_out_type(value) == kind


def test_inbound_form_carries_the_opt_out_type():
    form = {"MessageSid": "SM" + "a" * 32, "Body": "Arrêt", "OptOutType": "STOP"}
    assert parse(form).opt_out_type == "STOP"
    assert parse({"Body": "hi"}).opt_out_type == ""
