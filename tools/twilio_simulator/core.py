# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""State and rules of the Twilio simulator, without any HTTP server.

``Simulator`` holds accounts, messages, per-number facts, fate rules and
faults, and implements Twilio's semantics for Messages and Lookup v2.
``server.SimulatorServer`` puts it behind Twilio's REST URLs.
"""

import collections
import heapq
import hmac
import itertools
import logging
import mimetypes
import re
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import format_datetime
from urllib.parse import urlsplit

from ..segments import count_segments
from ..twilio_client import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN
from . import phones
from .errors import DEFAULT_DELIVERY_ERROR, TwilioError, delivery_error_message
from .lookups import LookupMixin
from .webhooks import WebhookSender, post_form

_logger = logging.getLogger(__name__)

# The sandbox account Odoo is configured with (tools/twilio_client.py).
DEFAULT_ACCOUNT_SID = SANDBOX_ACCOUNT_SID
DEFAULT_AUTH_TOKEN = SANDBOX_AUTH_TOKEN
API_VERSION = "2010-04-01"
MAX_BODY_LENGTH = 1600

ACCOUNT_SID_RE = re.compile(r"^AC[0-9A-Za-z]{32}$")
SERVICE_SID_RE = re.compile(r"^MG[0-9a-fA-F]{32}$")

# Statuses a fate rule may end a message in; "sent" models a carrier
# that never reports delivery.
FATES = ("delivered", "undelivered", "failed", "sent")
FAULT_KINDS = ("429", "500", "503", "slow", "drop")
FAULT_SCOPES = (None, "messages", "lookup")
_FAULT_ERRORS = {"429": 20429, "500": 20500, "503": 20503}
# Statuses after which nothing happens any more (with the default fate).
FINAL_STATUSES = ("delivered", "undelivered", "failed", "received")

_PRICE_QUANTUM = Decimal("0.00001")
# Create parameters that Twilio takes as lists, kept as lists in ``request``.
_REPEATABLE = ("MediaUrl", "PersistentAction")


def _now():
    return datetime.now(UTC)


def _rfc2822(moment):
    return format_datetime(moment)


def _new_sid(prefix):
    return prefix + uuid.uuid4().hex


class Simulator(LookupMixin):
    """A small Twilio: Messages, Lookup v2, status callbacks, inbound SMS.

    :param accounts: ``{account_sid: auth_token}``; the sandbox account
        (``DEFAULT_ACCOUNT_SID``/``DEFAULT_AUTH_TOKEN``) always exists.
    :param auto_progress: move messages queued -> sent -> final on a
        background timer; when False, call ``advance``/``advance_all``.
    :param delays: seconds before each automatic step (the last repeats).
    :param price_per_segment: USD per segment, billed at the final status.
    :param inbound_url: default target of ``inject_inbound``.
    :param latency_ms: added before answering every API request.
    :param faults: ``add_fault`` keyword dicts, queued at start.
    :param fates: ``{number: status}`` or ``{number: (status, error_code)}``.
    :param line_types: ``{number: line_type}`` Lookup overrides.
    :param accept_any_account: register any well-formed account SID with the
        token it first authenticates with (sandboxes with real-looking creds).
    :param callback_timeout: seconds per webhook request.
    :param callback_attempts: tries per status callback (connection error, 5xx).
    """

    def __init__(
        self,
        accounts=None,
        auto_progress=True,
        delays=(0.2, 0.5),
        price_per_segment="0.0079",
        inbound_url=None,
        latency_ms=0,
        faults=(),
        fates=None,
        line_types=None,
        accept_any_account=False,
        callback_timeout=5.0,
        callback_attempts=3,
    ):
        self._lock = threading.RLock()
        self.accounts = {DEFAULT_ACCOUNT_SID: DEFAULT_AUTH_TOKEN}
        for account_sid, auth_token in (accounts or {}).items():
            self.add_account(account_sid, auth_token)
        self.auto_progress = auto_progress
        self.delays = tuple(float(delay) for delay in delays) or (0.0,)
        self.price_per_segment = Decimal(str(price_per_segment))
        self.inbound_url = inbound_url
        self.latency_ms = latency_ms
        self.accept_any_account = accept_any_account
        self.webhooks = WebhookSender(
            timeout=callback_timeout, attempts=callback_attempts
        )
        self._scheduler = _Scheduler(self._scheduled_step)
        self._reset_state()
        for fault in faults:
            self.add_fault(**fault)
        for number, fate in (fates or {}).items():
            # A status, or a (status, error_code) pair.
            self.set_fate(
                number, *(fate if isinstance(fate, (tuple, list)) else [fate])
            )
        for number, kind in (line_types or {}).items():
            self.set_line_type(number, kind)

    def _reset_state(self):
        self.messages = {}  # sid -> record, in creation order
        self.fates = {}  # number or "prefix*" -> (status, error_code)
        self.faults = collections.deque()
        self.requests = collections.deque(maxlen=1000)
        self._reset_lookups()

    # ------------------------------------------------------------ accounts

    def add_account(self, account_sid, auth_token):
        if not ACCOUNT_SID_RE.match(account_sid or ""):
            raise ValueError(f"Invalid account SID {account_sid!r}")
        if not auth_token:
            raise ValueError("An auth token is required")
        with self._lock:
            self.accounts[account_sid] = auth_token

    def auth_token(self, account_sid):
        return self.accounts.get(account_sid)

    def authenticate(self, account_sid, auth_token):
        """True when the credentials of an API request are right."""
        with self._lock:
            expected = self.accounts.get(account_sid)
            if expected is None and self.accept_any_account and auth_token:
                if ACCOUNT_SID_RE.match(account_sid or ""):
                    self.accounts[account_sid] = expected = auth_token
        if expected is None or auth_token is None:
            return False
        return hmac.compare_digest(expected.encode(), auth_token.encode())

    # ------------------------------------------------------------ messages

    def create_message(self, account_sid, params):
        """``POST .../Messages.json``: validate like Twilio, store, return it.

        :param params: form parameters, ``{name: [values]}`` or ``{name: value}``
        :raises TwilioError: with Twilio's code for invalid requests
        """
        request = {
            name: list(values) if isinstance(values, (list, tuple)) else [values]
            for name, values in params.items()
        }

        def first(name):
            values = request.get(name) or [""]
            return (values[0] or "").strip()

        to, from_, service = first("To"), first("From"), first("MessagingServiceSid")
        body = (request.get("Body") or [""])[0] or ""
        media = [url for url in request.get("MediaUrl", []) if url]
        if not to:
            raise TwilioError(21604)
        if not from_ and not service:
            raise TwilioError(21603)
        if service and not SERVICE_SID_RE.match(service):
            raise TwilioError(21701, sid=service)
        if not body and not media:
            raise TwilioError(21602)
        if len(body) > MAX_BODY_LENGTH:
            raise TwilioError(21617)
        if any(not url.startswith(("http://", "https://")) for url in media):
            raise TwilioError(21620)
        if from_ in phones.MAGIC_FROM:
            raise TwilioError(phones.MAGIC_FROM[from_], from_=from_, to=to)
        if to in phones.MAGIC_TO:
            raise TwilioError(phones.MAGIC_TO[to], from_=from_, to=to)
        to_e164 = phones.normalize(to)
        if to_e164 is None:
            raise TwilioError(21211, to=to)
        if from_ and not phones.is_valid_sender(from_):
            raise TwilioError(21212, from_=from_)
        if from_ and phones.key(from_) == to_e164:
            raise TwilioError(21266, to=to_e164)

        now = _rfc2822(_now())
        sid = _new_sid("MM" if media else "SM")
        uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}.json"
        # An MMS is one message whatever its text.
        segments = 1 if media else max(1, count_segments(body).segments)
        resource = {
            "account_sid": account_sid,
            "api_version": API_VERSION,
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": from_ or None,
            "messaging_service_sid": service or None,
            "num_media": str(len(media)),
            # Twilio reports 0 segments until a service has picked the sender.
            "num_segments": "0" if service else str(segments),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if service else "queued",
            "subresource_uris": {"media": uri[: -len(".json")] + "/Media.json"},
            "to": to_e164,
            "uri": uri,
        }
        record = {
            "resource": resource,
            "request": {
                name: values if name in _REPEATABLE or len(values) > 1 else values[0]
                for name, values in request.items()
            },
            "segments": segments,
            "status_callback": first("StatusCallback") or None,
            "callbacks": [],
            "steps_done": 0,
        }
        with self._lock:
            self.messages[sid] = record
            self._schedule(record)
        _logger.info("Message %s to %s: %s", sid, to_e164, resource["status"])
        return dict(resource)

    def get_message(self, account_sid, sid):
        """``GET .../Messages/{sid}.json``: the current resource."""
        with self._lock:
            record = self.messages.get(sid)
            if record is None or record["resource"]["account_sid"] != account_sid:
                path = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}.json"
                raise TwilioError(20404, path=path)
            return dict(record["resource"])

    def message(self, sid):
        """Inspection view of one message: resource plus what created it."""
        with self._lock:
            record = self.messages.get(sid)
            return self._view(record) if record else None

    def list_messages(self, to=None, account_sid=None, direction=None, status=None):
        """Inspection view of the messages, oldest first."""
        to = phones.key(to) if to else None
        with self._lock:
            views = [self._view(record) for record in self.messages.values()]
        return [
            view
            for view in views
            if (to is None or view["to"] == to)
            and (account_sid is None or view["account_sid"] == account_sid)
            and (direction is None or view["direction"] == direction)
            and (status is None or view["status"] == status)
        ]

    @staticmethod
    def _view(record):
        return {
            **record["resource"],
            "request": dict(record["request"]),
            "status_callback": record["status_callback"],
            "callbacks": list(record["callbacks"]),
        }

    # -------------------------------------------------- status progression

    def next_status(self, sid):
        """The status ``advance(sid)`` would move the message to, or None."""
        with self._lock:
            record = self.messages[sid]
            return self._next_status(record)

    def _next_status(self, record):
        resource = record["resource"]
        status = resource["status"]
        if resource["direction"] == "inbound":
            return None
        fate, _code = self.fate_for(resource["to"])
        if status == "accepted":
            return "queued"
        if status == "queued":
            return "failed" if fate == "failed" else "sent"
        if status == "sent" and fate in ("delivered", "undelivered"):
            return fate
        return None

    def advance(self, sid, steps=1):
        """Move a message ``steps`` statuses on; return its status.

        Each step sends the status callback, if the message has one.
        """
        with self._lock:
            if sid not in self.messages:
                raise KeyError(sid)
            for _step in range(steps):
                if not self._step(self.messages[sid]):
                    break
            return self.messages[sid]["resource"]["status"]

    def advance_all(self, final=True):
        """Advance every message: to its final status, or one step.

        :return: the number of messages that moved
        """
        moved = 0
        with self._lock:
            for record in list(self.messages.values()):
                stepped = self._step(record)
                while stepped and final and self._step(record):
                    pass
                moved += bool(stepped)
        return moved

    def _step(self, record):
        status = self._next_status(record)
        if status is None:
            return False
        resource = record["resource"]
        moment = _now()
        record["steps_done"] += 1
        resource["status"] = status
        resource["date_updated"] = _rfc2822(moment)
        if status == "queued" and resource["messaging_service_sid"]:
            resource["from"] = resource["from"] or phones.MAGIC_VALID_FROM
            resource["num_segments"] = str(record["segments"])
        if status in ("sent", "failed", "delivered", "undelivered"):
            resource["date_sent"] = resource["date_sent"] or _rfc2822(moment)
        if status in ("failed", "undelivered"):
            _fate, code = self.fate_for(resource["to"])
            code = code or DEFAULT_DELIVERY_ERROR[status]
            resource["error_code"] = code
            resource["error_message"] = delivery_error_message(code)
        if status != "failed" and self._next_status(record) is None:
            # Billed once the carrier is done; failed messages are not billed.
            price = Decimal(int(resource["num_segments"])) * self.price_per_segment
            # Twilio prices are negative (a charge): "-0.01580"; 0 - x avoids "-0".
            resource["price"] = str((0 - price).quantize(_PRICE_QUANTUM))
        _logger.info("Message %s: %s", resource["sid"], status)
        self._send_status_callback(record, moment)
        self._schedule(record)
        return True

    def _send_status_callback(self, record, moment):
        url = record["status_callback"]
        if not url:
            return
        resource = record["resource"]
        status = resource["status"]
        params = {
            "AccountSid": resource["account_sid"],
            "ApiVersion": API_VERSION,
            "From": resource["from"] or "",
            "MessageSid": resource["sid"],
            "MessageStatus": status,
            "SmsSid": resource["sid"],
            "SmsStatus": status,
            "To": resource["to"],
        }
        if resource["messaging_service_sid"]:
            params["MessagingServiceSid"] = resource["messaging_service_sid"]
        if status in ("failed", "undelivered"):
            params["ErrorCode"] = str(resource["error_code"])
            params["ErrorMessage"] = resource["error_message"]
        if status == "delivered":
            # The carrier's DLR "done date", YYMMDDhhmm.
            params["RawDlrDoneDate"] = moment.strftime("%y%m%d%H%M")
        record["callbacks"].append(status)
        token = self.accounts.get(resource["account_sid"], "")
        self.webhooks.submit(
            url, params, token, kind="status", sid=resource["sid"], status=status
        )

    def _schedule(self, record):
        done = record["steps_done"]
        if not self.auto_progress or record.get("scheduled") == done:
            return
        if self._next_status(record) is None:
            return
        record["scheduled"] = done
        delay = self.delays[min(done, len(self.delays) - 1)]
        self._scheduler.schedule(delay, record["resource"]["sid"], done)

    def _scheduled_step(self, sid, done):
        with self._lock:
            record = self.messages.get(sid)
            # Skip when a manual advance (or a reset) got there first.
            if record is None or not self.auto_progress:
                return
            if record["steps_done"] == done:
                self._step(record)

    def wait_callbacks(self, timeout=5.0):
        """Wait until the queued status callbacks are delivered (or given up)."""
        return self.webhooks.wait_idle(timeout)

    @property
    def callback_log(self):
        """Every webhook attempt: url, params, status_code, error, attempts."""
        return self.webhooks.log

    # ---------------------------------------------------------- fate rules

    def set_fate(self, number, status="delivered", error_code=None):
        """Decide how messages to ``number`` end.

        ``number`` is a phone number, or a prefix ending in ``*`` (``+3247*``).
        """
        if status not in FATES:
            raise ValueError(f"Unknown fate {status!r}, expected one of {FATES}")
        error_code = int(error_code) if error_code else None
        if status in ("undelivered", "failed"):
            error_code = error_code or DEFAULT_DELIVERY_ERROR[status]
        rule = number.strip() if number.strip().endswith("*") else phones.key(number)
        with self._lock:
            self.fates[rule] = (status, error_code)

    def clear_fates(self):
        with self._lock:
            self.fates.clear()

    def fate_for(self, number):
        """``(status, error_code)`` of the rule matching ``number``."""
        with self._lock:
            fate = self.fates.get(number)
            if fate is None:
                prefixes = [rule for rule in self.fates if rule.endswith("*")]
                for rule in sorted(prefixes, key=len, reverse=True):
                    if number.startswith(rule[:-1]):
                        return self.fates[rule]
        return fate or ("delivered", None)

    # -------------------------------------------------- faults and latency

    def add_fault(self, kind, count=1, scope=None, seconds=None):
        """Make the next ``count`` API requests (of ``scope``) misbehave.

        :param kind: "429", "500", "503" (error answers), "slow" (answer
            after ``seconds``), "drop" (close the connection, no answer)
        :param scope: None (any API request), "messages" or "lookup"
        """
        kind = str(kind)
        if kind not in FAULT_KINDS:
            raise ValueError(f"Unknown fault {kind!r}, expected one of {FAULT_KINDS}")
        if scope not in FAULT_SCOPES:
            raise ValueError(f"Unknown scope {scope!r}, expected one of {FAULT_SCOPES}")
        if kind == "slow" and seconds is None:
            seconds = 30.0
        fault = {"kind": kind, "count": int(count), "scope": scope, "seconds": seconds}
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self):
        with self._lock:
            self.faults.clear()

    def take_fault(self, scope):
        """Consume the first pending fault that applies to a ``scope`` request."""
        with self._lock:
            for fault in self.faults:
                if fault["scope"] in (None, scope):
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        self.faults.remove(fault)
                    return dict(fault)
        return None

    @staticmethod
    def fault_error(fault):
        return TwilioError(_FAULT_ERRORS[fault["kind"]])

    def set_latency(self, milliseconds):
        self.latency_ms = max(0, int(milliseconds))

    def record_request(self, method, path, host, client=None):
        """Remember an API request (``client``: the peer's ``(ip, port)``)."""
        entry = {"method": method, "path": path, "host": host, "client": client}
        with self._lock:
            self.requests.append(entry)

    # ------------------------------------------------------------- inbound

    def build_inbound(
        self,
        from_,
        to,
        body,
        media_urls=(),
        account_sid=None,
        messaging_service_sid=None,
    ):
        """The form parameters Twilio posts for an incoming SMS/MMS."""
        account_sid = account_sid or DEFAULT_ACCOUNT_SID
        media = [
            (item, mimetypes.guess_type(urlsplit(item).path)[0] or "image/jpeg")
            if isinstance(item, str)
            else tuple(item)
            for item in media_urls
        ]
        sid = _new_sid("MM" if media else "SM")
        params = {
            "ToCountry": phones.country(to),
            # State, city and zip: Twilio knows them for North America only.
            "ToState": "",
            "SmsMessageSid": sid,
            "NumMedia": str(len(media)),
            "ToCity": "",
            "FromZip": "",
            "SmsSid": sid,
            "FromState": "",
            "SmsStatus": "received",
            "FromCity": "",
            "Body": body,
            "FromCountry": phones.country(from_),
            "To": to,
            "ToZip": "",
            "NumSegments": str(max(1, count_segments(body).segments)),
            "MessageSid": sid,
            "AccountSid": account_sid,
            "From": from_,
            "ApiVersion": API_VERSION,
        }
        if messaging_service_sid:
            params["MessagingServiceSid"] = messaging_service_sid
        for index, (url, content_type) in enumerate(media):
            params[f"MediaContentType{index}"] = content_type
            params[f"MediaUrl{index}"] = url
        return params

    def inject_inbound(
        self,
        from_,
        to,
        body,
        media_urls=(),
        url=None,
        account_sid=None,
        messaging_service_sid=None,
    ):
        """Post an incoming SMS/MMS to the app, signed like Twilio.

        :param media_urls: URLs, or ``(url, content_type)`` pairs
        :return: ``(status_code, response_text)`` of the app's answer
        :raises OSError: when the app cannot be reached
        """
        status, text, _params = self.deliver_inbound(
            from_, to, body, media_urls, url, account_sid, messaging_service_sid
        )
        return status, text

    def deliver_inbound(
        self,
        from_,
        to,
        body,
        media_urls=(),
        url=None,
        account_sid=None,
        messaging_service_sid=None,
    ):
        """``inject_inbound`` that also returns the parameters it posted."""
        url = url or self.inbound_url
        if not url:
            raise ValueError("No inbound URL: pass url= or set inbound_url")
        account_sid = account_sid or DEFAULT_ACCOUNT_SID
        token = self.accounts.get(account_sid)
        if token is None:
            raise ValueError(f"Unknown account {account_sid}")
        params = self.build_inbound(
            from_, to, body, media_urls, account_sid, messaging_service_sid
        )
        self._store_inbound(params)
        status, text = post_form(url, params, token, self.webhooks.timeout)
        _logger.info(
            "Inbound %s from %s to %s: %s", params["MessageSid"], from_, to, status
        )
        if 200 <= status < 300:
            self._send_twiml_replies(params, text)
        return status, text, params

    def _store_inbound(self, params):
        now = _rfc2822(_now())
        sid, account_sid = params["MessageSid"], params["AccountSid"]
        uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}.json"
        resource = {
            "account_sid": account_sid,
            "api_version": API_VERSION,
            "body": params["Body"],
            "date_created": now,
            "date_sent": now,
            "date_updated": now,
            "direction": "inbound",
            "error_code": None,
            "error_message": None,
            "from": params["From"],
            "messaging_service_sid": params.get("MessagingServiceSid"),
            "num_media": params["NumMedia"],
            "num_segments": params["NumSegments"],
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "received",
            "subresource_uris": {"media": uri[: -len(".json")] + "/Media.json"},
            "to": params["To"],
            "uri": uri,
        }
        record = {
            "resource": resource,
            "request": dict(params),
            "segments": int(params["NumSegments"]),
            "status_callback": None,
            "callbacks": [],
            "steps_done": 0,
        }
        with self._lock:
            self.messages[sid] = record

    def _send_twiml_replies(self, inbound, twiml):
        """Send the ``<Message>`` replies of a TwiML answer, as Twilio does."""
        try:
            root = (
                ET.fromstring(twiml.strip()) if twiml.strip().startswith("<") else None
            )
        except ET.ParseError:
            _logger.warning("Inbound answer is not valid TwiML: %r", twiml[:200])
            return
        if root is None or root.tag != "Response":
            return
        for element in root.iter("Message"):
            body_element = element.find("Body")
            body = (
                body_element.text if body_element is not None else element.text
            ) or ""
            params = {
                "To": element.get("to") or inbound["From"],
                "From": element.get("from") or inbound["To"],
                "Body": body.strip(),
                "MediaUrl": [
                    media.text for media in element.iter("Media") if media.text
                ],
            }
            if element.get("statusCallback") or element.get("action"):
                params["StatusCallback"] = element.get("statusCallback") or element.get(
                    "action"
                )
            try:
                reply = self.create_message(inbound["AccountSid"], params)
            except TwilioError as error:
                _logger.warning("TwiML reply refused: %s", error)
                continue
            with self._lock:
                self.messages[reply["sid"]]["resource"]["direction"] = "outbound-reply"

    # ----------------------------------------------------------- lifecycle

    def settings(self):
        return {
            "auto_progress": self.auto_progress,
            "delays": list(self.delays),
            "price_per_segment": str(self.price_per_segment),
            "inbound_url": self.inbound_url,
            "latency_ms": self.latency_ms,
            "accept_any_account": self.accept_any_account,
        }

    def configure(self, **settings):
        """Change settings at run time (keys of ``settings()``)."""
        unknown = set(settings) - set(self.settings())
        if unknown:
            raise ValueError(f"Unknown settings: {sorted(unknown)}")
        with self._lock:
            if "delays" in settings:
                self.delays = tuple(float(d) for d in settings.pop("delays")) or (0.0,)
            if "price_per_segment" in settings:
                self.price_per_segment = Decimal(str(settings.pop("price_per_segment")))
            if "latency_ms" in settings:
                self.set_latency(settings.pop("latency_ms"))
            for name, value in settings.items():
                setattr(self, name, value)
            if self.auto_progress:
                for record in self.messages.values():
                    self._schedule(record)

    def reset(self):
        """Forget messages, rules, faults and counters; keep accounts and settings."""
        with self._lock:
            self._scheduler.clear()
            self._reset_state()
            self.webhooks.log.clear()

    def close(self):
        """Stop the background threads (they restart when needed)."""
        self._scheduler.close()
        self.webhooks.close()


class _Scheduler:
    """Runs ``callback(*args)`` after a delay, on one daemon thread."""

    def __init__(self, callback):
        self._callback = callback
        self._heap = []
        self._counter = itertools.count()
        self._condition = threading.Condition()
        self._thread = None
        self._closing = False

    def schedule(self, delay, *args):
        with self._condition:
            due = time.monotonic() + delay
            heapq.heappush(self._heap, (due, next(self._counter), args))
            if self._thread is None or not self._thread.is_alive():
                self._closing = False
                self._thread = threading.Thread(
                    target=self._run, name="twilio-sim-progress", daemon=True
                )
                self._thread.start()
            self._condition.notify()

    def clear(self):
        with self._condition:
            self._heap.clear()

    def close(self):
        with self._condition:
            self._closing = True
            self._heap.clear()
            self._condition.notify()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def _run(self):
        while True:
            with self._condition:
                while not self._closing:
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    if wait is not None and wait <= 0:
                        break
                    self._condition.wait(wait)
                if self._closing:
                    return
                _due, _order, args = heapq.heappop(self._heap)
            try:
                self._callback(*args)
            except Exception:  # one bad step must not stop the others
                _logger.exception("Scheduled step failed")
