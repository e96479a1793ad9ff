# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class PhoneBlacklistRemove(models.TransientModel):
    _inherit = "phone.blacklist.remove"

    def action_unblacklist_apply(self):
        result = super().action_unblacklist_apply()
        number = self.env.user._phone_format(number=self.phone) or self.phone
        self.env["sms.consent"]._record(
            [number], "opt_in", "user", user=self.env.user, reason=self.reason
        )
        return result
