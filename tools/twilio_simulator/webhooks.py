# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Signed webhook requests, as Twilio sends status callbacks and inbound SMS."""

import collections
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

from twilio.request_validator import RequestValidator

_logger = logging.getLogger(__name__)

USER_AGENT = "TwilioProxy/1.1"
# Never through a proxy from the environment: targets are usually local.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def sign(url, params, auth_token):
    """``X-Twilio-Signature`` of a form POST to ``url``, as Twilio computes it."""
    return RequestValidator(auth_token).compute_signature(url, params)


def post_form(url, params, auth_token, timeout):
    """POST ``params`` form-encoded and signed; return ``(status, text)``.

    HTTP error statuses are returned, not raised; connection problems raise
    ``OSError`` (``urllib.error.URLError`` or a timeout).
    """
    # What the app sees: a bare "http://host" is requested as "http://host/".
    parts = urlsplit(url)
    url = parts._replace(path=parts.path or "/").geturl()
    data = urlencode(params, doseq=True).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    request.add_header("User-Agent", USER_AGENT)
    request.add_header("X-Twilio-Signature", sign(url, params, auth_token))
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, _text(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, _text(error)


def _text(response):
    charset = response.headers.get_content_charset() or "utf-8"
    return response.read().decode(charset, "replace")


class WebhookSender:
    """Delivers status callbacks in order on one background thread.

    A failed delivery (connection error or 5xx) is retried ``attempts`` times
    in all, then logged and dropped: a broken endpoint never stops the
    simulator. Every attempt's outcome lands in ``log``.
    """

    def __init__(self, timeout=5.0, attempts=3, backoff=0.2):
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self.log = collections.deque(maxlen=10000)  # bounded for long benchmarks
        self._queue = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._thread = None
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def submit(self, url, params, auth_token, **info):
        with self._idle:
            self._pending += 1
        self._queue.put((url, dict(params), auth_token, info))
        self._ensure_thread()

    def wait_idle(self, timeout=5.0):
        """Wait until every submitted callback is delivered or given up."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def close(self):
        self._closed.set()
        thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=2)
        self._thread = None
        self._closed.clear()

    def _ensure_thread(self):
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="twilio-sim-callbacks", daemon=True
                )
                self._thread.start()

    def _run(self):
        while True:
            item = self._queue.get()
            if item is None:
                return
            try:
                self._deliver(*item)
            except Exception:  # a bug here must not kill the sender
                _logger.exception("Callback delivery crashed")
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _deliver(self, url, params, auth_token, info):
        entry = {**info, "url": url, "params": params, "attempts": 0}
        entry.update(status_code=None, response=None, error=None)
        self.log.append(entry)
        for attempt in range(1, self.attempts + 1):
            entry["attempts"] = attempt
            try:
                status, text = post_form(url, params, auth_token, self.timeout)
            except OSError as error:
                entry["error"] = str(error)
                _logger.warning("Callback %s to %s failed: %s", attempt, url, error)
            else:
                entry.update(status_code=status, response=text, error=None)
                _logger.info("Callback to %s: %s", url, status)
                if status < 500:
                    return
            if attempt < self.attempts and self._closed.wait(self.backoff * attempt):
                return
        _logger.warning("Callback to %s given up after %s attempts", url, attempt)
