# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""`make bench`: stock Odoo 19 (sms_twilio + mass_mailing_sms) and this addon
side by side, one run, one Twilio simulator answering after a fixed latency.

Sizes scale with ``BENCH_SCALE`` (1 = the issue's sizes; 0.1 to iterate);
``BENCH_LATENCY_MS`` (50), ``BENCH_CALLBACK_THREADS`` (8), ``BENCH_DB_PREFIX``
(bench), ``BENCH_KEEP_DB`` (1: keep the databases). Exit status 1 when the
simulator did not receive every message exactly once.
"""

import datetime
import os
import shlex
import subprocess
import sys
import tempfile

from . import callbacks
from .harness import ROOT, SIDES, Bench, machine
from .report import print_report

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
LATENCY_MS = int(os.environ.get("BENCH_LATENCY_MS", "50"))
THREADS = int(os.environ.get("BENCH_CALLBACK_THREADS", "8"))


def size(full):
    return max(10, int(full * SCALE))


N_DISPATCH = size(1000)  # per round, two rounds a side
N_MAILING = size(10000)
N_LOOKUP = size(500)  # a short queue: BE ABBA twice, MX ABBA once
N_TWO_DRAINERS = size(2000)
N_CALLBACKS = size(2000)  # a side, of the mailing's SMS
PREVIEW_SIZES = (size(10000), size(100000))


class Run:
    def __init__(self, bench):
        self.bench = bench
        self.expected = {}  # body -> SMS queued with it
        self.blocks = iter(range(40))
        self.r = {}
        self.left = {}  # body -> where its unsent SMS stand in Odoo

    def tag(self, side, measure):
        return f"Bench {side} {measure} {len(self.expected)}"

    def queue(self, side, step, count, measure, **args):
        body = self.tag(side, measure)
        result = self.bench.step(
            side, step, count=count, tag=body, block=next(self.blocks), **args
        )
        self.expected[body] = result["queued"]
        return body, result

    def drain(self, side, body):
        result = self.bench.step(side, "drain", tag=body)
        self.left[body] = result["states"]
        result["received"] = self.received(body)
        return result

    def received(self, body):
        return sum(
            1 for message in self.bench.sim_messages() if message["body"] == body
        )

    # ------------------------------------------------------------ measures

    def dispatch(self):
        """Two rounds a side, stock ours ours stock: SMS/s and 1k drain RSS."""
        sent = dict.fromkeys(SIDES, 0)
        seconds = dict.fromkeys(SIDES, 0.0)
        rss = dict.fromkeys(SIDES, 0.0)
        for side in ("stock", "ours", "ours", "stock"):
            body, _queued = self.queue(side, "queue_partners", N_DISPATCH, "dispatch")
            result = self.drain(side, body)
            sent[side] += result["received"]
            seconds[side] += result["seconds"]
            rss[side] = max(rss[side], result["rss_mb"])
        self.r["dispatch"] = {side: sent[side] / seconds[side] for side in SIDES}
        self.r["rss_small"] = rss

    def status_callbacks(self):
        """Both servers up on --workers=2; callbacks in interleaved chunks."""
        bench = self.bench
        servers = [bench.start_server(side) for side in SIDES]
        try:
            for side in SIDES:
                bench.wait_server(side)
            messages = bench.sim_messages()
            jobs = {}
            for side in SIDES:
                # A mailing's SMS: both sides have a tracker and a trace to update.
                mine = [
                    m for m in messages if m["body"] == self.r["mailing_body"][side]
                ]
                jobs[side] = callbacks.delivered_callbacks(
                    mine[: N_CALLBACKS + THREADS], bench.urls[side]
                )
            warm = {side: jobs[side][:THREADS] for side in SIDES}
            for side in SIDES:  # each worker's first requests load the registry
                callbacks.fire(warm[side], THREADS)
            chunks = 4
            done = dict.fromkeys(SIDES, 0)
            seconds = dict.fromkeys(SIDES, 0.0)
            failures = {side: {} for side in SIDES}
            for index in range(chunks):
                order = SIDES if index % 2 == 0 else tuple(reversed(SIDES))
                for side in order:
                    todo = jobs[side][THREADS:]
                    chunk = todo[index::chunks]
                    elapsed, failed = callbacks.fire(chunk, THREADS)
                    seconds[side] += elapsed
                    done[side] += len(chunk)
                    for failure, count in failed.items():
                        failures[side][failure] = failures[side].get(failure, 0) + count
            self.r["callbacks"] = {side: done[side] / seconds[side] for side in SIDES}
            self.r["callbacks_count"] = done
            self.r["callbacks_failures"] = failures
            self.r["traces_after_callbacks"] = {
                side: dict(
                    bench.sql(
                        side,
                        "SELECT trace_status, count(*) FROM mailing_trace"
                        " WHERE trace_type = 'sms' GROUP BY 1 ORDER BY 1",
                    )
                )
                for side in SIDES
            }
        finally:
            for server in servers:
                bench.stop(server)

    def mailing(self):
        """Queue a large list mailing (timed), then drain it: the first
        mailing to new numbers (ours looks them up at first send) and the
        peak memory of a large drain."""
        self.r["queueing"], self.r["first_mailing"], self.r["rss_large"] = {}, {}, {}
        self.r["mailing_body"] = {}
        for side in SIDES:
            body, queued = self.queue(side, "queue_mailing", N_MAILING, "mailing")
            self.r["mailing_body"][side] = body
            self.r["queueing"][side] = queued["seconds"]
            result = self.drain(side, body)
            self.r["first_mailing"][side] = result["received"] / result["seconds"]
            self.r["rss_large"][side] = result["rss_mb"]

    def lookups(self):
        """Ours: mailings to new numbers, lookup off / at first send, ABBA:
        Belgian mobiles (mobile-only ranges) and Mexican numbers (ranges
        mobiles and landlines share, as all of North America's); short
        queues (a queue run's fixed costs show) and mailing-sized ones."""
        self.r["lookup"] = {}
        for count, plan, rounds in (
            (N_LOOKUP, "be", 2),
            (N_LOOKUP, "mx", 1),
            (N_MAILING, "be", 1),
            (N_MAILING, "mx", 1),
        ):
            # (received, seconds, drain CPU seconds, simulator CPU seconds)
            runs = {"off": [], "first_send": []}
            for policy in ("off", "first_send", "first_send", "off") * rounds:
                body, _queued = self.queue(
                    "ours", "queue_mailing", count, f"lookup-{plan}-{policy}",
                    lookup_policy=policy, plan=plan,
                )  # fmt: skip
                simulator = self.bench.simulator_cpu()
                result = self.drain("ours", body)
                runs[policy].append(
                    (
                        result["received"],
                        result["seconds"],
                        result["cpu_seconds"],
                        self.bench.simulator_cpu() - simulator,
                    )
                )
            self.r["lookup"][plan, count] = runs

    def two_drainers(self):
        """Ours: one queue, two drainer processes started together."""
        bench = self.bench
        body, _queued = self.queue(
            "ours", "queue_mailing", N_TWO_DRAINERS, "two-drainers", lookup_policy="off"
        )
        control = tempfile.mkdtemp(prefix="bench-go-", dir=bench.log_dir)
        drainers = [
            bench.start_step("ours", "drain", control=control, tag=body) for _i in "ab"
        ]
        while len([n for n in os.listdir(control) if n.startswith("ready-")]) < 2:
            if any(process.poll() is not None for process in drainers):
                break
            subprocess.run(["sleep", "0.05"], check=False)
        open(os.path.join(control, "go"), "w").close()  # noqa: SIM115
        results = [bench.finish_step(process) for process in drainers]
        wall = max(r["ended"] for r in results) - min(r["started"] for r in results)
        # What stays is known when the last drainer stops.
        self.left[body] = max(results, key=lambda r: r["ended"])["states"]
        counts = [
            count for (_to, text), count in bench.sim_counts().items() if text == body
        ]
        self.r["two_drainers"] = {
            "rate": len(counts) / wall,
            "duplicates": sum(count - 1 for count in counts),
            "errors": sum(r["errors"] for r in results),
        }

    def preview(self):
        sizes = ",".join(str(count) for count in PREVIEW_SIZES)
        self.r["preview"] = self.bench.step("ours", "preview", sizes=sizes)

    def exactly_once(self):
        counts = self.bench.sim_counts()
        by_body = {}
        for (_to, body), count in counts.items():
            numbers, duplicates = by_body.get(body, (0, 0))
            by_body[body] = (numbers + 1, duplicates + count - 1)
        rows = []
        for body, expected in self.expected.items():
            numbers, duplicates = by_body.get(body, (0, 0))
            left = ", ".join(f"{k} {v}" for k, v in self.left.get(body, {}).items())
            rows.append((body, expected, numbers, duplicates, left))
        self.r["exactly_once"] = rows
        return all(row[1] == row[2] and not row[3] for row in rows)


def main():
    command = "make bench" + "".join(
        f" {name}={shlex.quote(value)}"
        for name, value in sorted(os.environ.items())
        if name.startswith("BENCH_")
    )
    print(f"# `make bench` ({command})\n")
    print(f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"- machine: {machine()}")
    revision = subprocess.run(
        ["git", "-C", ROOT, "log", "-1", "--format=%h %s"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()[:100]  # fmt: skip
    print(f"- addon: {revision}")
    print(f"- Twilio simulator: one process, {LATENCY_MS} ms before every answer")
    print(
        f"- scale {SCALE:g}: dispatch 2×{N_DISPATCH} SMS a side, mailing {N_MAILING},"
        f" lookups 12×{N_LOOKUP} and 8×{N_MAILING}, two drainers {N_TWO_DRAINERS},"
        f" previews {' and '.join(str(count) for count in PREVIEW_SIZES)}"
    )
    bench = Bench(os.environ.get("BENCH_DB_PREFIX", "bench"), LATENCY_MS)
    print(f"- logs: {bench.log_dir}\n", flush=True)
    run = Run(bench)
    try:
        bench.create_databases()
        bench.start_simulator()
        for side in SIDES:
            bench.step(side, "setup")
        for measure in (
            run.dispatch,
            run.mailing,
            run.status_callbacks,
            run.lookups,
            run.two_drainers,
            run.preview,
        ):
            print(f"... {measure.__name__}", file=sys.stderr, flush=True)
            measure()
        ok = run.exactly_once()
    except BaseException:
        print(f"Interrupted; measured so far: {run.r!r}", file=sys.stderr)
        raise
    finally:
        bench.close()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            bench.drop_databases()
    print_report(run.r, LATENCY_MS, THREADS)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
