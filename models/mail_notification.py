# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .failure_types import NOTIFICATION_FAILURE_TYPES


class MailNotification(models.Model):
    _inherit = "mail.notification"

    failure_type = fields.Selection(selection_add=NOTIFICATION_FAILURE_TYPES)
    sms_gateway_scheduled_at = fields.Datetime(
        "SMS scheduled for",
        compute="_compute_sms_gateway_scheduled_at",
        help="A queued SMS that waits for this time (scheduled, or quiet hours).",
    )

    def _compute_sms_gateway_scheduled_at(self):
        waiting = self.filtered(
            lambda n: (
                n.notification_type == "sms"
                and n.notification_status == "ready"
                and n.sms_id_int
            )
        )
        due = dict(
            self.env["sms.sms"]
            .sudo()
            .search_fetch(
                [
                    ("id", "in", waiting.mapped("sms_id_int")),
                    ("state", "=", "outgoing"),
                    ("gateway_not_before", ">", fields.Datetime.now()),
                ],
                ["gateway_not_before"],
            )
            .mapped(lambda sms: (sms.id, sms.gateway_not_before))
        )
        for notification in self:
            notification.sms_gateway_scheduled_at = due.get(notification.sms_id_int)

    def _to_store_defaults(self, target):
        # The chatter shows why an SMS was refused, not only its category,
        # and when a scheduled one will leave.
        return super()._to_store_defaults(target) + [
            "failure_reason",
            "sms_gateway_scheduled_at",
        ]
