# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailingSmsTest(models.TransientModel):
    _inherit = "mailing.sms.test"

    def action_send_sms(self):
        """A test send of an SMS mailing is an SMS mailing sent: same group."""
        self.mailing_id._gateway_check_sms_marketing()
        return super().action_send_sms()
