# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lookup v2 of the simulator, one number or a batch query, through the real
SDK, its JSON checked against Twilio's OpenAPI schema (``oai/``)."""

import time

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest.lookups.v2.query import QueryList

from tools.tests.oai_schemas import assert_matches, batch_lookup_schema, lookup_schema
from tools.twilio_client import get_client
from tools.twilio_simulator import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN

AUTH = (DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN)
SENDER = "+15005550006"  # Twilio's magic valid From
MOBILE_BE = "+32470123456"
LANDLINE_BE = "+3222345678"
TOLL_FREE_US = "+18005550199"


def test_lookup_line_types(twilio_sim, twilio_sdk):
    def lookup(number, **kwargs):
        return twilio_sdk.lookups.v2.phone_numbers(number).fetch(
            fields="line_type_intelligence", **kwargs
        )

    landline = lookup(LANDLINE_BE)
    assert landline.valid and landline.line_type_intelligence["type"] == "landline"
    assert landline.country_code == "BE" and landline.calling_country_code == "32"
    assert landline.national_format == "02 234 56 78"
    mobile = lookup(MOBILE_BE)
    assert mobile.line_type_intelligence["type"] == "mobile"
    assert mobile.line_type_intelligence["carrier_name"]
    assert lookup("+18005550199").line_type_intelligence["type"] == "tollFree"
    assert lookup("0470 12 34 56", country_code="BE").phone_number == MOBILE_BE

    twilio_sim.simulator.set_line_type(MOBILE_BE, "landline", "Old Telco")
    overridden = lookup(MOBILE_BE).line_type_intelligence
    assert (overridden["type"], overridden["carrier_name"]) == ("landline", "Old Telco")

    invalid = lookup("+3212")
    assert invalid.valid is False and invalid.line_type_intelligence is None
    assert invalid.validation_errors and invalid.national_format is None
    assert lookup("+32471").validation_errors == ["TOO_SHORT"]
    assert lookup("+15555555555").validation_errors == ["INVALID_BUT_POSSIBLE"]

    basic = twilio_sdk.lookups.v2.phone_numbers(MOBILE_BE).fetch()
    assert basic.valid and basic.line_type_intelligence is None

    assert twilio_sim.simulator.lookup_count(MOBILE_BE) == 4
    assert twilio_sim.simulator.lookup_count(LANDLINE_BE) == 1
    assert twilio_sim.simulator.lookup_count("+3299999999") == 0


def test_lookup_json_matches_the_openapi_schema(twilio_sim):
    for number in (MOBILE_BE, LANDLINE_BE, "+3212", "abc"):
        response = requests.get(
            f"{twilio_sim.url}/v2/PhoneNumbers/{number}",
            params={"Fields": "line_type_intelligence"},
            auth=AUTH,
            timeout=5,
        )
        assert response.status_code == 200
        assert_matches(response.json(), lookup_schema())
    assert response.json()["validation_errors"] == ["NOT_A_NUMBER"]


def test_sdk_hosts_are_recorded(twilio_sim, twilio_sdk):
    twilio_sdk.messages.create(to=MOBILE_BE, from_=SENDER, body="x")
    twilio_sdk.lookups.v2.phone_numbers(MOBILE_BE).fetch()
    hosts = [request["host"] for request in twilio_sim.simulator.requests]
    assert hosts == ["api.twilio.com", "lookups.twilio.com"]


# -------------------------------------------------------------- batch query


def _batch(client, numbers, fields=("line_type_intelligence",)):
    """``client.lookups.v2.query.create`` of ``numbers``, correlated by index."""
    request = QueryList.LookupRequest(
        {
            "phone_numbers": [
                {"phone_number": number, "correlation_id": str(index)}
                | ({"fields": list(fields)} if fields else {})
                for index, number in enumerate(numbers)
            ]
        }
    )
    return client.lookups.v2.query.create(lookup_request=request).phone_numbers


def test_batch_answers_each_number_as_its_single_lookup(twilio_sim, twilio_sdk):
    simulator = twilio_sim.simulator
    simulator.set_line_type(MOBILE_BE, "landline", "Old Telco")
    numbers = [MOBILE_BE, LANDLINE_BE, TOLL_FREE_US, "+3212", "+15555555555"]
    items = _batch(twilio_sdk, numbers)
    assert [item["correlation_id"] for item in items] == ["0", "1", "2", "3", "4"]
    assert simulator.lookup_request_count("batch") == 1
    assert simulator.lookup_batches == [5]
    assert [simulator.lookup_count(number) for number in numbers] == [1] * 5
    for number, item in zip(numbers, items, strict=True):
        single = simulator.lookup(number, "line_type_intelligence")
        del single["url"]
        assert item == {"correlation_id": item["correlation_id"]} | {
            "twilio_error_code": None,
            **single,
        }
    assert items[0]["line_type_intelligence"]["type"] == "landline"
    assert items[2]["line_type_intelligence"]["type"] == "tollFree"
    assert items[3]["valid"] is False and items[3]["line_type_intelligence"] is None
    basic = _batch(twilio_sdk, [MOBILE_BE], fields=())[0]
    assert basic["valid"] and basic["line_type_intelligence"] is None
    assert simulator.lookup_request_count() == 2, "requests on the wire only"


def test_batch_item_errors_leave_the_other_numbers_answered(twilio_sim, twilio_sdk):
    """A number Lookup cannot look up is that item's ``twilio_error_code``."""
    twilio_sim.simulator.set_lookup_error(LANDLINE_BE, 60600)
    failed, answered, not_a_number = _batch(twilio_sdk, [LANDLINE_BE, MOBILE_BE, "abc"])
    assert (failed["twilio_error_code"], failed["valid"]) == (60600, False)
    assert failed["phone_number"] == LANDLINE_BE
    assert failed["line_type_intelligence"] is None
    assert answered["twilio_error_code"] is None and answered["valid"]
    assert answered["line_type_intelligence"]["type"] == "mobile"
    assert (not_a_number["twilio_error_code"], not_a_number["valid"]) == (20404, False)
    assert not_a_number["validation_errors"] == ["NOT_A_NUMBER"]
    with pytest.raises(TwilioRestException) as caught:
        twilio_sdk.lookups.v2.phone_numbers(LANDLINE_BE).fetch()
    assert caught.value.code == 60600


def test_batch_json_matches_the_openapi_schema(twilio_sim):
    twilio_sim.simulator.set_lookup_error("+32470000001", 60600)
    numbers = [MOBILE_BE, LANDLINE_BE, "+3212", "abc", "+32470000001"]
    response = requests.post(
        f"{twilio_sim.url}/v2/batch/query",
        json={
            "phone_numbers": [
                {"phone_number": n, "fields": ["line_type_intelligence"]}
                for n in numbers
            ]
        },
        auth=AUTH,
        timeout=5,
    )
    assert response.status_code == 200
    schema = batch_lookup_schema()
    assert_matches(response.json(), schema)
    item_schema = schema["properties"]["phone_numbers"]["items"]
    for item in response.json()["phone_numbers"]:
        assert_matches(item, item_schema)


def test_batch_of_more_than_100_numbers_is_refused(twilio_sim, twilio_sdk):
    simulator = twilio_sim.simulator
    numbers = [f"+3247000{index:04d}" for index in range(101)]
    with pytest.raises(TwilioRestException) as caught:
        _batch(twilio_sdk, numbers)
    assert (caught.value.status, caught.value.code) == (400, 20422)
    assert simulator.lookup_count(numbers[0]) == 0, "nothing looked up"
    assert len(_batch(twilio_sdk, numbers[:100])) == 100
    assert simulator.lookup_batches == [100]
    assert simulator.lookup_request_count("batch") == 2, "both were received"
    for body in ({}, {"phone_numbers": []}, {"phone_numbers": [{"fields": []}]}):
        response = requests.post(
            f"{twilio_sim.url}/v2/batch/query", json=body, auth=AUTH, timeout=5
        )
        assert (response.status_code, response.json()["code"]) == (400, 20422)


def test_batch_faults_credentials_and_one_latency(twilio_sim, twilio_sdk):
    simulator = twilio_sim.simulator
    simulator.add_fault("500", scope="lookup")
    with pytest.raises(TwilioRestException) as caught:
        _batch(twilio_sdk, [MOBILE_BE])
    assert (caught.value.status, caught.value.code) == (500, 20500)
    assert simulator.lookup_count(MOBILE_BE) == 0
    wrong = get_client(DEFAULT_ACCOUNT_SID, "wrong-token", twilio_sim.url)
    with pytest.raises(TwilioRestException) as caught:
        _batch(wrong, [MOBILE_BE])
    assert (caught.value.status, caught.value.code) == (401, 20003)
    simulator.set_latency(200)
    started = time.monotonic()
    assert len(_batch(twilio_sdk, [f"+3247000{i:04d}" for i in range(100)])) == 100
    assert 0.2 <= time.monotonic() - started < 0.4, "one latency per request"
    assert simulator.lookup_request_count("batch") == 3


def test_control_api_reports_lookups_and_their_requests(twilio_sim, twilio_sdk):
    post = requests.post(
        f"{twilio_sim.url}/_sim/lookup_errors",
        json={"number": LANDLINE_BE, "error_code": 60600},
        timeout=5,
    )
    assert post.status_code == 200
    _batch(twilio_sdk, [MOBILE_BE, LANDLINE_BE])
    twilio_sdk.lookups.v2.phone_numbers(MOBILE_BE).fetch()
    state = requests.get(f"{twilio_sim.url}/_sim/lookups", timeout=5).json()
    assert state == {
        "lookups": {MOBILE_BE: 2, LANDLINE_BE: 1},
        "requests": {"batch": 1, "single": 1},
        "batches": [2],
    }
