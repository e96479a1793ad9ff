# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, create_index

from .gateway_commit import commit_progress

_logger = logging.getLogger(__name__)

# Twilio statuses only move forward: a late "sent" never undoes "delivered".
STATUS_RANK = {
    "blocked": 0,
    "outgoing": 1,  # ours: claimed, being handed to Twilio
    "accepted": 2,
    "scheduled": 2,
    "queued": 3,
    "sending": 4,
    "review": 4,
    "sent": 5,
    "received": 5,
    # Final: only a late "delivered" (Twilio's last word) replaces the others.
    # "canceled" (a message that never left) never replaces a final status.
    "undelivered": 6,
    "failed": 6,
    "canceled": 6,
    "delivered": 7,
}


def moves_forward(current, status):
    return STATUS_RANK.get(status, 0) > STATUS_RANK.get(current, 0)


class SmsLog(models.Model):
    """Durable log of every SMS in and out.

    Odoo deletes ``sms.sms`` rows once sent; this log is what analytics,
    billing, audits and Twilio's later callbacks read.
    """

    _name = "sms.log"
    _description = "SMS message log"
    _order = "id desc"
    _rec_name = "number"

    direction = fields.Selection(
        [("outbound", "Outbound"), ("inbound", "Inbound")],
        required=True,
        default="outbound",
        index=True,
    )
    number = fields.Char(
        required=True, index=True, help="The other party, E.164 when valid."
    )
    sender = fields.Char(help="From: our number, Messaging Service or alphanumeric ID")
    body = fields.Text()
    segments = fields.Integer()
    encoding = fields.Char()
    twilio_sid = fields.Char("Twilio SID", index="btree_not_null", copy=False)
    sms_uuid = fields.Char("SMS UUID", index="btree_not_null", copy=False)
    status = fields.Selection(
        [
            ("blocked", "Blocked"),
            ("outgoing", "Outgoing"),
            ("queued", "Queued"),
            ("sending", "Sending"),
            ("accepted", "Accepted"),
            ("scheduled", "Scheduled"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("undelivered", "Undelivered"),
            ("failed", "Failed"),
            ("received", "Received"),
            ("review", "To review"),
            ("canceled", "Cancelled"),
        ],
        required=True,
        default="queued",
        index=True,
    )
    failure_type = fields.Char()
    error_code = fields.Integer()
    error_reason = fields.Char("Reason")
    price_estimate = fields.Float(digits=(12, 4))
    price = fields.Float("Price (Twilio)", digits=(12, 4))
    price_unit = fields.Char()
    user_id = fields.Many2one("res.users", index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    partner_id = fields.Many2one("res.partner", "Contact", index="btree_not_null")
    res_model = fields.Char("Source model", index=True)
    res_id = fields.Many2oneReference("Source record", model_field="res_model")
    mail_message_id = fields.Many2one("mail.message", index="btree_not_null")
    mailing_id = fields.Many2one("mailing.mailing", index="btree_not_null")
    media_urls = fields.Text("Media links")
    handed = fields.Boolean(
        readonly=True, help="Handed to Twilio: never sent again, whatever happens."
    )
    date_sent = fields.Datetime()
    date_done = fields.Datetime("Final status date")
    month = fields.Date(
        default=lambda self: self.env["sms.usage"]._gateway_month(),
        required=True,
        index=True,
        help="First day of the month its segments are counted in (UTC)",
    )

    _twilio_sid_unique = models.Constraint(
        "unique(twilio_sid)", "A Twilio message is logged once."
    )

    def init(self):
        res = super().init()
        # Pacing reads what each sender was handed in the last minutes.
        create_index(
            self.env.cr,
            "sms_log_sender_create_date_index",
            self._table,
            ["sender", "create_date"],
            where="direction = 'outbound'",
        )
        # The daily cap counts what the company sent since its day began.
        create_index(
            self.env.cr,
            "sms_log_company_create_date_index",
            self._table,
            ["company_id", "create_date"],
            where="direction = 'outbound'",
        )
        return res

    @api.model
    def _gateway_handed(self, company, senders, since):
        """``{sender: segments}`` handed to (or claimed for) these senders of
        the company since ``since``."""
        if not senders:
            return {}
        self.flush_model(["sender", "segments", "status", "company_id"])
        rows = self.env.execute_query(
            SQL(
                "SELECT sender, SUM(GREATEST(segments, 1)) FROM sms_log "
                "WHERE direction = 'outbound' AND sender = ANY(%s) "
                "AND create_date >= %s AND company_id = %s "
                "AND status NOT IN ('blocked', 'canceled') GROUP BY sender",
                list(senders),
                since,
                company.id,
            )
        )
        return dict(rows)

    @api.model_create_multi
    def create(self, vals_list):
        logs = super().create(vals_list)
        self.env["sms.thread"]._gateway_touch(logs)
        return logs

    def write(self, vals):
        result = super().write(vals)
        if "status" in vals:
            # Open conversations show each message's delivery status live.
            self.env["sms.thread"]._gateway_for_logs(
                self.filtered(lambda log: not log.mailing_id)
            )._gateway_notify()
        return result

    def _gateway_update_status(self, status, **values):
        """Move forward only; return the logs that actually changed."""
        moved = self.filtered(lambda log: moves_forward(log.status, status))
        if moved:
            moved.write(dict(values, status=status))
        return moved

    @api.model
    def _cron_fetch_prices(self, limit=500):
        """Fetch Twilio's final price of finished messages; add it to the month."""
        logs = self.sudo().search(
            [
                ("direction", "=", "outbound"),
                ("twilio_sid", "!=", False),
                ("status", "in", ("delivered", "undelivered", "failed")),
                ("price_unit", "=", False),
            ],
            limit=limit,
            order="id",
        )
        transport = self.env["sms.gateway.transport"]
        for company, company_logs in logs.grouped("company_id").items():
            # The requests first, with no lock held; then the sums, briefly locked.
            results = transport._fetch_messages(
                company, company_logs.mapped("twilio_sid")
            )
            costs = defaultdict(float)
            for log in company_logs:
                outcome, message = results[log.twilio_sid]
                if outcome != "ok" or message.price is None:
                    continue  # retried next run
                price = abs(float(message.price))
                log.write({"price": price, "price_unit": message.price_unit or "USD"})
                costs[log.month] += price
            for month, cost in costs.items():
                usage = self.env["sms.usage"]._gateway_locked(company, month)
                usage.cost += cost
            commit_progress(self.env, len(company_logs))
