# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A stand-in chat-completions server on loopback, for tests and the sandbox.

A development tool like the Twilio simulator: never imported by the addon at
runtime. It answers ``POST .../chat/completions`` with ``reply`` (or
``status``/``delay`` to play a failure) and records what it received.
"""

import json
import time
from http.server import BaseHTTPRequestHandler

from .loopback import loopback_server


class StandInServer:
    def __init__(self, reply="Hi! Our sale starts today.", key=None):
        self.reply = reply
        self.key = key  # when set, other bearer tokens get 401
        self.status = 200
        self.delay = 0.0
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(
                    {
                        "path": self.path,
                        "json": body,
                        "authorization": self.headers.get("Authorization"),
                    }
                )
                time.sleep(server.delay)
                status = server.status
                if server.key and self.headers.get("Authorization") != (
                    f"Bearer {server.key}"
                ):
                    status = 401
                if not self.path.endswith("/chat/completions"):
                    status = 404
                answer = {
                    "id": "chatcmpl-standin",
                    "object": "chat.completion",
                    "model": body.get("model"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": server.reply},
                            "finish_reason": "stop",
                        }
                    ],
                }
                if status != 200:
                    answer = {"error": {"message": "stand-in error", "code": status}}
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up (a timeout test)

            def log_message(self, *args):
                pass

        self._httpd, base_url, self._thread = loopback_server(Handler)
        self.url = base_url + "/v1"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()
