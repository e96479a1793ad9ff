# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The only code that talks to Twilio: messages, lookups, prices.

Plain values in, plain values out: no record is written here, so a caller
decides what to commit and when. Every call has the SDK client's timeout, and
requests of a batch run side by side (the "requests in flight" setting) on
one pool of at least as many connections.
"""

import logging
from concurrent.futures import ThreadPoolExecutor

from odoo import api, models

from ..tools import phone_numbers
from .gateway_settings import count_setting

_logger = logging.getLogger(__name__)

IN_FLIGHT_PARAM = "sms_twilio_gateway.requests_in_flight"
DEFAULT_IN_FLIGHT = 32
MAX_IN_FLIGHT = 64


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
    def _send_messages(self, company, jobs, lookups=()):
        """``messages.create`` for each job; meanwhile, on Lookup's own
        requests in flight, the line type of ``lookups`` (the numbers the
        next SMS go to), so that looking up never slows sending.

        :param jobs: ``{key: {"to", "body", "sender", "status_callback"}}``
        :return: ``({key: ("ok", message) | ("error", exception)},
            {number: ("ok", phone number) | ("error", exception)})``
        """
        client, error = self._client(company)
        if error:
            failed = ("error", error)
            return dict.fromkeys(jobs, failed), dict.fromkeys(lookups, failed)

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

        in_flight = self._in_flight()
        if not lookups:
            return _in_parallel(create, jobs, in_flight), {}
        with ThreadPoolExecutor(max_workers=1) as side:
            looked = side.submit(
                _in_parallel,
                lambda number: _look_up(client, number),
                {number: number for number in lookups},
                in_flight,
            )
            results = _in_parallel(create, jobs, in_flight)
            return results, looked.result()

    @api.model
    def _lookup_numbers(self, company, numbers):
        """Lookup v2 line type intelligence of each number.

        :return: ``{number: ("ok", phone number instance) | ("error", error)}``
        """
        client, error = self._client(company)
        if error:
            return dict.fromkeys(numbers, ("error", error))

        return _in_parallel(
            lambda number: _look_up(client, number),
            {number: number for number in numbers},
            self._in_flight(),
        )

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


def _look_up(client, number):
    return client.lookups.v2.phone_numbers(number).fetch(
        fields="line_type_intelligence"
    )


def _in_parallel(call, jobs, in_flight):
    """``call(job)`` for each job, ``in_flight`` at a time; errors are returned.

    Runs outside the ORM: only plain values go in and out of the threads.
    """

    def run(job):
        try:
            return "ok", call(job)
        except Exception as error:  # noqa: BLE001 - returned to the caller
            return "error", error

    if len(jobs) <= 1:
        return {key: run(job) for key, job in jobs.items()}
    with ThreadPoolExecutor(max_workers=min(in_flight, len(jobs))) as pool:
        futures = {key: pool.submit(run, job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}
