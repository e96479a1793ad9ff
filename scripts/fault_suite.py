# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fault suite: real processes, the real queue, a storm of Twilio faults.

A database (``faults_*``) with the addon, the Twilio simulator in its own
process, Odoo serving the status callbacks, N SMS queued at once, and several
``odoo-bin shell`` drainers running the queue cron method side by side while
the simulator answers 429/500/503, drops connections after reading requests
and answers too late (client timeout). One drainer is killed (SIGKILL) in the
middle of a batch and replaced. Retry backoffs and the 10-minute claim
timeout are not waited for: between drain rounds, with every drainer paused,
the suite moves the queue's clock (fault_suite_db.advance_clock).

Then it checks every SMS: reached Twilio at most once, ended in a final state,
and the right one (fault_suite_checks). Exit 1 on any violation, 2 when the
suite itself could not run. Last line: ``fault suite: N passed, N failed``.

    scripts/fault_suite.sh [--size quick|long] [--db faults_x] [--fresh]
"""

import argparse
import contextlib
import os
import random
import shutil
import signal
import sys
import time

import fault_suite_checks as checks
import fault_suite_db as db
import fault_suite_procs as procs

sys.path.insert(0, procs.ROOT)
from tools.twilio_client import TWILIO_TIMEOUT  # noqa: E402

SIZES = {
    # ~2 minutes once the database exists: fit for `make test`.
    "quick": {"sms": 300, "drainers": 3, "kills": 1, "batch": 20, "slow": 2},
    # For `make bench`: 3 kills, more of everything.
    "long": {"sms": 1000, "drainers": 4, "kills": 3, "batch": 25, "slow": 5},
}
STORM_ROUNDS = 2  # drain rounds under the storm; later ones are calm
# With the backoff (30 s, then 60 s) an SMS is tried at most twice in this
# much real time, so the storm gives it at most 3 faults: fewer than the 5
# attempts it is allowed, and every 429/5xx must end sent.
STORM_SECONDS = 60
LATENCY_MS = 40  # keeps batches busy long enough to be killed in the middle


STARTED = time.monotonic()


def log(message):
    print(f"[faults {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


class Suite:
    def __init__(self, args, size):
        self.args, self.size = args, size
        self.env = procs.read_env()
        # Held until the end: a second run on this database would empty its queue.
        self.lock = db.run_lock(self.env, args.db)
        self.run_id = time.strftime("%H%M%S")
        self.dir = os.path.join(self.env["VAR"], "faults", args.db)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.control = os.path.join(self.dir, "control")
        os.makedirs(self.control)
        self.procs = procs.Processes(self.env, args.db, self.dir)
        self.rng = random.Random(args.seed)
        self.drainers = []  # live drainer processes
        self.drainer_count = 0
        self.killed_batches = []  # UUIDs of the SMS of each killed batch
        self.stuck_known, self.stuck_after_kills, self.stuck_no_kill = (
            set(),
            set(),
            set(),
        )
        self.generation = 0
        self.cr = None

    # ------------------------------------------------------------ set-up

    def prepare_database(self):
        return db.ensure_database(
            self.env, self.args.db, self.args.fresh, self.procs.run_odoo, log
        )

    def start_services(self, digest):
        self.sim_url = f"http://127.0.0.1:{procs.free_port()}"
        http_port = procs.free_port()
        self.procs.simulator(
            self.sim_url.rsplit(":", 1)[1], LATENCY_MS, self.args.callbacks
        )
        if self.args.callbacks:
            self.procs.odoo_http(http_port)
        if not procs.wait_http(self.sim_url + "/_sim/health", 20):
            raise RuntimeError("the simulator did not start")
        prepare = self.procs.odoo_shell(
            "prepare",
            "prepare",
            {
                "FAULTS_SIM_URL": self.sim_url,
                "FAULTS_BASE_URL": f"http://127.0.0.1:{http_port}",
                "FAULTS_BATCH": str(self.size["batch"]),
                "FAULTS_CODE_HASH": digest,
                "FAULTS_RUN": self.run_id,
                "FAULTS_SMS": str(self.size["sms"]),
            },
        )
        if prepare.wait(timeout=180):
            raise RuntimeError(
                f"preparing the database failed (see {self.dir}/prepare.log)"
            )
        if self.args.callbacks and not procs.wait_http(
            f"http://127.0.0.1:{http_port}/web/health", 90
        ):
            raise RuntimeError("Odoo's HTTP server did not start")
        self.cr = db.connect(self.env, self.args.db).cursor()
        self.cr.execute(
            "SELECT uuid FROM sms_sms WHERE body LIKE %s",
            (f"fault suite {self.run_id} #%",),
        )
        self.uuids = [row[0] for row in self.cr.fetchall()]
        log(f"{len(self.uuids)} SMS queued; simulator {self.sim_url}")

    # ------------------------------------------------------------ drainers

    def start_drainer(self):
        self.drainer_count += 1
        name = f"drainer-{self.drainer_count}"
        self.drainers.append(
            self.procs.odoo_shell(name, "drain", {"FAULTS_CTL": self.control})
        )

    def live_drainers(self):
        self.drainers = [d for d in self.drainers if d.poll() is None]
        return self.drainers

    def pause(self):
        """Every live drainer between two batches, all its work committed."""
        self.generation += 1
        marker = str(self.generation)
        with open(os.path.join(self.control, "pause"), "w") as pause:
            pause.write(marker)
        while True:
            waiting = []
            for drainer in self.live_drainers():
                ready = os.path.join(self.control, f"ready-{drainer.pid}")
                with (
                    contextlib.suppress(FileNotFoundError),
                    open(os.path.join(self.control, f"ack-{drainer.pid}")) as ack,
                ):
                    if ack.read() == marker:
                        continue
                if os.path.exists(ready):
                    waiting.append(drainer.pid)
            if not waiting:
                return
            time.sleep(0.05)

    def resume(self, wait_pass=False):
        """Let the drainers go on; with ``wait_pass``, until each ran the queue."""
        before = {d.pid: self._passes(d.pid) for d in self.live_drainers()}
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(self.control, "pause"))
        deadline = time.monotonic() + 60
        while wait_pass and time.monotonic() < deadline:
            if all(
                self._passes(d.pid) > before.get(d.pid, 0)
                for d in self.live_drainers()
                if os.path.exists(os.path.join(self.control, f"ready-{d.pid}"))
            ):
                return
            time.sleep(0.05)

    def _passes(self, pid):
        try:
            with open(os.path.join(self.control, f"pass-{pid}")) as passes:
                return int(passes.read() or 0)
        except FileNotFoundError:
            return 0

    def kill_mid_batch(self):
        """SIGKILL one drainer waiting on Twilio inside its transaction.

        Its batch is known by the rows its transaction holds locked.
        """
        pids = [
            d.pid
            for d in self.live_drainers()
            if os.path.exists(os.path.join(self.control, f"ready-{d.pid}"))
        ]
        for pid, xid in db.busy_drainers(self.cr, self.args.db, pids):
            batch = db.locked_by(self.cr, xid)
            if batch:
                os.kill(pid, signal.SIGKILL)
                self.killed_batches.append(batch)
                log(f"kill -9 drainer {pid} in the middle of {len(batch)} SMS")
                self.start_drainer()
                return True
        return False

    def checkpoint(self):
        """At a pause: SMS left in process belong to no live drainer."""
        new = db.claimed_uuids(self.cr) - self.stuck_known
        self.stuck_known |= new
        killed = set().union(*self.killed_batches)
        self.stuck_after_kills |= new & killed
        if new - killed:
            self.stuck_no_kill |= new - killed
            log(f"{len(new - killed)} SMS left in process, no drainer killed")

    def kills_landed(self):
        return sum(bool(b & self.stuck_after_kills) for b in self.killed_batches)

    def drain(self, storm):
        for _index in range(self.size["drainers"]):
            self.start_drainer()
        storm.on.set()
        storm_start = time.monotonic()
        kills = self.size["kills"]
        # Kill i once that share of the SMS was taken, early enough that every
        # kill lands in the first round however fast it drains.
        thresholds = [0.1 + 0.5 * i / kills for i in range(kills)]
        rounds, attempts = 1, 0
        previous, stalled, last_log = None, 0, time.monotonic()
        total = len(self.uuids)
        while True:
            counts = db.queue_counts(self.cr)
            if storm.on.is_set() and time.monotonic() - storm_start > STORM_SECONDS:
                storm.off()
                log("storm over (time)")
            done = 1 - counts["due"] / total  # share of the SMS taken at least once
            if time.monotonic() - last_log > 5:
                log(f"queue: {counts}")
                last_log = time.monotonic()
            if thresholds and done >= thresholds[0] and attempts < 1000 * kills:
                attempts += 1
                if self.kill_mid_batch():
                    thresholds.pop(0)
            if counts["due"]:
                time.sleep(0.05 if thresholds else 0.2)
                continue
            self.pause()
            try:
                self.checkpoint()
                counts = db.queue_counts(self.cr)
                if counts["due"]:
                    continue
                if not counts["deferred"] and not counts["process"]:
                    return rounds
                stalled = stalled + 1 if counts == previous else 0
                if stalled >= 5:
                    log(f"no progress after 5 clock moves: {counts}")
                    return rounds
                previous = counts
                if rounds >= STORM_ROUNDS and storm.on.is_set():
                    storm.off()
                    log("storm over (rounds)")
                retries, aged = db.advance_clock(self.cr)
                rounds += 1
                log(
                    f"round {rounds}: clock moved on ({retries} retries due, "
                    f"{aged} claims aged)"
                )
            finally:
                # Every drainer sees the new time (recovery included) before
                # the suite looks again.
                self.resume(wait_pass=True)

    def stop_drainers(self):
        open(os.path.join(self.control, "stop"), "w").close()
        for drainer in self.live_drainers():
            with contextlib.suppress(Exception):
                drainer.wait(timeout=20)

    def settle(self, storm):
        """Late answers of slow faults created, status callbacks delivered."""
        late = storm.last_slow + TWILIO_TIMEOUT + 2 - time.monotonic()
        if late > 0:
            time.sleep(late)
        previous, stable_since = None, time.monotonic()
        deadline = time.monotonic() + (90 if self.args.callbacks else 0)
        while time.monotonic() < deadline:
            messages = procs.sim_call(self.sim_url, "/_sim/messages")["messages"]
            sent = sum(len(m["callbacks"]) for m in messages)
            done = len(procs.sim_call(self.sim_url, "/_sim/callbacks")["callbacks"])
            final = all(m["status"] == "delivered" for m in messages)
            if (done, sent) != previous:
                previous, stable_since = (done, sent), time.monotonic()
            elif final and done == sent and time.monotonic() - stable_since > 1.5:
                break
            time.sleep(0.5)

    def report(self, storm):
        messages = procs.sim_call(self.sim_url, "/_sim/messages")["messages"]
        callback_log = procs.sim_call(self.sim_url, "/_sim/callbacks")["callbacks"]
        rows = db.final_rows(self.cr, self.uuids)
        facts = {
            "faults": storm.consumed,
            "stuck_after_kills": self.stuck_after_kills,
            "stuck_no_kill": self.stuck_no_kill,
            "kills": self.size["kills"],
            "kills_landed": self.kills_landed(),
            "callbacks": self.args.callbacks,
            "kinds": storm.kinds,
        }
        found, table, received = checks.evaluate(
            self.uuids, rows, messages, callback_log, facts
        )
        retries = checks.retry_summary(self.uuids, rows)
        print(checks.render(found, table, received, retries, storm.consumed))
        errors = sum(self._drainer_errors())
        print(f"drainer exceptions (rolled back, as a cron run would): {errors}")
        return found

    def _drainer_errors(self):
        for name in os.listdir(self.dir):
            if name.startswith("drainer-"):
                with open(os.path.join(self.dir, name), errors="replace") as output:
                    yield output.read().count(" error:\n")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="quick")
    parser.add_argument("--sms", type=int, help="SMS to queue (default: by size)")
    parser.add_argument("--drainers", type=int, help="drainers at once")
    parser.add_argument("--kills", type=int, help="drainers killed mid-batch")
    parser.add_argument("--db", default="faults_suite", help="database, faults_*")
    parser.add_argument(
        "--fresh", action="store_true", help="drop and recreate the database"
    )
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "--faults",
        type=lambda text: text.split(","),
        help=f"kinds of the storm, default all: {','.join(procs.FAULT_WEIGHTS)}",
    )
    parser.add_argument(
        "--timeout", type=int, help="seconds once the database is ready"
    )
    parser.add_argument(
        "--no-callbacks",
        dest="callbacks",
        action="store_false",
        help="no Odoo HTTP server: the simulator sends no status callbacks",
    )
    args = parser.parse_args(argv)
    if not args.db.startswith("faults_"):
        parser.error("--db must start with faults_")
    return args


def main(argv=None):
    args = parse_args(argv)
    size = dict(SIZES[args.size])
    size.update(
        {k: getattr(args, k) for k in ("sms", "drainers", "kills") if getattr(args, k)}
    )
    timeout = args.timeout or (300 if args.size == "quick" else 900)
    try:
        suite = Suite(args, size)
    except RuntimeError as error:
        print(f"fault suite: 0 passed, 1 failed ({error})")
        return 2

    def on_alarm(*_args):
        raise TimeoutError(f"the suite took more than {timeout} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, lambda *_a: sys.exit(2))
    storm = None
    try:
        digest = suite.prepare_database()
        signal.alarm(timeout)
        suite.start_services(digest)
        storm = procs.Storm(
            suite.sim_url,
            suite.rng,
            size["slow"],
            TWILIO_TIMEOUT + 1,
            kinds=args.faults,
        )
        storm.start()
        log(
            f"draining with {size['drainers']} processes, storm on, "
            f"{size['kills']} kill(s) planned"
        )
        rounds = suite.drain(storm)
        log(f"queue empty after {rounds} rounds")
        suite.stop_drainers()
        if storm.on.is_set():
            storm.off()
        storm.stopping.set()
        suite.settle(storm)
        if storm.error:
            raise storm.error
        found = suite.report(storm)
    except (Exception, TimeoutError) as error:  # noqa: BLE001 - reported, exit 2
        log(f"the suite could not run: {error!r} (logs in {suite.dir})")
        print("fault suite: 0 passed, 1 failed (the suite did not finish)")
        return 2
    finally:
        signal.alarm(0)
        if storm:
            storm.stopping.set()
        suite.procs.stop_all()
    failed = sum(not check.passed for check in found)
    log(f"logs in {suite.dir}")
    print(f"fault suite: {len(found) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
