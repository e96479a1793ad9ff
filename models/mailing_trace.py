# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import create_index

from .failure_types import GATEWAY_FAILURE_TYPES


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    failure_type = fields.Selection(selection_add=GATEWAY_FAILURE_TYPES)

    def init(self):
        res = super().init()
        # Each batch asks whether its mailings still have SMS waiting: among a
        # mailing's 100,000 traces only the waiting ones are indexed, so the
        # answer costs the same at the first batch and the last.
        create_index(
            self.env.cr,
            "mailing_trace_sms_gateway_waiting_index",
            self._table,
            ["mass_mailing_id"],
            where="trace_status IN ('outgoing', 'process')",
        )
        return res
