# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures for the Twilio simulator and client tests: a simulator on a free
loopback port, an SDK client pointed at it, and a webhook receiver standing in
for Odoo's callback routes."""

import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

import pytest

from tools.loopback import loopback_server
from tools.twilio_client import get_client
from tools.twilio_simulator import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    Simulator,
    SimulatorServer,
)


@pytest.fixture
def twilio_sim():
    """A running simulator whose statuses move only when the test says so."""
    server = SimulatorServer(simulator=Simulator(auto_progress=False)).start()
    yield server
    server.stop()


@pytest.fixture
def twilio_sdk(twilio_sim):
    """The real SDK client of the sandbox account, talking to ``twilio_sim``."""
    return get_client(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, twilio_sim.url)


class WebhookReceiver:
    """Records form POSTs like an app's webhook; answers ``status``/``body``."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.body = "OK"
        self.content_type = "text/plain"
        self._condition = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = parse_qs(raw, keep_blank_values=True)
                with receiver._condition:
                    receiver.requests.append(
                        {
                            "path": self.path,
                            "url": receiver.url + self.path,
                            "headers": dict(self.headers),
                            "form": {key: values[0] for key, values in form.items()},
                            "form_lists": form,
                        }
                    )
                    receiver._condition.notify_all()
                    status, body = receiver.status, receiver.body.encode()
                self.send_response(status)
                self.send_header("Content-Type", receiver.content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._httpd, self.url, self._thread = loopback_server(Handler)
        self._thread.start()

    def wait_for(self, count, timeout=5.0):
        """Wait until ``count`` requests arrived; return them all."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while len(self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._condition.wait(remaining)
            return list(self.requests)

    def close(self):
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def webhook_receiver():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()
