# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Twilio's status callbacks: one lookup, then only the writes that change
something.

Twilio posts a callback for every status of every SMS: for a mailing, as
many as it has recipients, several times each. Each callback reads, in one
locked query, everything it may change (the log, Odoo's tracker, the chatter
notification, the mailing trace and its mailing, the queued SMS, the
number's failures) and the signing company's auth token; the ORM then finds
those values in its cache and reads nothing more.
"""

from collections import namedtuple

from odoo import api, fields, models
from odoo.addons.sms_twilio.controllers.controllers import TWILIO_TO_SMS_STATE
from odoo.tools import SQL

from ..tools import twilio_errors
from .gateway_i18n import translate_marked
from .sms_log import moves_forward

Callback = namedtuple("Callback", "log token tracker sms facts")

# The log's fields read by a callback; then, for each other model, its alias,
# how it is found from the log (or a record found before it), and its fields.
_LOG_FIELDS = ("status", "number", "twilio_sid", "mailing_id", "company_id")
_RELATED = (
    (
        "sms.tracker",
        "tracker",
        "sms_uuid = log.sms_uuid",
        ("mail_notification_id", "mailing_trace_id"),
    ),
    (
        "mail.notification",
        "notification",
        "id = tracker.mail_notification_id",
        ("notification_status",),
    ),
    (
        "mailing.trace",
        "trace",
        "id = tracker.mailing_trace_id",
        ("trace_status", "sent_datetime", "mass_mailing_id"),
    ),
    ("mailing.mailing", "mailing", "id = trace.mass_mailing_id", ("state",)),
    ("sms.sms", "sms", "uuid = log.sms_uuid", ("failure_type", "to_delete")),
    ("sms.number", "facts", "number = log.number", ("consecutive_failures",)),
)


def _lookup_query():
    """The callback's one query. Each related row is a LATERAL subquery
    with LIMIT 1: planned alone, not in a join search over eight tables
    (which took the planner ten times longer than running the query)."""
    columns = ["company.sms_twilio_auth_token", "log.id"]
    columns += [f"log.{name}" for name in _LOG_FIELDS]
    laterals = []
    for model, alias, condition, names in _RELATED:
        columns += [f"{alias}.{name}" for name in ("id", *names)]
        laterals.append(
            f"LEFT JOIN LATERAL (SELECT {', '.join(('id', *names))} "
            f"FROM {model.replace('.', '_')} WHERE {condition} LIMIT 1) "
            f"{alias} ON TRUE"
        )
    return (
        f"SELECT {', '.join(columns)} FROM sms_log log "
        "JOIN res_company company ON company.id = log.company_id "
        f"{' '.join(laterals)} "
        "WHERE log.sms_uuid = %s AND log.direction = 'outbound' "
        "ORDER BY log.id DESC LIMIT 1 FOR UPDATE OF log"
    )


# Built once: every callback runs it.
_LOOKUP = _lookup_query()
# The records the lookup finds, in the order of its columns.
_FOUND = (("sms.log", _LOG_FIELDS), *((m, names) for m, _a, _on, names in _RELATED))


class SmsStatusCallback(models.AbstractModel):
    _name = "sms.status.callback"
    _description = "Twilio status callbacks"

    @api.model
    def _lookup(self, uuid):
        """What a status callback of this SMS may change, the log locked.

        The lock serialises concurrent callbacks of one message, and waits
        for a dispatch still storing Twilio's answer.

        :return: a ``Callback``; its log is empty when the gateway did not
            send this SMS
        """
        self.env.flush_all()
        rows = self.env.execute_query(SQL(_LOOKUP, uuid))
        found = {model: self.env[model].sudo() for model, _names in _FOUND}
        token = None
        if rows:
            token, *values = rows[0]
            for model, names in _FOUND:
                record_id, *known = values[: 1 + len(names)]
                values = values[1 + len(names) :]
                record = found[model].browse(record_id or ())
                found[model] = record
                for name, value in zip(names, known, strict=True):
                    field = record._fields[name]
                    cached = field.convert_to_cache(value, record, validate=False)
                    self.env.cache.update(record, field, [cached])
        return Callback(
            found["sms.log"],
            token,
            found["sms.tracker"],
            found["sms.sms"],
            found["sms.number"],
        )

    @api.model
    def _receive(
        self, uuid, status, error_code=None, error_message=None, message_sid=None
    ):
        """Apply a status Twilio reported for the SMS of this UUID; the
        caller has checked that Twilio sent it."""
        callback = self._lookup(uuid)
        if not callback.log:
            return False
        self._apply(callback, status, error_code, error_message, message_sid)
        return True

    @api.model
    def _apply(
        self, callback, status, error_code=None, error_message=None, message_sid=None
    ):
        """Apply a status Twilio reported, idempotent and never backwards.

        Works after Odoo deleted the ``sms.sms`` row (the tracker is found by
        the SMS UUID). The message's SID is kept when Twilio's answer to the
        request was lost: Twilio did take the SMS. A status that does not move
        the log forward (a retried or late callback) writes nothing.
        """
        log = callback.log
        log.ensure_one()
        if not moves_forward(log.status, status):
            return
        values = {}
        failed = status in ("undelivered", "failed")
        described = None
        if failed:
            described = twilio_errors.describe(error_code, error_message)
            values.update(
                failure_type=described.failure_type,
                error_code=described.code or 0,
                error_reason=translate_marked(
                    self.env,
                    described.reason,
                    code=described.code,
                    message=error_message or "",
                ),
            )
        if status in ("delivered", "undelivered", "failed"):
            values["date_done"] = fields.Datetime.now()
        if message_sid and not log.twilio_sid:
            values["twilio_sid"] = message_sid
        log.write(dict(values, status=status))
        if status == "delivered" and callback.facts.consecutive_failures:
            self.env["sms.number"]._gateway_record_delivery_of(log.number)
        elif failed:
            self._failed(log, described)
        tracker = callback.tracker
        if failed:
            tracker._action_update_from_twilio_error(
                status, str(error_code or ""), values["error_reason"]
            )
        elif status in TWILIO_TO_SMS_STATE:
            tracker._action_update_from_sms_state(TWILIO_TO_SMS_STATE[status])
        sms = callback.sms
        if not failed and sms.failure_type == "sms_review":
            # Its fate was unknown: Twilio's word settles it, it was sent.
            sms.write(
                {"state": "pending", "failure_type": False, "gateway_reason": False}
            )
        if sms and not sms.to_delete:
            sms.to_delete = True

    @api.model
    def _failed(self, log, described):
        """A carrier's failure counts against the number; an opt-out
        reported by Twilio is kept with its consent record."""
        company = log.company_id
        self.env["sms.number"]._gateway_get([log.number])._gateway_record_failure(
            described.code, company.sms_auto_block_threshold
        )
        if described.blacklist:
            self.env["phone.blacklist"].sudo()._add(
                [log.number],
                message=self.env._("Twilio reported that this number opted out."),
            )
            self.env["sms.consent"]._record(
                [log.number], "opt_out", "twilio_21610", company=company
            )
