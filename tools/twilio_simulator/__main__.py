# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Command line of the Twilio simulator.

    python -m tools.twilio_simulator serve --port 8899 \\
        --fate +32470000009=undelivered:30003 --line-type +3222345678=landline
    python -m tools.twilio_simulator inject --from +32470000001 --to +32460000000 \\
        --body STOP --url http://localhost:8069/sms_twilio_gateway/inbound
"""

import argparse
import decimal
import json
import logging
import signal
import sys
import threading
import urllib.error
import urllib.request

from .core import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    FATES,
    FAULT_KINDS,
    Simulator,
)
from .server import SimulatorServer

_logger = logging.getLogger("tools.twilio_simulator")


def _pair(text, separator, what):
    left, sep, right = text.partition(separator)
    if not sep or not left or not right:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return left.strip(), right.strip()


def _account(text):
    return _pair(text, ":", "SID:TOKEN")


def _fate(text):
    number, outcome = _pair(text, "=", "NUMBER=STATUS[:ERROR_CODE]")
    status, _, code = outcome.partition(":")
    if status not in FATES:
        raise argparse.ArgumentTypeError(
            f"status must be one of {FATES}, got {status!r}"
        )
    if code and not code.isdigit():
        raise argparse.ArgumentTypeError(f"error code must be a number, got {code!r}")
    return number, status, int(code) if code else None


def _line_type(text):
    return _pair(text, "=", "NUMBER=LINE_TYPE")


def _fault(text):
    # KIND[:COUNT[:SCOPE[:SECONDS]]], e.g. 429:3:messages or slow:1:lookup:5
    kind, count, scope, seconds = (text.split(":") + ["", "", ""])[:4]
    if kind not in FAULT_KINDS:
        raise argparse.ArgumentTypeError(f"fault must be one of {FAULT_KINDS}")
    try:
        return {
            "kind": kind,
            "count": int(count or 1),
            "scope": scope or None,
            "seconds": float(seconds) if seconds else None,
        }
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _delays(text):
    try:
        return tuple(float(part) for part in text.split(","))
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"expected seconds like 0.5,1.0: {error}"
        ) from error


def _price(text):
    try:
        return str(decimal.Decimal(text))
    except decimal.InvalidOperation as error:
        message = f"expected USD like 0.0079: {text!r}"
        raise argparse.ArgumentTypeError(message) from error


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m tools.twilio_simulator", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the simulator")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8899)
    serve.add_argument(
        "--account",
        type=_account,
        action="append",
        default=[],
        metavar="SID:TOKEN",
        help="an extra account (the sandbox account always exists)",
    )
    serve.add_argument(
        "--accept-any-account",
        action="store_true",
        help="accept any AC… SID with the token it first uses",
    )
    serve.add_argument("--inbound-url", help="default target of inbound messages")
    serve.add_argument(
        "--no-auto-progress",
        dest="auto_progress",
        action="store_false",
        help="statuses move only through POST /_sim/advance",
    )
    serve.add_argument(
        "--delays",
        type=_delays,
        default=(0.2, 0.5),
        help="seconds per step, e.g. 0.5,1.0",
    )
    serve.add_argument("--price-per-segment", type=_price, default="0.0079")
    serve.add_argument("--latency-ms", type=int, default=0)
    serve.add_argument(
        "--fate",
        type=_fate,
        action="append",
        default=[],
        metavar="NUMBER=STATUS[:CODE]",
        help="e.g. +32470000009=undelivered:30003 (a prefix ends with *)",
    )
    serve.add_argument(
        "--line-type",
        type=_line_type,
        action="append",
        default=[],
        metavar="NUMBER=TYPE",
        help="Lookup line type override, e.g. +3222345678=landline",
    )
    serve.add_argument(
        "--fault",
        type=_fault,
        action="append",
        default=[],
        metavar="KIND[:COUNT[:SCOPE[:SECONDS]]]",
        help=f"KIND in {', '.join(FAULT_KINDS)}; SCOPE messages or lookup",
    )
    serve.add_argument("--quiet", action="store_true", help="no per-request log lines")

    inject = commands.add_parser("inject", help="post a signed inbound SMS to an app")
    inject.add_argument("--url", help="the app's inbound webhook URL")
    inject.add_argument("--from", dest="from_", required=True, metavar="NUMBER")
    inject.add_argument("--to", required=True, metavar="NUMBER")
    inject.add_argument("--body", default="")
    inject.add_argument("--media", action="append", default=[], metavar="URL")
    inject.add_argument("--account-sid", default=DEFAULT_ACCOUNT_SID)
    inject.add_argument("--auth-token", default=DEFAULT_AUTH_TOKEN)
    inject.add_argument("--messaging-service-sid")
    inject.add_argument(
        "--simulator",
        metavar="URL",
        help="go through a running simulator (it records the message)",
    )
    inject.add_argument("--timeout", type=float, default=10.0)
    return parser


def serve(args):
    try:
        simulator = Simulator(
            accounts=dict(args.account),
            auto_progress=args.auto_progress,
            delays=args.delays,
            price_per_segment=args.price_per_segment,
            inbound_url=args.inbound_url,
            latency_ms=args.latency_ms,
            faults=args.fault,
            fates={number: (status, code) for number, status, code in args.fate},
            line_types=dict(args.line_type),
            accept_any_account=args.accept_any_account,
        )
    except ValueError as error:  # a bad SID, fault scope, line type...
        print(f"Invalid option: {error}", file=sys.stderr)
        return 2
    server = SimulatorServer(args.host, args.port, simulator).start()
    print(
        f"Twilio simulator on {server.url} (account {DEFAULT_ACCOUNT_SID},"
        f" token {DEFAULT_AUTH_TOKEN}); Ctrl-C stops it",
        file=sys.stderr,
        flush=True,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_args: stopped.set())
    try:
        while not stopped.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def inject(args):
    if args.simulator:
        status, text = _inject_through(args)
    else:
        if not args.url:
            print(
                "--url is required (or --simulator with an inbound URL)",
                file=sys.stderr,
            )
            return 2
        simulator = Simulator(
            accounts={args.account_sid: args.auth_token}, callback_timeout=args.timeout
        )
        try:
            status, text = simulator.inject_inbound(
                args.from_,
                args.to,
                args.body,
                media_urls=args.media,
                url=args.url,
                account_sid=args.account_sid,
                messaging_service_sid=args.messaging_service_sid,
            )
        except OSError as error:
            print(f"Cannot reach {args.url}: {error}", file=sys.stderr)
            return 1
    print(status)
    print(text)
    return 0 if status and 200 <= status < 300 else 1


def _inject_through(args):
    payload = {
        "from": args.from_,
        "to": args.to,
        "body": args.body,
        "media_urls": args.media,
        "url": args.url,
        "account_sid": args.account_sid,
        "messaging_service_sid": args.messaging_service_sid,
    }
    request = urllib.request.Request(
        args.simulator.rstrip("/") + "/_sim/inbound",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=args.timeout) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as error:
        return None, error.read().decode("utf-8", "replace")
    except OSError as error:
        return None, f"Cannot reach the simulator {args.simulator}: {error}"
    return answer["status_code"], answer["response"]


def main(argv=None):
    args = build_parser().parse_args(argv)
    level = logging.WARNING if getattr(args, "quiet", False) else logging.INFO
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s"
    )
    return serve(args) if args.command == "serve" else inject(args)


if __name__ == "__main__":
    sys.exit(main())
