# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .sms_sms import NOTIFICATION_FAILURE_TYPES


class MailNotification(models.Model):
    _inherit = "mail.notification"

    failure_type = fields.Selection(selection_add=NOTIFICATION_FAILURE_TYPES)
