# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""AI drafting against a stand-in chat-completions server on loopback."""

import pytest

from tools import ai_draft
from tools.ai_stand_in import StandInServer


@pytest.fixture
def stand_in():
    server = StandInServer(reply='"Hi Paula, your order is ready!"', key="sk-test")
    server.start()
    yield server
    server.stop()


def test_draft_from_a_prompt(stand_in):
    text = ai_draft.request_draft(
        stand_in.url, "sk-test", "small-model", "order ready", 160, "Acme"
    )
    assert text == "Hi Paula, your order is ready!"  # quotes stripped
    sent = stand_in.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["authorization"] == "Bearer sk-test"
    assert sent["json"]["model"] == "small-model"
    system, user = sent["json"]["messages"]
    assert "at most 160 characters" in system["content"]
    assert "for Acme" in system["content"]
    assert user == {"role": "user", "content": "order ready"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.example.com/v1", "https://api.example.com/v1/chat/completions"),
        ("https://h/v1/", "https://h/v1/chat/completions"),
        ("https://h/v1/chat/completions", "https://h/v1/chat/completions"),
    ],
)
def test_endpoint(url, expected):
    assert ai_draft.endpoint(url) == expected


def test_refused_key(stand_in):
    with pytest.raises(ai_draft.DraftError) as error:
        ai_draft.request_draft(stand_in.url, "wrong", "m", "p", 160)
    assert (error.value.kind, error.value.status) == (ai_draft.REFUSED, 401)


def test_timeout(stand_in):
    stand_in.delay = 0.5
    with pytest.raises(ai_draft.DraftError) as error:
        ai_draft.request_draft(stand_in.url, "sk-test", "m", "p", 160, timeout=0.1)
    assert error.value.kind == ai_draft.TIMED_OUT


def test_unreachable():
    with pytest.raises(ai_draft.DraftError) as error:
        ai_draft.request_draft("http://127.0.0.1:9/v1", None, "m", "p", 160, timeout=2)
    assert error.value.kind == ai_draft.UNREACHABLE


@pytest.mark.parametrize(
    "data",
    [{}, {"choices": []}, {"choices": [{"message": {"content": "  "}}]}, None],
)
def test_empty_answers(data):
    with pytest.raises(ai_draft.DraftError) as error:
        ai_draft.parse(data)
    assert error.value.kind == ai_draft.EMPTY
