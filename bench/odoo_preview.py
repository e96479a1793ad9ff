# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The SMS mailing form and the list "Send SMS" confirmation of a large list,
timed through the calls the web client makes (``web_read`` when a form
opens, ``onchange`` when it opens a new record or a field is edited), as a
marketing user. Run by bench/odoo_steps.py (``BENCH_STEP=preview``)."""

import os
import time

from . import odoo_steps

MAILING_SPEC = {
    "subject": {},
    "mailing_type": {},
    "state": {},
    "body_plaintext": {},
    "mailing_model_id": {"fields": {"display_name": {}}},
    "contact_list_ids": {"fields": {"display_name": {}}},
    "gateway_sms_summary": {},
}
WIZARD_FIGURES = (
    "recipient_count",
    "sendable_count",
    "excluded_count",
    "exclusions",
    "characters",
    "encoding",
    "segment_count",
    "cost",
    "quota_left",
    "quota_unlimited",
    "overage_segments",
    "over_cap",
)
WIZARD_SPEC = {
    "list_ids": {"fields": {"display_name": {}}},
    "name": {},
    "res_model": {},
    "body": {},
    "scheduled_at": {},
    "company_id": {"fields": {"display_name": {}}},
    "currency_id": {"fields": {}},
    **{name: {} for name in WIZARD_FIGURES},
}


def _timed(env, call):
    env.invalidate_all()
    start = time.perf_counter()
    value = call()
    env.flush_all()
    return time.perf_counter() - start, value


def preview(env):
    """For each size: open the mailing form, edit its body; open the list
    confirmation, edit its body. Seconds for each, and the figure shown."""
    user = env.ref("base.user_admin")
    uenv = env(user=user)
    timings = {}
    for count in (int(size) for size in os.environ["BENCH_SIZES"].split(",")):
        # Number blocks 38 and 39: the run's other measures use the first ones.
        mlist = odoo_steps._contact_list(env, count, 38 + len(timings))
        mailing = odoo_steps._sms_mailing(env, mlist, "Preview body")
        env.cr.commit()
        mailing = mailing.with_env(uenv)
        row = {}
        row["form_open"], read = _timed(
            uenv, lambda m=mailing: m.web_read(MAILING_SPEC)
        )
        summary = read[0]["gateway_sms_summary"] or ""
        values = {**read[0], "body_plaintext": "Preview body, edited {{ object.name }}"}
        values.pop("id")
        values["mailing_model_id"] = mailing.mailing_model_id.id
        values["contact_list_ids"] = [(6, 0, mlist.ids)]
        row["form_body_edit"], _value = _timed(
            uenv,
            lambda m=mailing, v=values: m.onchange(v, ["body_plaintext"], MAILING_SPEC),
        )
        wizard = uenv["sms.list.send"].with_context(
            active_model="mailing.list", active_ids=mlist.ids, dialog_size="large"
        )
        row["confirm_open"], opened = _timed(
            uenv, lambda w=wizard: w.onchange({}, [], WIZARD_SPEC)
        )
        values = dict.fromkeys(WIZARD_SPEC, False)
        values.update(opened["value"])
        values["list_ids"] = [(6, 0, mlist.ids)]
        values["body"] = "Hello {{ object.name }}, edited"
        for key in ("company_id", "currency_id"):
            if isinstance(values.get(key), dict):
                values[key] = values[key].get("id")
        row["confirm_body_edit"], edited = _timed(
            uenv, lambda w=wizard, v=values: w.onchange(v, ["body"], WIZARD_SPEC)
        )
        row["sendable"] = edited["value"].get(
            "sendable_count", opened["value"].get("sendable_count")
        )
        row["summary"] = summary[:80]
        env.cr.rollback()
        timings[str(count)] = row
    odoo_steps._result(**timings)
