# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Twilio's REST URLs (Messages, Lookup v2) and the ``/_sim/`` control API over HTTP."""

import base64
import binascii
import contextlib
import json
import logging
import re
import socket
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from ..twilio_client import SANDBOX_HOST_HEADER
from .core import API_VERSION, Simulator
from .errors import TwilioError

_logger = logging.getLogger(__name__)

_MESSAGES = re.compile(rf"^/{API_VERSION}/Accounts/(?P<account>[^/]+)/Messages\.json$")
_MESSAGE = re.compile(
    rf"^/{API_VERSION}/Accounts/(?P<account>[^/]+)/Messages/(?P<sid>[^/]+)\.json$"
)
_LOOKUP = re.compile(r"^/v2/PhoneNumbers/(?P<number>[^/]+)$")
_BATCH_LOOKUP = "/v2/batch/query"
_SIM_MESSAGE = re.compile(r"^/_sim/messages/(?P<sid>[^/]+)$")
_SIM_ADVANCE = re.compile(r"^/_sim/messages/(?P<sid>[^/]+)/advance$")

# An idle keep-alive connection is closed after this many seconds.
_IDLE_TIMEOUT = 60


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Listen backlog: clients open dozens of connections at once (requests in
    # flight, lookups beside them); socketserver's 5 made the kernel drop
    # connections that Twilio would have taken, and clients time out.
    request_queue_size = 128

    def __init__(self, address, simulator):
        self.simulator = simulator
        self.stopping = threading.Event()
        self._connections = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address):
        _logger.exception("Unhandled error serving %s", client_address)

    def get_request(self):
        connection, address = super().get_request()
        with self._connections_lock:
            self._connections.add(connection)
        return connection, address

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.discard(request)
        return super().shutdown_request(request)

    def close_connections(self):
        # Idle keep-alive connections would keep their threads blocked.
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            # Already closed by the peer: nothing left to wake up.
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the SDK reuses its connections
    server_version = "TwilioSimulator/1.0"
    timeout = _IDLE_TIMEOUT

    def setup(self):
        result = super().setup()
        # Headers and body go out in two writes: without this, Nagle's
        # algorithm and delayed ACKs add ~40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return result

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def log_message(self, format, *args):  # noqa: A002 (signature of the base class)
        _logger.info("%s %s", self.address_string(), format % args)

    # ------------------------------------------------------------ plumbing

    @property
    def simulator(self):
        return self.server.simulator

    def _dispatch(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        self.raw_body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        path, self.query = unquote(parts.path), parse_qs(parts.query)
        control = path.startswith("/_sim/")
        try:
            (self._control if control else self._api)(method, path)
        except TwilioError as error:
            self._send_json(error.status, error.body())
        except ConnectionError:
            # The client gave up (its timeout) before the answer: normal here.
            _logger.info(
                '%s "%s" client went away', self.address_string(), self.requestline
            )
            self.close_connection = True
        except (ValueError, KeyError, TypeError) as error:
            if not control:
                self._internal_error(method, path)
            else:  # a control call with missing or wrong arguments
                self._send_json(400, {"error": f"{type(error).__name__}: {error}"})
        except Exception:
            self._internal_error(method, path)

    def _internal_error(self, method, path):
        # A simulator bug answers like a Twilio outage instead of hanging up.
        _logger.exception("Simulator error on %s %s", method, path)
        error = TwilioError(20500)
        self._send_json(error.status, error.body())

    def _send_json(self, status, payload, headers=None):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Twilio-Request-Id", "RQ" + uuid.uuid4().hex)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _form(self):
        return parse_qs(
            self.raw_body.decode("utf-8", "replace"), keep_blank_values=True
        )

    def _json(self):
        return json.loads(self.raw_body or b"{}")

    def _credentials(self):
        header = self.headers.get("Authorization") or ""
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return None, None
        try:
            decoded = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        user, _, password = decoded.partition(":")
        return user, password

    # ------------------------------------------------------------ Twilio API

    def _api(self, method, path):
        simulator = self.simulator
        scope = "messages" if path.startswith(f"/{API_VERSION}/") else None
        scope = "lookup" if path.startswith("/v2/") else scope
        host = self.headers.get(SANDBOX_HOST_HEADER) or self.headers.get("Host")
        simulator.record_request(method, path, host, list(self.client_address[:2]))
        if path == _BATCH_LOOKUP or _LOOKUP.match(path):
            simulator.count_lookup_request(
                "batch" if path == _BATCH_LOOKUP else "single"
            )
        if simulator.latency_ms:
            self.server.stopping.wait(simulator.latency_ms / 1000)
        fault = simulator.take_fault(scope) if scope else None
        if fault and fault["kind"] == "drop":
            _logger.info('%s "%s" dropped', self.address_string(), self.requestline)
            self.close_connection = True
            return
        if fault and fault["kind"] == "slow":
            self.server.stopping.wait(fault["seconds"])
        elif fault:
            raise simulator.fault_error(fault)

        account_sid, auth_token = self._credentials()
        if not simulator.authenticate(account_sid, auth_token):
            error = TwilioError(20003)
            headers = {"WWW-Authenticate": 'Basic realm="Twilio API"'}
            return self._send_json(error.status, error.body(), headers)

        if match := _MESSAGES.match(path):
            self._check_account(match["account"], account_sid)
            if method == "POST":
                resource = simulator.create_message(account_sid, self._form())
                return self._send_json(201, resource)
        elif match := _MESSAGE.match(path):
            self._check_account(match["account"], account_sid)
            if method == "GET":
                return self._send_json(
                    200, simulator.get_message(account_sid, match["sid"])
                )
        elif match := _LOOKUP.match(path):
            if method == "GET":
                fields = ",".join(self.query.get("Fields", []))
                country = (self.query.get("CountryCode") or [None])[0]
                return self._send_json(
                    200, simulator.lookup(match["number"], fields, country)
                )
        elif path == _BATCH_LOOKUP and method == "POST":
            try:
                request = self._json()
            except ValueError:
                raise TwilioError(20422, detail="the body is not JSON") from None
            return self._send_json(200, simulator.batch_lookup(request))
        raise TwilioError(20404, path=path)

    @staticmethod
    def _check_account(path_account, account_sid):
        # Credentials only open their own account's resources.
        if path_account != account_sid:
            raise TwilioError(20003)

    # ------------------------------------------------------------ control API

    def _control(self, method, path):
        simulator = self.simulator
        route = (method, path)
        if route == ("GET", "/_sim/health"):
            return self._send_json(200, {"status": "ok"})
        if route == ("GET", "/_sim/messages"):
            query = {name: values[0] for name, values in self.query.items()}
            return self._send_json(200, {"messages": simulator.list_messages(**query)})
        if match := _SIM_ADVANCE.match(path):
            if method == "POST":
                steps = int(self._json().get("steps", 1))
                status = simulator.advance(match["sid"], steps)
                return self._send_json(200, {"sid": match["sid"], "status": status})
        elif match := _SIM_MESSAGE.match(path):
            message = simulator.message(match["sid"])
            if method == "GET" and message:
                return self._send_json(200, message)
            if method == "GET":
                return self._send_json(404, {"error": "unknown message"})
        elif route == ("POST", "/_sim/advance"):
            moved = simulator.advance_all(final=bool(self._json().get("final", True)))
            return self._send_json(200, {"moved": moved})
        elif route == ("GET", "/_sim/fates"):
            fates = {
                number: {"status": status, "error_code": code}
                for number, (status, code) in simulator.fates.items()
            }
            return self._send_json(200, {"fates": fates})
        elif route == ("POST", "/_sim/fates"):
            data = self._json()
            simulator.set_fate(data["number"], data["status"], data.get("error_code"))
            return self._send_json(200, {"ok": True})
        elif route == ("DELETE", "/_sim/fates"):
            simulator.clear_fates()
            return self._send_json(200, {"ok": True})
        elif route == ("GET", "/_sim/line_types"):
            return self._send_json(200, {"line_types": simulator.line_types})
        elif route == ("POST", "/_sim/line_types"):
            data = self._json()
            simulator.set_line_type(
                data["number"], data["line_type"], data.get("carrier_name")
            )
            return self._send_json(200, {"ok": True})
        elif route == ("GET", "/_sim/lookups"):
            payload = {
                "lookups": dict(simulator.lookups),
                "requests": dict(simulator.lookup_requests),
                "batches": list(simulator.lookup_batches),
            }
            return self._send_json(200, payload)
        elif route == ("POST", "/_sim/lookup_errors"):
            data = self._json()
            simulator.set_lookup_error(data["number"], data["error_code"])
            return self._send_json(200, {"ok": True})
        elif route == ("GET", "/_sim/faults"):
            return self._send_json(200, {"faults": list(simulator.faults)})
        elif route == ("POST", "/_sim/faults"):
            fault = simulator.add_fault(**self._json())
            return self._send_json(200, {"fault": fault})
        elif route == ("DELETE", "/_sim/faults"):
            simulator.clear_faults()
            return self._send_json(200, {"ok": True})
        elif route == ("GET", "/_sim/settings"):
            return self._send_json(200, simulator.settings())
        elif route == ("POST", "/_sim/settings"):
            simulator.configure(**self._json())
            return self._send_json(200, simulator.settings())
        elif route == ("POST", "/_sim/accounts"):
            data = self._json()
            simulator.add_account(data["account_sid"], data["auth_token"])
            return self._send_json(200, {"ok": True})
        elif route == ("POST", "/_sim/inbound"):
            return self._inbound()
        elif route == ("GET", "/_sim/callbacks"):
            return self._send_json(200, {"callbacks": list(simulator.callback_log)})
        elif route == ("GET", "/_sim/requests"):
            return self._send_json(200, {"requests": list(simulator.requests)})
        elif route == ("POST", "/_sim/reset"):
            simulator.reset()
            return self._send_json(200, {"ok": True})
        self._send_json(404, {"error": f"no route {method} {path}"})

    def _inbound(self):
        data = self._json()
        try:
            status, text, params = self.simulator.deliver_inbound(
                data["from"],
                data["to"],
                data.get("body", ""),
                media_urls=data.get("media_urls", ()),
                url=data.get("url"),
                account_sid=data.get("account_sid"),
                messaging_service_sid=data.get("messaging_service_sid"),
            )
        except OSError as error:
            return self._send_json(502, {"error": f"inbound URL unreachable: {error}"})
        payload = {
            "status_code": status,
            "response": text,
            "message_sid": params["MessageSid"],
            "params": params,
        }
        self._send_json(200, payload)


class SimulatorServer:
    """The simulator on ``host:port`` (port 0: any free port), in a thread.

    ``url`` is known as soon as the server is built; ``start()`` serves in a
    background thread; ``stop()`` closes everything, waits for nothing slow.
    """

    def __init__(self, host="127.0.0.1", port=0, simulator=None):
        self.simulator = simulator if simulator is not None else Simulator()
        self._httpd = _HTTPServer((host, port), self.simulator)
        self.host, self.port = self._httpd.server_address[:2]
        shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
        self.url = f"http://{shown}:{self.port}"
        self._thread = None

    def start(self):
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="twilio-sim-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self):
        self._httpd.stopping.set()  # wakes slow faults and latency sleeps
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.close_connections()
        self._httpd.server_close()
        self.simulator.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def wait_until_up(url, timeout=10.0):
    """Poll ``GET /_sim/health`` until the simulator answers (for scripts)."""
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while True:
        try:
            with opener.open(url.rstrip("/") + "/_sim/health", timeout=1) as response:
                if response.status == 200:
                    return True
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
