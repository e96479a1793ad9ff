# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Cancelling a scheduled SMS from the chatter, before it leaves."""

from odoo import fields, models
from odoo.exceptions import AccessError


class MailMessage(models.Model):
    _inherit = "mail.message"

    def action_gateway_cancel_scheduled_sms(self):
        """Cancel the SMS of this message still waiting for their time.

        Its author, or anyone who may edit the record it was posted on.
        """
        self.ensure_one()
        if self.author_id != self.env.user.partner_id:
            record = self.env[self.model].browse(self.res_id) if self.model else None
            if not record or not record.has_access("write"):
                raise AccessError(
                    self.env._(
                        "Only the author of this SMS, or someone who may edit "
                        "%(record)s, can cancel it.",
                        record=self.record_name or self.env._("its document"),
                    )
                )
        waiting = (
            self.env["sms.sms"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "=", self.id),
                    ("state", "=", "outgoing"),
                    ("gateway_not_before", ">", fields.Datetime.now()),
                ]
            )
        )
        waiting.action_set_canceled()
        self.sudo()._notify_message_notification_update()
        return len(waiting)
