# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Processes of `make bench`: the databases, the simulator, ``odoo-bin shell``
steps (bench/odoo_steps.py) and Odoo servers, for both sides."""

import collections
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from scripts.fault_suite_procs import free_port, read_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIDES = ("stock", "ours")
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_STEP_CODE = "from bench import odoo_steps\nodoo_steps.run(env)\n"


def http_json(url, data=None, timeout=60):
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}
    )
    with _OPENER.open(request, timeout=timeout) as response:
        return json.load(response)


class Bench:
    """Both sides' databases and every process started, stopped by ``close``."""

    def __init__(self, prefix, latency_ms, log_dir=None):
        self.env = read_env()
        self.prefix = prefix
        self.latency_ms = latency_ms
        self.log_dir = log_dir or tempfile.mkdtemp(prefix="bench-")
        self.processes = []
        self.sim_url = None
        # Known before set-up: each side's web.base.url is its server's URL
        # (stock signs status callbacks with it).
        self.urls = {side: f"http://127.0.0.1:{free_port()}" for side in SIDES}

    # ------------------------------------------------------------ plumbing

    def db(self, side):
        return f"{self.prefix}_{side}"

    def addons_path(self, side):
        if side == "ours":
            return self.env["ADDONS_PATH"]
        odoo = self.env["ODOO_PATH"]
        return f"{odoo}/addons,{odoo}/odoo/addons"

    def _pg(self, *argv):
        env = {**os.environ, "PGPASSWORD": self.env["DB_PASSWORD"]}
        connection = ["-h", self.env["DB_HOST"], "-p", self.env["DB_PORT"]]
        connection += ["-U", self.env["DB_USER"]]
        subprocess.run([argv[0], *connection, *argv[1:]], env=env, check=True)

    def sql(self, side, query):
        """Rows of a read-only query on a side's database (checks, not measures)."""
        env = {**os.environ, "PGPASSWORD": self.env["DB_PASSWORD"]}
        argv = ["psql", "-h", self.env["DB_HOST"], "-p", self.env["DB_PORT"]]
        argv += ["-U", self.env["DB_USER"], "-d", self.db(side), "-AtF", "\t", "-c"]
        output = subprocess.run(
            [*argv, query], env=env, check=True, capture_output=True, text=True
        ).stdout
        return [line.split("\t") for line in output.splitlines()]

    def odoo_argv(self, side, *extra):
        env = self.env
        db = self.db(side)
        return [
            os.path.join(env["VENV"], "bin", "python"),
            os.path.join(env["ODOO_PATH"], "odoo-bin"),
            *extra,
            f"--addons-path={self.addons_path(side)}",
            f"--data-dir={env['VAR']}/data",
            f"--db_host={env['DB_HOST']}",
            f"--db_port={env['DB_PORT']}",
            f"--db_user={env['DB_USER']}",
            f"--db_password={env['DB_PASSWORD']}",
            # One database and no --db-filter, as a single-database
            # production server: Odoo then does not list the databases (a
            # connection to "postgres") on every request without a session,
            # which Twilio's callbacks are.
            f"--database={db}",
            "--log-level=warn",
        ]

    def _log(self, name):
        return open(os.path.join(self.log_dir, f"{name}.log"), "ab")  # noqa: SIM115

    # ------------------------------------------------------------ databases

    def create_databases(self):
        """Fresh databases, both installed at once (no demo data)."""
        modules = {"stock": "sms_twilio,mass_mailing_sms", "ours": "sms_twilio_gateway"}
        installs = []
        for side in SIDES:
            self._pg("dropdb", "--if-exists", self.db(side))
            argv = self.odoo_argv(side) + [
                "-i", modules[side], "--stop-after-init", "--max-cron-threads=0",
                "--http-port=0",
            ]  # fmt: skip
            with self._log(f"install-{side}") as log:
                installs.append(
                    subprocess.Popen(
                        argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
                    )
                )
        if any(process.wait() for process in installs):
            raise RuntimeError(f"install failed, see {self.log_dir}/install-*.log")

    def drop_databases(self):
        for side in SIDES:
            self._pg("dropdb", "--if-exists", self.db(side))

    # ------------------------------------------------------------ simulator

    def start_simulator(self):
        port = free_port()
        argv = [
            os.path.join(self.env["VENV"], "bin", "python"),
            "-m", "tools.twilio_simulator", "serve", "--port", str(port),
            "--latency-ms", str(self.latency_ms), "--no-auto-progress", "--quiet",
        ]  # fmt: skip
        self._start("simulator", argv)
        self.sim_url = f"http://127.0.0.1:{port}"
        self._wait_up(self.sim_url + "/_sim/health", "simulator")
        return self.sim_url

    def simulator_cpu(self):
        """CPU seconds the simulator process used so far (Linux)."""
        (process,) = [p for p in self.processes if p.bench_name == "simulator"]
        with open(f"/proc/{process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def sim_messages(self):
        return http_json(self.sim_url + "/_sim/messages", timeout=300)["messages"]

    def sim_counts(self):
        """How many times the simulator received each (To, Body)."""
        return collections.Counter(
            (message["to"], message["body"]) for message in self.sim_messages()
        )

    # ------------------------------------------------------------ processes

    def _start(self, name, argv, env=None):
        with self._log(name) as log:
            process = subprocess.Popen(
                argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
            )  # fmt: skip
        process.bench_name = name
        self.processes.append(process)
        return process

    def _wait_up(self, url, what, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with _OPENER.open(url, timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{what} did not answer on {url}; logs in {self.log_dir}")

    def step_env(self, side, step, **args):
        return {
            "PYTHONPATH": ROOT,
            "BENCH_STEP": step,
            "BENCH_SIM_URL": self.sim_url,
            "BENCH_BASE_URL": self.urls[side],
            **{f"BENCH_{name.upper()}": str(value) for name, value in args.items()},
        }

    def start_step(self, side, step, **args):
        """An ``odoo-bin shell`` running one step; ``finish_step`` reads it."""
        argv = self.odoo_argv(side, "shell") + ["--no-http", "--max-cron-threads=0"]
        name = f"{side}-{step}-{len(self.processes)}"
        with self._log(name) as log:
            process = subprocess.Popen(
                argv, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=log, text=True,
                env={**os.environ, **self.step_env(side, step, **args)},
            )  # fmt: skip
        process.stdin.write(_STEP_CODE)
        process.stdin.close()
        process.bench_name = name
        self.processes.append(process)
        return process

    def finish_step(self, process):
        output = process.stdout.read()
        process.wait()
        for line in output.splitlines():
            if line.startswith("BENCH_RESULT "):
                return json.loads(line[len("BENCH_RESULT ") :])
        raise RuntimeError(
            f"{process.bench_name} gave no result (exit {process.returncode}):\n"
            f"{output[-2000:]}\nsee {self.log_dir}/{process.bench_name}.log"
        )

    def step(self, side, step, **args):
        return self.finish_step(self.start_step(side, step, **args))

    def start_server(self, side, workers=2):
        port = self.urls[side].rsplit(":", 1)[1]
        argv = self.odoo_argv(side) + [
            f"--http-port={port}", "--http-interface=127.0.0.1",
            f"--gevent-port={free_port()}",
            f"--workers={workers}", "--max-cron-threads=0",
            "--limit-time-real=600", "--limit-time-cpu=600",
        ]  # fmt: skip
        return self._start(f"server-{side}", argv)

    def wait_server(self, side):
        self._wait_up(self.urls[side] + "/web/health", f"Odoo {side}")

    def stop(self, process):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def close(self):
        for process in reversed(self.processes):
            self.stop(process)


def machine():
    """One line: cores, CPU model, memory, kernel, Python."""
    model = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            memory = int(meminfo.readline().split()[1]) // (1024 * 1024)
    except OSError:
        memory = "?"
    uname = os.uname()
    return (
        f"{os.cpu_count()} cores ({model}), {memory} GiB, {uname.sysname} "
        f"{uname.release}, Python {sys.version.split()[0]}"
    )
