# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Processes, the simulator's control API and the storm for scripts/fault_suite.py."""

import contextlib
import json
import os
import shlex
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_SCRIPT = os.path.join(ROOT, "scripts", "fault_suite_odoo.py")
# Never through a proxy from the environment: everything is on loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def read_env():
    """The variables scripts/setup.sh wrote to var/env.sh."""
    values = {}
    with open(os.path.join(ROOT, "var", "env.sh"), encoding="utf-8") as env_file:
        for line in env_file:
            name, sep, value = line.strip().partition("=")
            if sep and not name.startswith("#"):
                values[name] = shlex.split(value)[0] if value else ""
    return values


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------- processes


class Processes:
    """Every process the suite starts, stopped (never orphaned) by ``stop_all``."""

    def __init__(self, env, db, log_dir):
        self.env, self.db, self.log_dir = env, db, log_dir
        self.started = []

    def odoo_options(self):
        env = self.env
        return [
            f"--addons-path={env['ADDONS_PATH']}",
            f"--data-dir={env['VAR']}/data",
            f"--db_host={env['DB_HOST']}",
            f"--db_port={env['DB_PORT']}",
            f"--db_user={env['DB_USER']}",
            f"--db_password={env['DB_PASSWORD']}",
            f"--database={self.db}",
            f"--db-filter=^{self.db}$",
        ]

    def _python(self):
        return os.path.join(self.env["VENV"], "bin", "python")

    def _odoo_bin(self):
        return os.path.join(self.env["ODOO_PATH"], "odoo-bin")

    def start(self, name, argv, stdin=None, extra_env=None):
        log = open(os.path.join(self.log_dir, f"{name}.log"), "ab")  # noqa: SIM115
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(extra_env or {})},
        )
        log.close()
        process.suite_name = name
        self.started.append(process)
        return process

    def run_odoo(self, name, args, timeout):
        """odoo-bin with ``args`` to completion (install, update)."""
        argv = [self._python(), self._odoo_bin(), *self.odoo_options(), *args]
        process = self.start(name, argv)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise RuntimeError(f"{name} took more than {timeout} s") from None

    def odoo_shell(self, name, mode, extra_env):
        """``odoo-bin shell`` running scripts/fault_suite_odoo.py in ``mode``."""
        argv = [
            self._python(),
            self._odoo_bin(),
            "shell",
            *self.odoo_options(),
            "--no-http",
            "--log-level=warn",
        ]
        with open(ODOO_SCRIPT, "rb") as script:
            return self.start(
                name, argv, stdin=script, extra_env={"FAULTS_MODE": mode, **extra_env}
            )

    def odoo_http(self, port):
        """Odoo serving the status callbacks the simulator sends, on loopback."""
        argv = [
            self._python(),
            self._odoo_bin(),
            *self.odoo_options(),
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            "--max-cron-threads=0",
            "--log-level=warn",
        ]
        return self.start("odoo-http", argv)

    def simulator(self, port, latency_ms, callbacks):
        argv = [
            self._python(),
            "-m",
            "tools.twilio_simulator",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--latency-ms",
            str(latency_ms),
            "--delays",
            "0.2,0.4",
            "--quiet",
        ]
        if not callbacks:
            argv.append("--no-auto-progress")
        return self.start("simulator", argv)

    def stop_all(self, grace=5.0):
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.started:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# ---------------------------------------------------------------- simulator


def sim_call(base_url, path, payload=None, method=None, timeout=10):
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(
        base_url + path,
        data=data,
        method=method or ("POST" if data is not None else "GET"),
        headers={"Content-Type": "application/json"},
    )
    with _OPENER.open(request, timeout=timeout) as response:
        return json.load(response)


def wait_http(url, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            with _OPENER.open(url, timeout=2) as response:
                if response.status < 500:
                    return True
        time.sleep(0.3)
    return False


# Faults of the storm; "slow" answers after the client's timeout.
FAULT_WEIGHTS = {"429": 3, "500": 3, "503": 1, "drop": 2, "slow": 1}


class Storm(threading.Thread):
    """Keeps one fault pending in the simulator; each is taken by one request."""

    def __init__(self, sim_url, rng, slow_max, slow_seconds, kinds=None, interval=0.04):
        super().__init__(name="storm", daemon=True)
        self.kinds = [
            kind for kind in FAULT_WEIGHTS if kind in (kinds or FAULT_WEIGHTS)
        ]
        self.sim_url, self.rng, self.slow_max = sim_url, rng, slow_max
        self.interval, self.slow_seconds = interval, slow_seconds
        self.on, self.stopping = threading.Event(), threading.Event()
        self.lock = threading.Lock()
        self.consumed = dict.fromkeys(FAULT_WEIGHTS, 0)
        self.last_slow = 0.0
        self.error = None
        # Every kind early on, so that none can be missing from a short run.
        self.sequence = [
            k for k in ("429", "drop", "500", "slow", "503") if k in self.kinds
        ]

    def pick(self):
        if self.sequence:
            return self.sequence.pop(0)
        kinds = [
            k
            for k in self.kinds
            if k != "slow"
            or (
                self.consumed["slow"] < self.slow_max
                # One at a time: each holds a whole batch until the timeout.
                and time.monotonic() - self.last_slow > self.slow_seconds + 1
            )
        ]
        return self.rng.choices(kinds, [FAULT_WEIGHTS[k] for k in kinds])[0]

    def run(self):
        try:
            while not self.stopping.wait(self.interval):
                with self.lock:
                    if self.on.is_set() and not self._pending():
                        self._inject(self.pick())
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            self.error = error

    def _pending(self):
        return sim_call(self.sim_url, "/_sim/faults")["faults"]

    def _inject(self, kind):
        fault = {"kind": kind, "count": 1, "scope": "messages"}
        if kind == "slow":
            fault["seconds"] = self.slow_seconds
            self.last_slow = time.monotonic()
        sim_call(self.sim_url, "/_sim/faults", fault)
        self.consumed[kind] += 1  # taken back in off() while still pending

    def off(self):
        with self.lock:
            self.on.clear()
            for fault in self._pending():
                self.consumed[fault["kind"]] -= 1
            sim_call(self.sim_url, "/_sim/faults", method="DELETE")
