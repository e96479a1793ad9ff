# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .sms_sms import NOTIFICATION_FAILURE_TYPES


class MailNotification(models.Model):
    _inherit = "mail.notification"

    failure_type = fields.Selection(selection_add=NOTIFICATION_FAILURE_TYPES)

    def _to_store_defaults(self, target):
        # The chatter shows why an SMS was refused, not only its category.
        return super()._to_store_defaults(target) + ["failure_reason"]
