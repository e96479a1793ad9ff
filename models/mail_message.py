# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    sms_gateway_number = fields.Char(
        "Received from number", readonly=True, help="Set on SMS received by Twilio."
    )

    def _to_store_defaults(self, target):
        # The chatter's "Reply" on an incoming SMS answers by SMS to this number.
        return super()._to_store_defaults(target) + ["sms_gateway_number"]
