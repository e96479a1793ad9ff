# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The only code that talks to Twilio: messages, lookups, prices.

Plain values in, plain values out: no record is written here, so a caller
decides what to commit and when. Every call has the SDK client's timeout, and
requests of a batch run side by side (the "requests in flight" setting) on
one pool of at least as many connections.
"""

import logging
from concurrent.futures import ThreadPoolExecutor

from twilio.rest.lookups.v2.query import QueryList

from odoo import api, models
from odoo.tools import split_every

from ..tools import phone_numbers
from .gateway_settings import count_setting

_logger = logging.getLogger(__name__)

IN_FLIGHT_PARAM = "sms_twilio_gateway.requests_in_flight"
# Twilio answers 429 past 100 concurrent requests per account (its default):
# two drainers at 48, with a Lookup batch query each, stay under it.
DEFAULT_IN_FLIGHT = 48
MAX_IN_FLIGHT = 64
# Twilio Lookup's batch query takes at most 100 numbers a request.
LOOKUP_BATCH_SIZE = 100
LOOKUP_FIELDS = ["line_type_intelligence"]


class SmsGatewayTransport(models.AbstractModel):
    _name = "sms.gateway.transport"
    _description = "SMS gateway transport (Twilio SDK)"

    @api.model
    def _in_flight(self):
        """How many requests to Twilio may run at once (a setting)."""
        return count_setting(
            self.env, IN_FLIGHT_PARAM, DEFAULT_IN_FLIGHT, MAX_IN_FLIGHT
        )

    @api.model
    def _client(self, company):
        """The company's SDK client, or the error that prevents making one."""
        try:
            # Messages and lookups may be in flight side by side.
            pool_size = 2 * self._in_flight()
            return company._gateway_twilio_client(pool_size=pool_size), None
        except Exception as error:  # noqa: BLE001 - bad settings fail the calls
            return None, error

    @api.model
    def _send_messages(self, company, jobs, meanwhile=None):
        """``messages.create`` for each job, side by side.

        :param jobs: ``{key: {"to", "body", "sender", "status_callback"}}``
        :param meanwhile: run in the caller's thread while the requests are
            in flight (database work that their latency hides); it must not
            raise
        :return: ``{key: ("ok", message) | ("error", exception)}``
        """
        client, error = self._client(company)
        if error:
            if meanwhile:
                meanwhile()
            return dict.fromkeys(jobs, ("error", error))

        def create(job):
            params = {
                "to": job["to"],
                "body": job["body"],
                "status_callback": job["status_callback"],
            }
            sender = job["sender"] or ""
            if phone_numbers.is_messaging_service_sid(sender):
                params["messaging_service_sid"] = sender
            else:
                params["from_"] = sender
            return client.messages.create(**params)

        return _in_parallel(create, jobs, self._in_flight(), meanwhile)

    @api.model
    def _lookup_numbers(self, company, numbers):
        """Lookup v2 line type intelligence of each number, by batch queries
        of at most ``LOOKUP_BATCH_SIZE`` numbers side by side.

        :return: ``{number: ("ok", {"line_type", "carrier_name",
            "country_code", "valid", "validation_errors"}) | ("error", error)}``:
            a failed request fails its numbers, a number Twilio could not look
            up fails alone
        """
        return self._start_lookups(company, numbers)()

    @api.model
    def _start_lookups(self, company, numbers):
        """``_lookup_numbers`` begun in the background: the requests leave
        now, and the returned function waits for their results (call it once,
        in the caller's thread)."""
        client, error = self._client(company)
        if error:
            return lambda: dict.fromkeys(numbers, ("error", error))
        side = ThreadPoolExecutor(max_workers=1)
        answers = side.submit(_query, client, list(numbers), self._in_flight())
        side.shutdown(wait=False)  # the thread ends with its requests
        return lambda: self._lookup_results(answers.result())

    @api.model
    def _lookup_results(self, answers):
        """Each number's result from ``_query``'s answers, in the caller's
        thread (errors are worded with its environment's language)."""
        results = {}
        for chunk, (outcome, answer) in answers.items():
            if outcome == "error":
                results.update(dict.fromkeys(chunk, (outcome, answer)))
                continue
            items = {item.get("correlation_id"): item for item in answer or ()}
            for number in chunk:
                item = items.get(number)
                if not item:
                    results[number] = (
                        "error",
                        self.env._("Twilio's answer left this number out."),
                    )
                elif code := item.get("twilio_error_code"):
                    results[number] = (
                        "error",
                        self.env._(
                            "Twilio could not look this number up (error %(code)s).",
                            code=code,
                        ),
                    )
                else:
                    info = item.get("line_type_intelligence") or {}
                    results[number] = (
                        "ok",
                        {
                            "line_type": info.get("type"),
                            "carrier_name": info.get("carrier_name"),
                            "country_code": item.get("country_code"),
                            "valid": bool(item.get("valid")),
                            "validation_errors": item.get("validation_errors") or [],
                        },
                    )
        return results

    @api.model
    def _fetch_messages(self, company, sids):
        """The message instances (price, status...) of these Twilio SIDs."""
        client, error = self._client(company)
        if error:
            return dict.fromkeys(sids, ("error", error))
        return _in_parallel(
            lambda sid: client.messages(sid).fetch(),
            {sid: sid for sid in sids},
            self._in_flight(),
        )


def _query(client, numbers, in_flight):
    """Lookup's batch queries of ``numbers``, ``in_flight`` at a time.

    :return: ``{chunk of numbers: ("ok", answer items) | ("error", error)}``
    """

    def query(chunk):
        request = QueryList.LookupRequest(
            {
                "phone_numbers": [
                    # The number is its own correlation id: unique in a chunk.
                    {
                        "phone_number": number,
                        "correlation_id": number,
                        "fields": LOOKUP_FIELDS,
                    }
                    for number in chunk
                ]
            }
        )
        return client.lookups.v2.query.create(lookup_request=request).phone_numbers

    chunks = split_every(LOOKUP_BATCH_SIZE, dict.fromkeys(numbers))
    return _in_parallel(query, {chunk: chunk for chunk in chunks}, in_flight)


def _in_parallel(call, jobs, in_flight, meanwhile=None):
    """``call(job)`` for each job, ``in_flight`` at a time; errors are returned.
    ``meanwhile()`` runs in the caller's thread while they are in flight.

    Runs outside the ORM: only plain values go in and out of the threads.
    """

    def run(job):
        try:
            return "ok", call(job)
        except Exception as error:  # noqa: BLE001 - returned to the caller
            return "error", error

    if len(jobs) <= 1 and not meanwhile:
        return {key: run(job) for key, job in jobs.items()}
    with ThreadPoolExecutor(max_workers=max(1, min(in_flight, len(jobs)))) as pool:
        futures = {key: pool.submit(run, job) for key, job in jobs.items()}
        if meanwhile:
            meanwhile()
        return {key: future.result() for key, future in futures.items()}
