# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Run by scripts/fault_suite.py through `odoo-bin shell` (the script on stdin).
# FAULTS_MODE=prepare: the company in sandbox mode against the suite's
#   simulator, only transport faults left to matter (no quiet hours, no
#   lookups, no quota, no rate limit); then FAULTS_SMS SMS queued in one
#   committed transaction.
# FAULTS_MODE=drain: Odoo's queue cron method in a loop, as a cron worker
#   would run it, until the suite says stop; between two batches it honours
#   the suite's pause (FAULTS_CTL/pause) and acknowledges it.
# ruff: noqa: F821 - `env` is given by odoo-bin shell
import faulthandler
import os
import pathlib
import signal
import time
import traceback

from odoo import fields

mode = os.environ["FAULTS_MODE"]

if mode == "prepare":
    params = env["ir.config_parameter"].sudo()
    params.set_param("web.base.url", os.environ["FAULTS_BASE_URL"])
    params.set_param("web.base.url.freeze", "True")
    params.set_param("sms_twilio_gateway.batch_size", os.environ["FAULTS_BATCH"])
    params.set_param("fault_suite.code_hash", os.environ["FAULTS_CODE_HASH"])
    company = env.ref("base.main_company")
    company._gateway_use_sandbox(
        os.environ["FAULTS_SIM_URL"], numbers=[("+3228080000", env.ref("base.be"))]
    )
    company.write(
        {
            "sms_quiet_hours_enabled": False,
            "sms_lookup_policy": "off",
            "sms_monthly_quota": 0,
            "sms_rate_limit": 0,
        }
    )
    # Left by an interrupted run: they must not be drained into this one.
    env["sms.sms"].search([]).unlink()
    run, count = os.environ["FAULTS_RUN"], int(os.environ["FAULTS_SMS"])
    kinds = ("automated", "marketing")
    env["sms.sms"].create(
        [
            {
                "number": "+32470%06d" % (100000 + index),
                "body": f"fault suite {run} #{index}",
                "state": "outgoing",
                "gateway_kind": kinds[index % 2],
            }
            for index in range(count)
        ]
    )
    env.cr.commit()
    print("prepared", count)

elif mode == "drain":
    # `kill -USR1 <pid>` writes every thread's stack to this drainer's log.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    control = pathlib.Path(os.environ["FAULTS_CTL"])
    me = os.getpid()
    queue = env["sms.sms"]
    errors = passes = 0
    # From now on the suite waits for this drainer's acknowledgements.
    (control / f"ready-{me}").touch()
    while not (control / "stop").exists():
        try:
            generation = (control / "pause").read_text()
        except FileNotFoundError:
            generation = None
        if generation:
            ack = control / f"ack-{me}"
            ack.with_suffix(".tmp").write_text(generation)
            ack.with_suffix(".tmp").rename(ack)
            time.sleep(0.05)
            continue
        try:
            queue._process_queue()
            env.cr.commit()
        except Exception:  # noqa: BLE001 - as the cron runner: roll back, go on
            errors += 1
            env.cr.rollback()
            print(f"drainer {me} error:\n{traceback.format_exc()}", flush=True)
        passes += 1
        mark = control / f"pass-{me}"
        mark.with_suffix(".tmp").write_text(str(passes))
        mark.with_suffix(".tmp").rename(mark)
        env.invalidate_all()
        due = queue.search_count(
            [
                ("state", "=", "outgoing"),
                "|",
                ("gateway_not_before", "=", False),
                ("gateway_not_before", "<=", fields.Datetime.now()),
            ],
            limit=1,
        )
        env.cr.commit()
        if not due:
            time.sleep(0.1)
    print(f"drainer {me} stopped, errors={errors}", flush=True)
