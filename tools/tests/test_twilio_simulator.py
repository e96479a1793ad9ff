# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Twilio simulator, driven through the real twilio SDK wherever it has the
call, its JSON checked against Twilio's OpenAPI schemas (``oai/``)."""

import base64
import concurrent.futures
import json
import socket
import subprocess
import sys
import time
import urllib.request
from email.utils import parsedate_to_datetime
from pathlib import Path

import jsonschema
import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from tools.tests.oai_schemas import (
    assert_matches,
    error_schema,
    load_spec,
    lookup_schema,
    message_schema,
    response_examples,
)
from tools.twilio_client import get_client
from tools.twilio_simulator import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    Simulator,
    SimulatorServer,
    wait_until_up,
)

REPO = Path(__file__).resolve().parents[2]
AUTH = (DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN)
MESSAGES = f"/2010-04-01/Accounts/{DEFAULT_ACCOUNT_SID}/Messages.json"
SENDER = "+15005550006"  # Twilio's magic valid From
MOBILE_BE = "+32470123456"
LANDLINE_BE = "+3222345678"
SERVICE_SID = "MG" + "b" * 32

STATUS_CALLBACK_KEYS = {
    "AccountSid",
    "ApiVersion",
    "From",
    "MessageSid",
    "MessageStatus",
    "SmsSid",
    "SmsStatus",
    "To",
}


def test_schema_converter_accepts_twilios_own_examples():
    spec = load_spec("twilio_api_v2010.yaml")
    path = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
    for example in response_examples(spec, path, "post", "201"):
        jsonschema.validate(example, message_schema())
    spec = load_spec("twilio_lookups_v2.yaml")
    for example in response_examples(
        spec, "/v2/PhoneNumbers/{PhoneNumber}", "get", "200"
    ):
        jsonschema.validate(example, lookup_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"sid": "XX123", "status": "sent"}, message_schema())


# ------------------------------------------------------------------ messages


def test_create_and_fetch_message(twilio_sim, twilio_sdk):
    message = twilio_sdk.messages.create(
        to=MOBILE_BE,
        from_=SENDER,
        body="Hello from Odoo",
        status_callback="https://odoo.example.com/sms_twilio/status/abc",
    )
    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert message.status == "queued"
    assert message.num_segments == "1"
    assert message.direction == "outbound-api"
    assert message.price is None and message.price_unit == "USD"
    assert message.account_sid == DEFAULT_ACCOUNT_SID
    assert message.to == MOBILE_BE and message.from_ == SENDER

    fetched = twilio_sdk.messages(message.sid).fetch()
    assert fetched.sid == message.sid and fetched.body == "Hello from Odoo"

    recorded = twilio_sim.simulator.message(message.sid)
    assert recorded["request"]["StatusCallback"].endswith("/status/abc")
    assert recorded["request"]["Body"] == "Hello from Odoo"


def test_segments_follow_twilio_rules(twilio_sdk):
    def segments(body):
        return twilio_sdk.messages.create(
            to=MOBILE_BE, from_=SENDER, body=body
        ).num_segments

    assert segments("a" * 160) == "1"
    assert segments("a" * 161) == "2"
    assert segments("é" * 70 + "ł") == "2"  # one non-GSM character: UCS-2, 70/67
    assert segments("ł" * 70) == "1"


def test_unknown_message_is_20404(twilio_sdk):
    with pytest.raises(TwilioRestException) as caught:
        twilio_sdk.messages("SM" + "0" * 32).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)


def test_message_and_error_json_match_the_openapi_schemas(twilio_sim):
    url = twilio_sim.url + MESSAGES
    form = {"To": MOBILE_BE, "From": SENDER, "Body": "Schema check"}
    response = requests.post(url, data=form, auth=AUTH, timeout=5)
    assert response.status_code == 201
    created = response.json()
    assert_matches(created, message_schema())
    assert parsedate_to_datetime(created["date_created"]).tzinfo is not None
    assert created["date_sent"] is None and created["error_code"] is None
    assert created["subresource_uris"]["media"].endswith(f"{created['sid']}/Media.json")

    twilio_sim.simulator.advance_all()
    response = requests.get(twilio_sim.url + created["uri"], auth=AUTH, timeout=5)
    delivered = response.json()
    assert_matches(delivered, message_schema())
    assert delivered["status"] == "delivered" and delivered["price"] == "-0.00790"
    assert parsedate_to_datetime(delivered["date_sent"])

    response = requests.post(url, data={"To": MOBILE_BE, "From": SENDER}, auth=AUTH)
    assert response.status_code == 400
    assert_matches(response.json(), error_schema())
    assert response.json() == {
        "code": 21602,
        "message": "Message body is required.",
        "more_info": "https://www.twilio.com/docs/errors/21602",
        "status": 400,
    }


@pytest.mark.parametrize(
    "to, from_, code",
    [
        ("+15005550001", SENDER, 21211),
        ("+15005550002", SENDER, 21612),
        ("+15005550003", SENDER, 21408),
        ("+15005550004", SENDER, 21610),
        ("+15005550009", SENDER, 21614),
        (MOBILE_BE, "+15005550001", 21212),
        (MOBILE_BE, "+15005550007", 21606),
        (MOBILE_BE, "+15005550008", 21611),
    ],
)
def test_magic_numbers(twilio_sdk, to, from_, code):
    with pytest.raises(TwilioRestException) as caught:
        twilio_sdk.messages.create(to=to, from_=from_, body="magic")
    assert (caught.value.status, caught.value.code) == (400, code)


@pytest.mark.parametrize(
    "params, code",
    [
        ({"to": "", "from_": SENDER, "body": "x"}, 21604),
        ({"to": MOBILE_BE, "from_": SENDER}, 21602),
        ({"to": MOBILE_BE, "from_": SENDER, "body": ""}, 21602),
        ({"to": MOBILE_BE, "body": "x"}, 21603),
        ({"to": MOBILE_BE, "from_": SENDER, "body": "x" * 1601}, 21617),
        ({"to": MOBILE_BE, "from_": MOBILE_BE, "body": "x"}, 21266),
        ({"to": "+3212", "from_": SENDER, "body": "x"}, 21211),
        ({"to": "not a number", "from_": SENDER, "body": "x"}, 21211),
        ({"to": MOBILE_BE, "from_": "+32", "body": "x"}, 21212),
        ({"to": MOBILE_BE, "messaging_service_sid": "MG123", "body": "x"}, 21701),
        ({"to": MOBILE_BE, "from_": SENDER, "media_url": ["ftp://x/y.png"]}, 21620),
    ],
)
def test_validation_errors(twilio_sdk, params, code):
    with pytest.raises(TwilioRestException) as caught:
        twilio_sdk.messages.create(**params)
    assert (caught.value.status, caught.value.code) == (400, code)


def test_body_of_1600_characters_is_accepted(twilio_sdk):
    message = twilio_sdk.messages.create(to=MOBILE_BE, from_=SENDER, body="x" * 1600)
    assert message.num_segments == "11"


def test_alphanumeric_sender_and_mms(twilio_sim, twilio_sdk):
    message = twilio_sdk.messages.create(
        to=MOBILE_BE,
        from_="Odoo Shop",
        body="A picture",
        media_url=["https://example.com/a.png", "https://example.com/b.jpg"],
    )
    assert message.sid.startswith("MM")
    assert (message.num_media, message.num_segments) == ("2", "1")
    request = twilio_sim.simulator.message(message.sid)["request"]
    assert request["MediaUrl"] == [
        "https://example.com/a.png",
        "https://example.com/b.jpg",
    ]


def test_authentication_failures(twilio_sim):
    for sid, token in [
        (DEFAULT_ACCOUNT_SID, "wrong-token"),
        ("AC" + "0" * 32, DEFAULT_AUTH_TOKEN),
    ]:
        client = get_client(sid, token, twilio_sim.url)
        with pytest.raises(TwilioRestException) as caught:
            client.messages.create(to=MOBILE_BE, from_=SENDER, body="x")
        assert (caught.value.status, caught.value.code) == (401, 20003)
        with pytest.raises(TwilioRestException) as caught:
            client.lookups.v2.phone_numbers(MOBILE_BE).fetch()
        assert (caught.value.status, caught.value.code) == (401, 20003)

    response = requests.get(twilio_sim.url + MESSAGES.replace(".json", "/SMx.json"))
    assert response.status_code == 401
    assert_matches(response.json(), error_schema())
    assert response.json()["message"] == "Authenticate"


def test_credentials_open_only_their_own_account(twilio_sim):
    other_sid, other_token = "AC" + "1" * 32, "other-token"
    twilio_sim.simulator.add_account(other_sid, other_token)
    mine = get_client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, twilio_sim.url)
    message = mine.messages.create(to=MOBILE_BE, from_=SENDER, body="x")
    theirs = get_client(other_sid, other_token, twilio_sim.url)
    assert theirs.messages.create(to=MOBILE_BE, from_=SENDER, body="y").status
    with pytest.raises(TwilioRestException) as caught:
        theirs.messages(message.sid).fetch()
    assert caught.value.status == 404


def test_accept_any_account():
    simulator = Simulator(auto_progress=False, accept_any_account=True)
    with SimulatorServer(simulator=simulator) as server:
        sid = "AC" + "c" * 32
        client = get_client(sid, "first-token", server.url)
        assert client.messages.create(to=MOBILE_BE, from_=SENDER, body="x").sid
        assert simulator.auth_token(sid) == "first-token"
        with pytest.raises(TwilioRestException) as caught:
            get_client(sid, "another-token", server.url).messages.create(
                to=MOBILE_BE, from_=SENDER, body="x"
            )
        assert caught.value.code == 20003


# --------------------------------------------------- statuses and callbacks


def _assert_signed(request, token=DEFAULT_AUTH_TOKEN):
    signature = request["headers"]["X-Twilio-Signature"]
    assert RequestValidator(token).validate(request["url"], request["form"], signature)
    assert not RequestValidator("forged").validate(
        request["url"], request["form"], signature
    )


def test_status_progression_sends_signed_callbacks(
    twilio_sim, twilio_sdk, webhook_receiver
):
    callback = webhook_receiver.url + "/sms_twilio/status/" + "a" * 32
    message = twilio_sdk.messages.create(
        to=MOBILE_BE, from_=SENDER, body="Progress", status_callback=callback
    )
    simulator = twilio_sim.simulator
    assert simulator.advance(message.sid) == "sent"
    sent = twilio_sdk.messages(message.sid).fetch()
    assert sent.status == "sent" and sent.date_sent is not None and sent.price is None
    assert simulator.advance(message.sid) == "delivered"
    assert simulator.advance(message.sid) == "delivered"  # final: no more steps

    received = webhook_receiver.wait_for(2)
    assert [r["form"]["MessageStatus"] for r in received] == ["sent", "delivered"]
    for request in received:
        _assert_signed(request)
        assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
        form = request["form"]
        assert form["MessageSid"] == form["SmsSid"] == message.sid
        assert form["SmsStatus"] == form["MessageStatus"]
        assert (form["To"], form["From"]) == (MOBILE_BE, SENDER)
        assert form["AccountSid"] == DEFAULT_ACCOUNT_SID
        assert form["ApiVersion"] == "2010-04-01"
    assert set(received[0]["form"]) == STATUS_CALLBACK_KEYS
    assert set(received[1]["form"]) == STATUS_CALLBACK_KEYS | {"RawDlrDoneDate"}
    assert len(received[1]["form"]["RawDlrDoneDate"]) == 10  # YYMMDDhhmm

    delivered = twilio_sdk.messages(message.sid).fetch()
    assert delivered.status == "delivered" and delivered.price == "-0.00790"
    assert simulator.wait_callbacks(5)
    assert [entry["status_code"] for entry in simulator.callback_log] == [200, 200]


def test_fate_rule_undelivered(twilio_sim, twilio_sdk, webhook_receiver):
    twilio_sim.simulator.set_fate(MOBILE_BE, "undelivered", 30003)
    message = twilio_sdk.messages.create(
        to=MOBILE_BE,
        from_=SENDER,
        body="x" * 161,  # two segments
        status_callback=webhook_receiver.url + "/status",
    )
    assert twilio_sim.simulator.advance_all() == 1
    final = twilio_sdk.messages(message.sid).fetch()
    assert final.status == "undelivered"
    assert final.error_code == 30003 and final.error_message
    assert final.price == "-0.01580"

    received = webhook_receiver.wait_for(2)
    assert [r["form"]["MessageStatus"] for r in received] == ["sent", "undelivered"]
    assert received[1]["form"]["ErrorCode"] == "30003"
    assert received[1]["form"]["ErrorMessage"] == "Unreachable destination handset"
    _assert_signed(received[1])


def test_fate_rule_failed_and_prefix(twilio_sim, twilio_sdk):
    twilio_sim.simulator.set_fate("+3247*", "failed")
    failed = twilio_sdk.messages.create(to=MOBILE_BE, from_=SENDER, body="x")
    other = twilio_sdk.messages.create(to="+32485123456", from_=SENDER, body="x")
    twilio_sim.simulator.advance(failed.sid, steps=5)
    twilio_sim.simulator.advance(other.sid, steps=5)
    failed = twilio_sdk.messages(failed.sid).fetch()
    assert (failed.status, failed.error_code) == ("failed", 30008)
    assert failed.price is None  # Twilio does not bill failed messages
    assert twilio_sim.simulator.message(failed.sid)["callbacks"] == []
    assert twilio_sdk.messages(other.sid).fetch().status == "delivered"


def test_messaging_service(twilio_sim, twilio_sdk, webhook_receiver):
    message = twilio_sdk.messages.create(
        to=MOBILE_BE,
        messaging_service_sid=SERVICE_SID,
        body="Through a service",
        status_callback=webhook_receiver.url + "/status",
    )
    assert message.status == "accepted"
    assert message.from_ is None and message.num_segments == "0"
    assert message.messaging_service_sid == SERVICE_SID
    twilio_sim.simulator.advance(message.sid)
    queued = twilio_sdk.messages(message.sid).fetch()
    assert queued.status == "queued" and queued.from_ and queued.num_segments == "1"
    twilio_sim.simulator.advance_all()
    received = webhook_receiver.wait_for(3)
    assert [r["form"]["MessageStatus"] for r in received] == [
        "queued",
        "sent",
        "delivered",
    ]
    assert received[0]["form"]["MessagingServiceSid"] == SERVICE_SID


def test_auto_progress(webhook_receiver):
    simulator = Simulator(delays=(0.05, 0.1))
    with SimulatorServer(simulator=simulator) as server:
        client = get_client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, server.url)
        message = client.messages.create(
            to=MOBILE_BE,
            from_=SENDER,
            body="auto",
            status_callback=webhook_receiver.url + "/cb",
        )
        received = webhook_receiver.wait_for(2, timeout=5)
        assert [r["form"]["MessageStatus"] for r in received] == ["sent", "delivered"]
        assert client.messages(message.sid).fetch().status == "delivered"


def test_callback_failures_are_bounded_and_logged(twilio_sdk, twilio_sim):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{closed.getsockname()[1]}/cb"
    simulator = twilio_sim.simulator
    simulator.webhooks.backoff = 0.01
    message = twilio_sdk.messages.create(
        to=MOBILE_BE, from_=SENDER, body="x", status_callback=dead_url
    )
    simulator.advance_all()
    assert simulator.wait_callbacks(10)
    log = simulator.callback_log
    assert [entry["attempts"] for entry in log] == [3, 3]
    assert all(entry["error"] and entry["status_code"] is None for entry in log)
    assert twilio_sdk.messages(message.sid).fetch().status == "delivered"


def test_callback_retries_server_errors_only(twilio_sdk, twilio_sim, webhook_receiver):
    simulator = twilio_sim.simulator
    simulator.webhooks.backoff = 0.01
    webhook_receiver.status = 500
    twilio_sdk.messages.create(
        to=MOBILE_BE, from_=SENDER, body="x", status_callback=webhook_receiver.url
    )
    simulator.advance(simulator.list_messages()[0]["sid"])
    assert simulator.wait_callbacks(5)
    assert len(webhook_receiver.requests) == 3
    webhook_receiver.status = 404
    simulator.advance(simulator.list_messages()[0]["sid"])
    assert simulator.wait_callbacks(5)
    assert len(webhook_receiver.requests) == 4


# -------------------------------------------------------- faults and latency


def test_error_faults(twilio_sim, twilio_sdk):
    simulator = twilio_sim.simulator
    simulator.add_fault("429", count=2, scope="messages")
    simulator.add_fault("500", scope="lookup")
    for _attempt in range(2):
        with pytest.raises(TwilioRestException) as caught:
            twilio_sdk.messages.create(to=MOBILE_BE, from_=SENDER, body="x")
        assert (caught.value.status, caught.value.code) == (429, 20429)
    with pytest.raises(TwilioRestException) as caught:
        twilio_sdk.lookups.v2.phone_numbers(MOBILE_BE).fetch()
    assert (caught.value.status, caught.value.code) == (500, 20500)
    assert twilio_sdk.messages.create(to=MOBILE_BE, from_=SENDER, body="x").sid
    assert twilio_sdk.lookups.v2.phone_numbers(MOBILE_BE).fetch().valid
    assert not simulator.faults


def test_slow_answer_times_out_quickly(twilio_sim):
    twilio_sim.simulator.add_fault("slow", seconds=5)
    client = get_client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, twilio_sim.url, 0.5)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.Timeout):
        client.messages.create(to=MOBILE_BE, from_=SENDER, body="x")
    assert time.monotonic() - started < 2


def test_dropped_connection_raises(twilio_sim, twilio_sdk):
    twilio_sim.simulator.add_fault("drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        twilio_sdk.messages.create(to=MOBILE_BE, from_=SENDER, body="x")
    assert twilio_sdk.messages.create(to=MOBILE_BE, from_=SENDER, body="x").sid


def test_latency(twilio_sim, twilio_sdk):
    twilio_sim.simulator.set_latency(200)
    started = time.monotonic()
    twilio_sdk.lookups.v2.phone_numbers(MOBILE_BE).fetch()
    assert time.monotonic() - started >= 0.2


def test_latency_is_per_request_with_many_connections_at_once(twilio_sim):
    """64 clients connecting at once are all answered after the latency, side
    by side (a benchmark's requests in flight), none refused or serialised."""
    twilio_sim.simulator.set_latency(200)
    token = base64.b64encode(":".join(AUTH).encode()).decode()

    def lookup(_index):
        request = urllib.request.Request(
            f"{twilio_sim.url}/v2/PhoneNumbers/{MOBILE_BE}",
            headers={"Authorization": f"Basic {token}", "Connection": "close"},
        )
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
            request, timeout=5
        ) as response:
            return response.status

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(64) as pool:
        statuses = list(pool.map(lookup, range(64)))
    assert statuses == [200] * 64
    assert 0.2 <= time.monotonic() - started < 2
    assert twilio_sim._httpd.request_queue_size >= 64


# ------------------------------------------------------------------- inbound


def test_inbound_sms_is_signed(twilio_sim, webhook_receiver):
    url = webhook_receiver.url + "/sms_twilio_gateway/inbound?company=1"
    status, text = twilio_sim.simulator.inject_inbound(
        "+32470000001", "+32460000000", "STOP", url=url
    )
    assert (status, text) == (200, "OK")
    (request,) = webhook_receiver.wait_for(1)
    assert request["path"] == "/sms_twilio_gateway/inbound?company=1"
    _assert_signed(request)
    form = request["form"]
    assert form["MessageSid"].startswith("SM")
    assert form["MessageSid"] == form["SmsSid"] == form["SmsMessageSid"]
    assert (form["From"], form["To"], form["Body"]) == (
        "+32470000001",
        "+32460000000",
        "STOP",
    )
    assert form["SmsStatus"] == "received" and form["AccountSid"] == DEFAULT_ACCOUNT_SID
    assert (form["NumMedia"], form["NumSegments"]) == ("0", "1")
    assert form["FromCountry"] == form["ToCountry"] == "BE"
    assert form["ApiVersion"] == "2010-04-01"
    assert "MessagingServiceSid" not in form

    inbound = twilio_sim.simulator.list_messages(direction="inbound")
    assert [m["sid"] for m in inbound] == [form["MessageSid"]]


def test_inbound_mms_with_service(twilio_sim, webhook_receiver):
    twilio_sim.simulator.inbound_url = webhook_receiver.url + "/inbound"
    twilio_sim.simulator.inject_inbound(
        "+14155552671",
        "+32460000000",
        "",
        media_urls=[
            "https://api.twilio.com/media/ME1.jpg",
            ("https://api.twilio.com/media/ME2", "video/mp4"),
        ],
        messaging_service_sid=SERVICE_SID,
    )
    (request,) = webhook_receiver.wait_for(1)
    _assert_signed(request)
    form = request["form"]
    assert form["MessageSid"].startswith("MM") and form["NumMedia"] == "2"
    assert form["MediaUrl0"] == "https://api.twilio.com/media/ME1.jpg"
    assert form["MediaContentType0"] == "image/jpeg"
    assert (form["MediaUrl1"], form["MediaContentType1"]) == (
        "https://api.twilio.com/media/ME2",
        "video/mp4",
    )
    assert form["MessagingServiceSid"] == SERVICE_SID
    assert (form["FromCountry"], form["ToCountry"]) == ("US", "BE")


def test_inbound_twiml_reply_is_sent(twilio_sim, webhook_receiver):
    reply = MessagingResponse()
    reply.message("You are unsubscribed. Reply START to resubscribe.")
    webhook_receiver.body = str(reply)
    webhook_receiver.content_type = "text/xml"
    status, _text = twilio_sim.simulator.inject_inbound(
        "+32470000001", "+32460000000", "STOP", url=webhook_receiver.url
    )
    assert status == 200
    (sent,) = twilio_sim.simulator.list_messages(direction="outbound-reply")
    assert (sent["to"], sent["from"]) == ("+32470000001", "+32460000000")
    assert sent["body"].startswith("You are unsubscribed")


def test_inbound_forged_account_fails_signature(twilio_sim, webhook_receiver):
    other_sid = "AC" + "2" * 32
    twilio_sim.simulator.add_account(other_sid, "other-token")
    twilio_sim.simulator.inject_inbound(
        "+32470000001",
        "+32460000000",
        "hi",
        url=webhook_receiver.url,
        account_sid=other_sid,
    )
    (request,) = webhook_receiver.wait_for(1)
    _assert_signed(request, "other-token")
    assert not RequestValidator(DEFAULT_AUTH_TOKEN).validate(
        request["url"], request["form"], request["headers"]["X-Twilio-Signature"]
    )


# --------------------------------------------------------------- control API


def test_control_api(twilio_sim, webhook_receiver):
    base = twilio_sim.url + "/_sim"
    session = requests.Session()

    def call(method, path, payload=None, expect=200):
        response = session.request(method, base + path, json=payload, timeout=5)
        assert response.status_code == expect, response.text
        return response.json()

    assert call("GET", "/health") == {"status": "ok"}
    call("POST", "/accounts", {"account_sid": "AC" + "3" * 32, "auth_token": "t3"})
    call("POST", "/fates", {"number": MOBILE_BE, "status": "undelivered"})
    assert call("GET", "/fates")["fates"][MOBILE_BE]["error_code"] == 30003
    call("POST", "/line_types", {"number": MOBILE_BE, "line_type": "landline"})
    call("POST", "/faults", {"kind": "503", "count": 1, "scope": "lookup"})
    assert call("GET", "/faults")["faults"][0]["kind"] == "503"
    call("POST", "/settings", {"latency_ms": 0, "inbound_url": webhook_receiver.url})
    assert call("GET", "/settings")["inbound_url"] == webhook_receiver.url
    call("POST", "/settings", {"colour": "blue"}, expect=400)
    call("POST", "/fates", {"number": MOBILE_BE, "status": "lost"}, expect=400)
    call("POST", "/faults", {"kind": "boom"}, expect=400)
    call("GET", "/nothing", expect=404)

    client = get_client("AC" + "3" * 32, "t3", twilio_sim.url)
    with pytest.raises(TwilioRestException) as caught:
        client.lookups.v2.phone_numbers(MOBILE_BE).fetch()
    assert caught.value.status == 503
    line = client.lookups.v2.phone_numbers(MOBILE_BE).fetch(
        fields="line_type_intelligence"
    )
    assert line.line_type_intelligence["type"] == "landline"
    assert call("GET", "/lookups")["lookups"] == {MOBILE_BE: 1}

    message = client.messages.create(to=MOBILE_BE, from_=SENDER, body="ctl")
    (listed,) = call("GET", "/messages")["messages"]
    assert listed["sid"] == message.sid and listed["request"]["Body"] == "ctl"
    to_query = "/messages?to=" + MOBILE_BE.replace("+", "%2B")
    assert call("GET", to_query)["messages"][0]["sid"] == message.sid
    assert call("POST", f"/messages/{message.sid}/advance")["status"] == "sent"
    assert call("POST", "/advance", {"final": True}) == {"moved": 1}
    assert call("GET", f"/messages/{message.sid}")["status"] == "undelivered"
    call("GET", "/messages/SMnope", expect=404)

    answer = call("POST", "/inbound", {"from": MOBILE_BE, "to": SENDER, "body": "hi"})
    assert answer["status_code"] == 200 and answer["message_sid"].startswith("SM")
    assert webhook_receiver.wait_for(1)[0]["form"]["Body"] == "hi"
    assert call("GET", "/requests")["requests"]
    assert call("GET", "/callbacks") == {"callbacks": []}  # no StatusCallback given

    call("POST", "/reset")
    assert call("GET", "/messages")["messages"] == []
    assert call("GET", "/fates")["fates"] == {}
    assert client.messages.create(to=MOBILE_BE, from_=SENDER, body="again").sid


# ----------------------------------------------------------------------- CLI


def _run_cli(*args, timeout=20):
    return subprocess.run(
        [sys.executable, "-m", "tools.twilio_simulator", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_cli_inject(webhook_receiver):
    url = webhook_receiver.url + "/sms_twilio_gateway/inbound"
    result = _run_cli(
        "inject",
        "--url",
        url,
        "--from",
        "+32470000001",
        "--to",
        "+32460000000",
        "--body",
        "STOP",
        "--media",
        "https://example.com/photo.png",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("200")
    (request,) = webhook_receiver.wait_for(1)
    _assert_signed(request)
    assert request["form"]["Body"] == "STOP"
    assert request["form"]["MediaContentType0"] == "image/png"

    webhook_receiver.status = 403
    result = _run_cli(
        *("inject", "--url", url, "--from", "+32470000001", "--to", "+32460000000"),
        *("--account-sid", "AC" + "4" * 32, "--auth-token", "cli-token"),
    )
    assert result.returncode == 1 and result.stdout.startswith("403")
    _assert_signed(webhook_receiver.wait_for(2)[1], "cli-token")


def test_cli_serve(webhook_receiver):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "tools.twilio_simulator", "serve"),
            *("--port", str(port), "--no-auto-progress", "--latency-ms", "1"),
            *("--fate", f"{MOBILE_BE}=undelivered:30005"),
            *("--line-type", f"{MOBILE_BE}=landline"),
            *("--account", f"{'AC' + '5' * 32}:cli-serve-token"),
            *("--inbound-url", webhook_receiver.url + "/in"),
            *("--fault", "429:1:lookup"),
        ],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_until_up(url, timeout=10)
        client = get_client("AC" + "5" * 32, "cli-serve-token", url)
        message = client.messages.create(to=MOBILE_BE, from_=SENDER, body="cli")
        with pytest.raises(TwilioRestException) as caught:
            client.lookups.v2.phone_numbers(MOBILE_BE).fetch()
        assert caught.value.status == 429
        line = client.lookups.v2.phone_numbers(MOBILE_BE).fetch(
            fields="line_type_intelligence"
        )
        assert line.line_type_intelligence["type"] == "landline"
        requests.post(url + "/_sim/advance", json={}, timeout=5)
        final = client.messages(message.sid).fetch()
        assert (final.status, final.error_code) == ("undelivered", 30005)
        answer = requests.post(
            url + "/_sim/inbound",
            json={"from": MOBILE_BE, "to": SENDER, "body": "via serve"},
            timeout=5,
        ).json()
        assert answer["status_code"] == 200
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Messages.json" in err  # one log line per request


def test_cli_rejects_bad_arguments():
    result = _run_cli("serve", "--fate", "+32470000000=lost")
    assert result.returncode == 2 and "status must be one of" in result.stderr


def test_json_error_body_on_unknown_route(twilio_sim):
    response = requests.get(twilio_sim.url + "/2010-04-01/Nothing.json", auth=AUTH)
    assert response.status_code == 404
    assert json.loads(response.text)["code"] == 20404
