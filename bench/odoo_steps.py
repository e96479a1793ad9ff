# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The steps of `make bench` that run inside ``odoo-bin shell`` (bench/run.py).

One step a process, so that each drain's peak memory is its own: the step is
``BENCH_STEP``, its arguments ``BENCH_*`` variables, its result one
``BENCH_RESULT {json}`` line on stdout. The same code runs on both
databases; what differs is only how each side is configured (``setup``).
"""

import json
import os
import pathlib
import resource
import time
import types

TWILIO_API = "https://api.twilio.com"
BE_SENDER = "+3228080000"


def _arg(name, default=None):
    return os.environ.get("BENCH_" + name.upper(), default)


def _result(**values):
    print("BENCH_RESULT " + json.dumps(values), flush=True)


def _is_ours(env):
    return "sms.gateway" in env


def point_stock_at_simulator(sim_url):
    """Stock sms_twilio posts to api.twilio.com with ``requests``: in this
    benchmark process only, its sessions get an adapter that sends the same
    request to the simulator (plain HTTP on loopback) instead."""
    import requests  # noqa: PLC0415 - Odoo's own dependency, only for stock

    from odoo.addons.sms_twilio.tools import sms_api  # noqa: PLC0415

    class SimulatorAdapter(requests.adapters.HTTPAdapter):
        def send(self, request, **kwargs):
            request.url = sim_url + request.url[len(TWILIO_API) :]
            return super().send(request, **kwargs)

    def session():
        new = requests.Session()
        new.mount(TWILIO_API, SimulatorAdapter())
        return new

    sms_api.requests = types.SimpleNamespace(
        Session=session, exceptions=requests.exceptions
    )


# ---------------------------------------------------------------- set-up


def setup(env):
    """Twilio (the simulator) as SMS provider; for ours every gateway check on."""
    # The repository's simulator package (on PYTHONPATH): stock has no addon.
    from tools.twilio_simulator import (  # noqa: PLC0415
        DEFAULT_ACCOUNT_SID,
        DEFAULT_AUTH_TOKEN,
    )

    params = env["ir.config_parameter"].sudo()
    params.set_param("web.base.url", _arg("base_url"))
    params.set_param("web.base.url.freeze", "True")
    company = env.ref("base.main_company")
    be = env.ref("base.be")
    company.write({"country_id": be.id})
    if _is_ours(env):
        company._gateway_use_sandbox(_arg("sim_url"), numbers=[(BE_SENDER, be)])
        company.write(
            {
                # Every check on, none refusing these SMS: a quota far away,
                # quiet hours computed but allowing the whole day, lookups
                # at the first SMS (the default), auto-block, smart encoding.
                "sms_monthly_quota": 10_000_000,
                "sms_quiet_hours_enabled": True,
                "sms_quiet_start": 0.0,
                "sms_quiet_end": 24.0,
                "sms_lookup_policy": "first_send",
                "sms_smart_encoding": True,
            }
        )
        numbers = company.sms_twilio_number_ids
        if "sms_mps" in numbers._fields:
            # Pacing per sender on, at a high-throughput short code's 1,000
            # segments/s: this measures the gateway, not one sender's Twilio
            # limit (at 100/s the run's 70,000 SMS in 15 minutes would pass
            # the 60,000 segments pacing lets through in 10 minutes).
            numbers.sms_mps = 1000
    else:
        company.write(
            {
                "sms_provider": "twilio",
                "sms_twilio_account_sid": DEFAULT_ACCOUNT_SID,
                "sms_twilio_auth_token": DEFAULT_AUTH_TOKEN,
                "sms_twilio_number_ids": [
                    (5, 0, 0),
                    (0, 0, {"number": BE_SENDER, "country_id": be.id}),
                ],
            }
        )
    env.cr.commit()
    _result(company=company.name)


# ---------------------------------------------------------------- queueing


def _numbers(block, count):
    if _arg("plan") == "mx":
        # Mexican numbers +52 222 1BB nnnn, in ranges mobiles and landlines
        # share (as all of North America's): a block of 10,000 a measure.
        return [f"+522221{int(block):02d}{i:04d}" for i in range(count)]
    # Belgian mobiles +324BB nnnnnn: a block of a million numbers per measure.
    return [f"+324{60 + int(block)}{i:06d}" for i in range(count)]


def _set_lookup_policy(env, policy):
    if _is_ours(env) and policy:
        env.ref("base.main_company").sms_lookup_policy = policy
        env.cr.commit()


def queue_partners(env):
    """N contacts, already looked up for ours (lookups of their first SMS are a
    separate measure), and a mass SMS to them put in the queue."""
    count, tag = int(_arg("count")), _arg("tag")
    admin = env.ref("base.user_admin")
    _set_lookup_policy(env, "intake")
    partners = env["res.partner"].create(
        [
            {"name": f"Bench {i}", "phone": number}
            for i, number in enumerate(_numbers(_arg("block"), count))
        ]
    )
    env.cr.commit()
    if _is_ours(env):
        env["sms.number"]._cron_lookup()
    _set_lookup_policy(env, "first_send")
    env["sms.composer"].with_user(admin).create(
        {
            "body": tag,
            "composition_mode": "mass",
            "mass_force_send": False,
            "res_model": "res.partner",
            "res_ids": partners.ids,
        }
    )._action_send_sms()
    env.cr.commit()
    _result(queued=env["sms.sms"].search_count([("body", "=", tag)]))


def _contact_list(env, count, block):
    """A mailing list of N new contacts, inserted in SQL (set-up, not timed)."""
    mlist = env["mailing.list"].create({"name": f"Bench list {block}"})
    env.flush_all()
    env.cr.execute(
        """
        WITH contacts AS (
            INSERT INTO mailing_contact (name, mobile, phone_sanitized, create_uid,
                                         write_uid, create_date, write_date)
            SELECT 'Bench ' || n, number, number, 2, 2, now() at time zone 'UTC',
                   now() at time zone 'UTC'
              FROM unnest(%s::varchar[]) WITH ORDINALITY AS t(number, n)
            RETURNING id
        )
        INSERT INTO mailing_subscription (contact_id, list_id, opt_out, create_uid,
                                          write_uid, create_date, write_date)
        SELECT id, %s, FALSE, 2, 2, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM contacts
        """,
        (_numbers(block, count), mlist.id),
    )
    env.invalidate_all()
    return mlist


def _sms_mailing(env, mlist, body):
    return (
        env["mailing.mailing"]
        .with_user(env.ref("base.user_admin"))
        .create(
            {
                "subject": body,
                "mailing_type": "sms",
                "body_plaintext": body,
                "mailing_model_id": env.ref("mass_mailing.model_mailing_list").id,
                "contact_list_ids": [(6, 0, mlist.ids)],
            }
        )
    )


def queue_mailing(env):
    """Timed: the mailing cron putting a list mailing's SMS in the queue."""
    count, tag = int(_arg("count")), _arg("tag")
    _set_lookup_policy(env, _arg("lookup_policy"))
    mlist = _contact_list(env, count, _arg("block"))
    mailing = _sms_mailing(env, mlist, tag)
    mailing.action_put_in_queue()
    env.cr.commit()
    start = time.perf_counter()
    env["mailing.mailing"]._process_mass_mailing_queue()
    env.cr.commit()
    elapsed = time.perf_counter() - start
    queued = env["sms.sms"].search_count([("body", "=", tag)])
    _result(seconds=elapsed, queued=queued)


# ---------------------------------------------------------------- draining


def _wait_for_go():
    control = _arg("control")
    if not control:
        return
    control = pathlib.Path(control)
    (control / f"ready-{os.getpid()}").touch()
    while not (control / "go").exists():
        time.sleep(0.01)


def _states(env, body):
    """Where the SMS with this body stand in Odoo (sent ones are deleted)."""
    if not body:
        return {}
    env.cr.execute(
        "SELECT state, COALESCE(failure_type, '') FROM sms_sms WHERE body = %s",
        (body,),
    )
    found = [" ".join(filter(None, row)) for row in env.cr.fetchall()]
    if _is_ours(env):
        env.cr.execute(
            "SELECT 'log ' || log.status FROM sms_log log JOIN sms_sms sms"
            " ON sms.uuid = log.sms_uuid WHERE sms.body = %s",
            (body,),
        )
        found += [row[0] for row in env.cr.fetchall()]
    return {state: found.count(state) for state in sorted(set(found))}


def drain(env):
    """Timed: Odoo's queue cron method, batch after batch, until nothing is
    due (as the cron runner calls it: commit, or roll back and go on)."""
    if not _is_ours(env):
        point_stock_at_simulator(_arg("sim_url"))
    queue = env["sms.sms"]
    if hasattr(queue, "_gateway_due_domain"):
        due = queue._gateway_due_domain
    else:
        due = lambda: [("state", "=", "outgoing"), ("to_delete", "!=", True)]  # noqa: E731
    deadline = time.monotonic() + float(_arg("timeout", "1800"))
    batches = errors = 0
    _wait_for_go()
    started, start = time.time(), time.perf_counter()
    cpu_start = time.process_time()  # every thread of the drain
    while time.monotonic() < deadline:
        try:
            queue._process_queue()
            env.cr.commit()
        except Exception:  # noqa: BLE001 - as the cron runner does
            env.cr.rollback()
            errors += 1
        batches += 1
        env.invalidate_all()
        if not queue.search_count(due(), limit=1):
            break
    elapsed = time.perf_counter() - start
    _result(
        seconds=elapsed,
        started=started,
        ended=started + elapsed,
        batches=batches,
        errors=errors,
        rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        cpu_seconds=time.process_time() - cpu_start,
        left=queue.search_count(due()),
        waiting=queue.search_count([("state", "=", "outgoing")]),
        states=_states(env, _arg("tag")),
    )


STEPS = {
    "setup": setup,
    "queue_partners": queue_partners,
    "queue_mailing": queue_mailing,
    "drain": drain,
}


def run(env):
    from . import odoo_preview  # noqa: PLC0415

    steps = {**STEPS, "preview": odoo_preview.preview}
    steps[_arg("step")](env)
