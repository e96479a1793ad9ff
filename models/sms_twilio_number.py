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
    sms_mps = fields.Float(
        "Segments per second",
        help="What Twilio lets this number send per second (its MPS): the "
        "gateway never queues more than a few minutes of it at Twilio. 0: "
        "Twilio's default for its kind (1 for a US/Canada long code, 3 toll-"
        "free, 10 elsewhere, 100 short code).",
    )
