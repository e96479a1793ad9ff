# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reading Twilio's inbound form: odd values never raise."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools.inbound import MAX_MEDIA, media, media_count, message_sid, parse

SID = "SM" + "0123456789abcdef" * 2


@pytest.mark.parametrize(
    ("value", "count"),
    [
        ("0", 0),
        ("1", 1),
        (" 3 ", 3),
        ("10", 10),
        ("11", 10),
        ("999", 10),
        ("99999999999999999999", 10),
        ("1" * 5000, 10),
        ("abc", MAX_MEDIA),
        ("1e9", MAX_MEDIA),
        ("-1", MAX_MEDIA),
        ("٣", MAX_MEDIA),  # a digit, but not an ASCII one
        ("", MAX_MEDIA),
        (None, MAX_MEDIA),
    ],
)
def test_media_count(value, count):
    assert media_count(value) == count


@given(st.one_of(st.none(), st.text()))
def test_media_count_never_raises(value):
    assert 0 <= media_count(value) <= MAX_MEDIA


def test_media_keeps_present_web_links_only():
    form = {
        "NumMedia": "1e9",
        "MediaUrl0": "https://m.example.com/0.jpg",
        "MediaContentType0": "image/jpeg",
        "MediaUrl1": "javascript:alert(1)",
        "MediaUrl3": " HTTP://m.example.com/3.png ",
        "MediaUrl10": "https://m.example.com/10.jpg",  # over Twilio's maximum
    }
    assert media(form) == (
        ("https://m.example.com/0.jpg", "image/jpeg"),
        ("HTTP://m.example.com/3.png", None),
    )
    assert media(dict(form, NumMedia="1")) == (
        ("https://m.example.com/0.jpg", "image/jpeg"),
    )
    assert media(dict(form, NumMedia="0")) == ()


@pytest.mark.parametrize(
    ("form", "sid"),
    [
        ({"MessageSid": SID, "SmsSid": "SMother"}, SID),
        ({"SmsMessageSid": SID}, SID),
        ({"SmsSid": SID}, SID),
        ({"MessageSid": " ", "SmsSid": SID}, SID),
        ({}, None),
        ({"MessageSid": ""}, None),
        ({"MessageSid": "SM 1"}, None),
        ({"MessageSid": "S" * 65}, None),
    ],
)
def test_message_sid(form, sid):
    assert message_sid(form) == sid


def test_parse_missing_fields():
    message = parse({})
    assert (message.sid, message.sender, message.to, message.body, message.media) == (
        None,
        "",
        "",
        "",
        (),
    )


def test_parse_full_form():
    message = parse(
        {
            "MessageSid": SID,
            "From": " +32470123456 ",
            "To": "+3228080000",
            "Body": " Hello ",
            "NumMedia": "0",
        }
    )
    assert message.sid == SID
    assert message.sender == "+32470123456"
    assert message.to == "+3228080000"
    assert message.body == " Hello ", "the body as sent"
    assert parse({"From": "x" * 500}).sender == "x" * 64
