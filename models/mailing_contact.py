# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailingContact(models.Model):
    _name = "mailing.contact"
    _inherit = ["mailing.contact", "sms.recipient.mixin"]

    # Opt-outs, number facts and do-not-text are matched on it.
    phone_sanitized = fields.Char(index="btree_not_null")
    # A second number (office, home) a list send may choose to text.
    phone = fields.Char()

    def _phone_get_number_fields(self):
        # The mobile first: it is what Odoo texts by default.
        return [*super()._phone_get_number_fields(), "phone"]
