# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Twilio client factory: the SDK's own calls, sent to the simulator."""

import socket
import threading

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.rest.api.v2010.account.message import MessageInstance

from tools import twilio_client
from tools.twilio_client import (
    SANDBOX_HOST_HEADER,
    TWILIO_TIMEOUT,
    SandboxHttpClient,
    get_client,
    get_http_client,
    get_request_validator,
)
from tools.twilio_simulator import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN
from tools.twilio_simulator.webhooks import sign

MOBILE = "+32470123456"
SENDER = "+15005550006"


@pytest.fixture
def no_internet(monkeypatch):
    """Fail any name resolution but loopback's, and record what was asked."""
    resolved = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        resolved.append(host)
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise socket.gaierror(f"test: no network for {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return resolved


def test_sandbox_client_sends_messages(twilio_sim, no_internet):
    client = get_client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, twilio_sim.url)
    assert isinstance(client, Client)
    message = client.messages.create(
        to=MOBILE,
        from_=SENDER,
        body="Hi",
        status_callback="https://odoo.example.com/sms_twilio/status/x",
    )
    assert isinstance(message, MessageInstance)
    assert message.sid.startswith("SM") and message.status == "queued"
    assert message.num_segments == "1"
    request = twilio_sim.simulator.message(message.sid)["request"]
    assert request == {
        "To": MOBILE,
        "From": SENDER,
        "Body": "Hi",
        "StatusCallback": "https://odoo.example.com/sms_twilio/status/x",
    }
    assert set(no_internet) <= {"127.0.0.1"}


def test_sandbox_client_looks_numbers_up(twilio_sim, no_internet):
    client = get_client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, twilio_sim.url)
    number = client.lookups.v2.phone_numbers(MOBILE).fetch(
        fields="line_type_intelligence"
    )
    assert number.valid and number.phone_number == MOBILE
    assert number.line_type_intelligence["type"] == "mobile"
    (request,) = twilio_sim.simulator.requests
    assert request["host"] == "lookups.twilio.com"
    assert request["path"] == f"/v2/PhoneNumbers/{MOBILE}"
    assert set(no_internet) <= {"127.0.0.1"}


def test_bad_credentials(twilio_sim):
    client = get_client(DEFAULT_ACCOUNT_SID, "not-the-token", twilio_sim.url)
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=MOBILE, from_=SENDER, body="x")
    assert (caught.value.code, caught.value.status) == (20003, 401)


def test_url_rewrite_keeps_path_query_and_host():
    http_client = SandboxHttpClient("http://127.0.0.1:8899/twilio/")
    target, host = http_client.rewrite_url(
        "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=5"
    )
    base = "http://127.0.0.1:8899/twilio"
    assert target == base + "/2010-04-01/Accounts/AC1/Messages.json?PageSize=5"
    assert host == "api.twilio.com"
    target, host = http_client.rewrite_url(
        "https://lookups.dublin.ie1.twilio.com/v2/PhoneNumbers/+3247"
    )
    assert target == base + "/v2/PhoneNumbers/+3247"
    assert host == "lookups.dublin.ie1.twilio.com"
    with pytest.raises(ValueError):
        SandboxHttpClient("localhost:8899")


def test_sandbox_never_reaches_twilio(no_internet):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    client = get_client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, url, timeout=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        client.messages.create(to=MOBILE, from_=SENDER, body="x")
    sent = client.http_client._test_only_last_request
    assert sent.url.startswith(url + "/2010-04-01/")
    assert sent.headers[SANDBOX_HOST_HEADER] == "api.twilio.com"
    assert "twilio.com" not in " ".join(no_internet)


def test_http_clients_are_shared_per_target_and_timeout(twilio_sim):
    first = get_client("AC" + "1" * 32, "t1", twilio_sim.url)
    second = get_client("AC" + "2" * 32, "t2", twilio_sim.url)
    assert first.http_client is second.http_client
    assert first.http_client.timeout == TWILIO_TIMEOUT
    other = get_client("AC" + "1" * 32, "t1", twilio_sim.url, timeout=3)
    assert other.http_client is not first.http_client
    assert other.http_client.timeout == 3

    found = []

    def build():
        found.append(get_http_client(twilio_sim.url, 7))

    threads = [threading.Thread(target=build) for _index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(http_client) for http_client in found}) == 1


def test_connections_are_reused(twilio_sim):
    client = get_client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, twilio_sim.url, 9)
    for _index in range(3):
        client.messages.create(to=MOBILE, from_=SENDER, body="x")
    peers = {tuple(request["client"]) for request in twilio_sim.simulator.requests}
    assert len(peers) == 1


def test_no_retries_inside(twilio_sim):
    twilio_sim.simulator.add_fault("drop", count=2)
    client = get_client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, twilio_sim.url)
    with pytest.raises(requests.exceptions.ConnectionError):
        client.messages.create(to=MOBILE, from_=SENDER, body="x")
    assert len(twilio_sim.simulator.requests) == 1
    assert twilio_sim.simulator.faults[0]["count"] == 1
    assert twilio_sim.simulator.list_messages() == []


def test_timeout_is_always_set():
    with pytest.raises(ValueError):
        get_http_client("http://127.0.0.1:1", timeout=0)
    with pytest.raises(ValueError):
        get_client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, timeout=None)


def test_production_client_is_the_sdks(no_internet):
    client = get_client("AC" + "9" * 32, "token")
    http_client = client.http_client
    assert type(http_client) is TwilioHttpClient
    assert http_client.timeout == TWILIO_TIMEOUT
    assert get_client("AC" + "8" * 32, "other").http_client is http_client
    assert no_internet == []  # building a client makes no request
    key = (None, float(TWILIO_TIMEOUT), twilio_client.DEFAULT_POOL_SIZE)
    assert twilio_client._http_clients[key] is http_client


@pytest.mark.parametrize("sandbox", [False, True])
def test_pool_holds_the_requests_in_flight(twilio_sim, sandbox):
    """A pool smaller than the requests in flight would open and drop a
    connection for each extra request (the SDK's own pool keeps 10)."""
    url = twilio_sim.url if sandbox else None
    session = get_client("AC" + "7" * 32, "t", url, pool_size=48).http_client.session
    adapter = session.get_adapter("https://api.twilio.com/2010-04-01")
    assert adapter._pool_maxsize == 48
    small = get_client("AC" + "7" * 32, "t", url, pool_size=2).http_client.session
    adapter = small.get_adapter("https://api.twilio.com/2010-04-01")
    assert adapter._pool_maxsize == twilio_client.DEFAULT_POOL_SIZE


def test_request_validator_checks_simulator_signatures():
    url = "https://odoo.example.com/sms_twilio_gateway/inbound"
    params = {"From": MOBILE, "Body": "STOP", "MessageSid": "SM" + "1" * 32}
    signature = sign(url, params, DEFAULT_AUTH_TOKEN)
    validator = get_request_validator(DEFAULT_AUTH_TOKEN)
    assert isinstance(validator, RequestValidator)
    assert validator.validate(url, params, signature)
    assert not validator.validate(url, {**params, "Body": "START"}, signature)
    assert not get_request_validator("other").validate(url, params, signature)
