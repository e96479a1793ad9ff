# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The composer's "Draft": shown when the company has an AI provider.

The widget (``static/src/draft``) asks ``sms.ai.draft.draft_text`` for a text
and puts it in the body, where the counter and the gateway's refusals read
it like anything typed; a failure leaves the body as it was.
"""

from odoo import api, fields, models


class SmsComposer(models.TransientModel):
    _inherit = "sms.composer"

    gateway_draft_available = fields.Boolean(compute="_compute_gateway_draft_available")

    @api.depends_context("company")
    def _compute_gateway_draft_available(self):
        available = self.env["sms.ai.draft"]._gateway_available()
        for composer in self:
            composer.gateway_draft_available = available
