# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        # Conversations and chatters hear about their company's SMS (ids only;
        # what they then read goes through the access checks).
        channels = super()._build_bus_channel_list(channels)
        user = self.env.user
        if user and not user._is_public() and not user.share:
            channels.extend(user.company_ids)
        return channels
