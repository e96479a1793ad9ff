# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Start-up of the loopback HTTP stand-ins (the AI stand-in, the tests'
webhook receiver): development tools, never imported by the addon at
runtime."""

import threading
from http.server import ThreadingHTTPServer


def loopback_server(handler):
    """A threaded HTTP server of ``handler`` on a free 127.0.0.1 port.

    :return: ``(server, its base URL, the daemon thread serving it)``; the
        thread is not started yet
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    return server, f"http://127.0.0.1:{server.server_address[1]}", thread
