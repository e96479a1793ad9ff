# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The only place the addon builds Twilio SDK clients.

``get_client(sid, token)`` talks to Twilio; ``get_client(sid, token, sandbox_url)``
sends the very same SDK requests to the bundled Twilio simulator instead, so
the addon's code paths are identical in production, in tests and in the sandbox.
"""

import logging
import threading
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

TWILIO_TIMEOUT = 10  # seconds, every request has one

# The account of the bundled simulator (sandbox mode): meaningless at Twilio.
# Defined here, not in the simulator, so the addon never imports the simulator.
SANDBOX_ACCOUNT_SID = "AC" + "a" * 32
SANDBOX_AUTH_TOKEN = "sandbox0auth0token00000000000000"

# The SDK logs every request at INFO, parameters included: phone numbers and
# message bodies do not belong in server logs.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)

# Carries the Twilio host a sandboxed request was meant for (api, lookups, ...).
SANDBOX_HOST_HEADER = "X-Twilio-Host"

# Connections kept per client: at least the requests a dispatch has in flight
# (a smaller pool would open and drop a connection per extra request).
DEFAULT_POOL_SIZE = 16

_http_clients = {}
_http_clients_lock = threading.Lock()


class SandboxHttpClient(TwilioHttpClient):
    """Sends every request of the SDK to the simulator at ``sandbox_url``.

    Path and query are kept; the original host travels in ``X-Twilio-Host``
    (the simulator routes on the path, the header is informative). Whatever
    host the SDK picks (api, lookups, an edge or region), nothing leaves for
    the real Twilio.
    """

    def __init__(
        self, sandbox_url, timeout=TWILIO_TIMEOUT, pool_size=DEFAULT_POOL_SIZE
    ):
        parts = urlsplit(sandbox_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"Invalid simulator URL: {sandbox_url!r}")
        super().__init__(pool_connections=True, timeout=timeout)
        self.sandbox_url = sandbox_url
        self._base = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        # The simulator usually speaks http: pooled like https.
        _mount_pool(self.session, pool_size, ("http://", "https://"))
        # A proxy taken from the environment must not intercept loopback calls.
        self.session.trust_env = False

    def rewrite_url(self, url):
        """Return ``(simulator_url, original_host)`` for an SDK URL."""
        parts = urlsplit(url)
        target = self._base + (parts.path or "/")
        if parts.query:
            target += "?" + parts.query
        return target, parts.netloc

    def request(
        self,
        method,
        url,
        params=None,
        data=None,
        headers=None,
        auth=None,
        timeout=None,
        allow_redirects=False,
    ):
        target, host = self.rewrite_url(url)
        headers = dict(headers or {})
        headers[SANDBOX_HOST_HEADER] = host
        return super().request(
            method,
            target,
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )


def _mount_pool(session, pool_size, prefixes):
    # No retries here: the addon retries by requeueing the SMS.
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
    for prefix in prefixes:
        session.mount(prefix, adapter)


def get_http_client(sandbox_url=None, timeout=TWILIO_TIMEOUT, pool_size=None):
    """Return the process-wide HTTP client for this target and timeout.

    One client (one ``requests`` session, one connection pool of at least
    ``pool_size`` connections) per ``(sandbox_url, timeout, pool_size)`` so
    that consecutive SMS reuse connections.
    """
    if not timeout or timeout <= 0:
        raise ValueError(f"A positive timeout is required, got {timeout!r}")
    pool_size = max(pool_size or 0, DEFAULT_POOL_SIZE)
    key = (sandbox_url or None, float(timeout), pool_size)
    with _http_clients_lock:
        http_client = _http_clients.get(key)
        if http_client is None:
            if sandbox_url:
                http_client = SandboxHttpClient(
                    sandbox_url, timeout=timeout, pool_size=pool_size
                )
            else:
                http_client = TwilioHttpClient(pool_connections=True, timeout=timeout)
                # The SDK's own pool keeps 10 connections.
                _mount_pool(http_client.session, pool_size, ("https://",))
            _http_clients[key] = http_client
        return http_client


def get_client(
    account_sid, auth_token, sandbox_url=None, timeout=TWILIO_TIMEOUT, pool_size=None
):
    """Return a ``twilio.rest.Client`` for these credentials.

    :param sandbox_url: base URL of the Twilio simulator (``http://host:port``);
        ``None`` talks to the real Twilio.
    :param timeout: seconds for connecting and for reading each response.
    :param pool_size: connections to keep: at least the requests in flight.
    """
    http_client = get_http_client(sandbox_url, timeout, pool_size)
    return Client(account_sid, auth_token, http_client=http_client)


def get_request_validator(auth_token):
    """Return the SDK's validator of ``X-Twilio-Signature`` headers."""
    return RequestValidator(auth_token)
