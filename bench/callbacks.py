# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Signed "delivered" status callbacks, as Twilio posts them, from a pool of
threads (Twilio calls back concurrently) to an Odoo server."""

import concurrent.futures
import time
from urllib.parse import urlsplit

from tools.twilio_simulator import DEFAULT_AUTH_TOKEN
from tools.twilio_simulator.core import API_VERSION
from tools.twilio_simulator.webhooks import post_form


def delivered_callbacks(messages, server_url):
    """(url, form) of the "delivered" callback of each message, sent to
    ``server_url`` on the path of the message's StatusCallback."""
    jobs = []
    for message in messages:
        path = urlsplit(message["status_callback"] or "").path
        if not path:
            continue
        form = {
            "AccountSid": message["account_sid"],
            "ApiVersion": API_VERSION,
            "From": message["from"] or "",
            "MessageSid": message["sid"],
            "MessageStatus": "delivered",
            "SmsSid": message["sid"],
            "SmsStatus": "delivered",
            "To": message["to"],
            "RawDlrDoneDate": time.strftime("%y%m%d%H%M", time.gmtime()),
        }
        jobs.append((server_url + path, form))
    return jobs


def _post(job):
    url, form = job
    try:
        status, text = post_form(url, form, DEFAULT_AUTH_TOKEN, timeout=60)
    except OSError as error:
        return f"{type(error).__name__}"
    return None if status == 200 and text.strip() == "OK" else f"HTTP {status}"


def fire(jobs, threads):
    """Post every callback, ``threads`` at a time.

    :return: (seconds, {failure: count})
    """
    failures = {}
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for failure in pool.map(_post, jobs):
            if failure:
                failures[failure] = failures.get(failure, 0) + 1
    return time.perf_counter() - start, failures
