# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SmsTwilioNumber(models.Model):
    _inherit = "sms.twilio.number"

    user_id = fields.Many2one(
        "res.users",
        "Dedicated to",
        help="SMS this user sends leave from this number, so replies come back "
        "to them.",
    )
