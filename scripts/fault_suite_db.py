# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The database side of scripts/fault_suite.py: set-up, probes, the suite's clock.

Everything the suite knows about the product's tables is in the SQL of this
file (``queue_counts``, ``advance_clock``, ``busy_drainers``, ``final_rows``):
when the pipeline renames a field, this is the one place to adapt.
"""

import hashlib
import os

import psycopg2
from fault_suite_procs import ROOT


def code_hash():
    """Digest of the addon's code and data: a changed addon is updated first."""
    digest = hashlib.sha256()
    skip = {".git", "var", ".venv", "tests", "scripts", "bench", "docs", "__pycache__"}
    for folder, folders, files in os.walk(ROOT):
        folders[:] = sorted(f for f in folders if f not in skip)
        for name in sorted(files):
            if name.endswith((".py", ".xml", ".csv", ".js")):
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, ROOT).encode())
                with open(path, "rb") as source:
                    digest.update(source.read())
    return digest.hexdigest()[:16]


def ensure_database(env, db, fresh, run_odoo, log):
    """The database with the addon installed and up to date; its code digest."""
    digest = code_hash()
    if fresh:
        drop_database(env, db)
    installed = addon_installed(env, db)
    args = [
        "--no-http",
        "--max-cron-threads=0",
        "--log-level=warn",
        "--stop-after-init",
    ]
    if installed is None or installed is False:
        log(f"creating {db} with the addon (a minute or two)")
        drop_database(env, db)
        rc = run_odoo("install", ["-i", "sms_twilio_gateway", *args], 900)
    elif installed != digest:
        log(f"updating the addon in {db}")
        rc = run_odoo("update", ["-u", "sms_twilio_gateway", *args], 900)
    else:
        log(f"reusing {db}")
        rc = 0
    if rc:
        raise RuntimeError(
            "odoo-bin could not install/update the addon (its log: var/faults)"
        )
    return digest


def connect(env, db):
    connection = psycopg2.connect(
        host=env["DB_HOST"],
        port=env["DB_PORT"],
        user=env["DB_USER"],
        password=env["DB_PASSWORD"],
        dbname=db,
        application_name="fault-suite",
    )
    connection.autocommit = True
    return connection


def addon_installed(env, db):
    try:
        connection = connect(env, db)
    except psycopg2.OperationalError:
        return None
    with connection, connection.cursor() as cr:
        cr.execute(
            "SELECT m.state, p.value FROM ir_module_module m LEFT JOIN "
            "ir_config_parameter p ON p.key = 'fault_suite.code_hash' "
            "WHERE m.name = 'sms_twilio_gateway'"
        )
        row = cr.fetchone()
    connection.close()
    return row and row[0] == "installed" and (row[1] or "")


def drop_database(env, db):
    assert db.startswith("faults_"), db
    connection = connect(env, "postgres")
    with connection.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    connection.close()


def run_lock(env, db):
    """A connection holding this database's run lock; raises if another run has it."""
    connection = connect(env, "postgres")
    with connection.cursor() as cr:
        cr.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (f"fault suite {db}",))
        if not cr.fetchone()[0]:
            raise RuntimeError(f"another fault suite run is using {db}")
    return connection


_NOW = "(now() at time zone 'utc')"


def queue_counts(cr):
    """SMS due now, deferred to later (as the queue cron sees them), and
    claimed (``process``, whatever else is written on them)."""
    cr.execute(
        f"""SELECT count(*) FILTER (WHERE state = 'outgoing' AND to_delete IS NOT TRUE
                       AND (gateway_not_before IS NULL
                            OR gateway_not_before <= {_NOW})),
                   count(*) FILTER (WHERE state = 'outgoing' AND to_delete IS NOT TRUE
                       AND gateway_not_before > {_NOW}),
                   count(*) FILTER (WHERE state = 'process')
              FROM sms_sms"""
    )
    due, deferred, claimed = cr.fetchone()
    return {"due": due, "deferred": deferred, "process": claimed}


def claimed_uuids(cr):
    cr.execute("SELECT uuid FROM sms_sms WHERE state = 'process'")
    return {row[0] for row in cr.fetchall()}


def advance_clock(cr):
    """The suite's clock: jump to the time the product is waiting for.

    Only called while every live drainer is paused between two batches, so no
    SMS in ``process`` belongs to a running drainer.
    - retries and deferrals wait in ``gateway_not_before`` (backoff 30 s,
      1 min...): they become due now;
    - SMS left in ``process`` by a killed drainer are recovered once their
      claim is older than the claim timeout (10 minutes): age it by 11.
    """
    cr.execute(
        f"UPDATE sms_sms SET gateway_not_before = {_NOW} - interval '1 second' "
        f"WHERE state = 'outgoing' AND gateway_not_before > {_NOW}"
    )
    retries = cr.rowcount
    cr.execute(
        "UPDATE sms_sms SET write_date = write_date - interval '11 minutes' "
        "WHERE state = 'process'"
    )
    return retries, cr.rowcount


def busy_drainers(cr, db, pids):
    """``[(pid, xid)]`` of drainers waiting inside a transaction that holds locks.

    A drainer idle inside its transaction for a while waits for Twilio's
    answers: killing it then leaves SMS handed over without an answer.
    """
    names = [f"odoo-{pid}" for pid in pids]
    cr.execute(
        "SELECT application_name, backend_xid::text FROM pg_stat_activity "
        "WHERE datname = %s AND application_name = ANY(%s) "
        "AND state = 'idle in transaction' AND backend_xid IS NOT NULL "
        "AND now() - state_change > interval '80 milliseconds'",
        (db, names),
    )
    return [(int(name.removeprefix("odoo-")), xid) for name, xid in cr.fetchall()]


def locked_by(cr, xid):
    """UUIDs of the SMS whose rows this transaction has locked or changed."""
    cr.execute(
        "SELECT uuid FROM sms_sms WHERE xmax = %s::xid UNION "
        "SELECT sms_uuid FROM sms_log WHERE xmax = %s::xid AND sms_uuid IS NOT NULL",
        (xid, xid),
    )
    return {row[0] for row in cr.fetchall()}


def final_rows(cr, uuids):
    """``{uuid: {"sms": row or None, "logs": [rows, oldest first]}}``."""
    result = {uuid: {"sms": None, "logs": []} for uuid in uuids}
    cr.execute(
        "SELECT uuid, state, failure_type FROM sms_sms WHERE uuid = ANY(%s)",
        (list(uuids),),
    )
    for uuid, state, failure_type in cr.fetchall():
        result[uuid]["sms"] = {"state": state, "failure_type": failure_type}
    cr.execute(
        "SELECT sms_uuid, status, twilio_sid, failure_type, error_code, handed "
        "FROM sms_log WHERE sms_uuid = ANY(%s) AND direction = 'outbound' "
        "ORDER BY id",
        (list(uuids),),
    )
    for uuid, status, sid, failure_type, code, handed in cr.fetchall():
        result[uuid]["logs"].append(
            {
                "status": status,
                "twilio_sid": sid,
                "failure_type": failure_type,
                "error_code": code,
                "handed": handed,
            }
        )
    return result
