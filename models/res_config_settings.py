# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .sms_gateway_transport import DEFAULT_IN_FLIGHT
from .sms_sms import DEFAULT_BATCH_SIZE


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sms_gateway_enabled = fields.Boolean(
        related="company_id.sms_gateway_enabled", readonly=False
    )
    sms_inbox_user_ids = fields.Many2many(
        related="company_id.sms_inbox_user_ids", readonly=False
    )
    sms_inbox_channel_id = fields.Many2one(
        related="company_id.sms_inbox_channel_id", readonly=False
    )
    sms_twilio_sandbox = fields.Boolean(
        related="company_id.sms_twilio_sandbox",
        readonly=False,
        groups="base.group_system",
    )
    sms_twilio_messaging_service_sid = fields.Char(
        related="company_id.sms_twilio_messaging_service_sid",
        readonly=False,
        groups="base.group_system",
    )
    sms_twilio_messaging_service_mps = fields.Float(
        related="company_id.sms_twilio_messaging_service_mps",
        readonly=False,
        groups="base.group_system",
    )
    sms_alphanumeric_sender = fields.Char(
        related="company_id.sms_alphanumeric_sender", readonly=False
    )
    sms_alphanumeric_country_ids = fields.Many2many(
        related="company_id.sms_alphanumeric_country_ids", readonly=False
    )
    sms_gateway_currency_id = fields.Many2one(related="company_id.currency_id")
    sms_monthly_quota = fields.Integer(
        related="company_id.sms_monthly_quota", readonly=False
    )
    sms_overage_price = fields.Float(
        related="company_id.sms_overage_price", readonly=False
    )
    sms_overage_cap = fields.Monetary(
        related="company_id.sms_overage_cap",
        currency_field="sms_gateway_currency_id",
        readonly=False,
    )
    sms_segment_price = fields.Float(
        related="company_id.sms_segment_price", readonly=False
    )
    sms_rate_limit = fields.Integer(related="company_id.sms_rate_limit", readonly=False)
    sms_quiet_hours_enabled = fields.Boolean(
        related="company_id.sms_quiet_hours_enabled", readonly=False
    )
    sms_quiet_start = fields.Float(related="company_id.sms_quiet_start", readonly=False)
    sms_quiet_end = fields.Float(related="company_id.sms_quiet_end", readonly=False)
    sms_legal_quiet_hours = fields.Boolean(
        related="company_id.sms_legal_quiet_hours", readonly=False
    )
    sms_country_ids = fields.Many2many(
        related="company_id.sms_country_ids", readonly=False
    )
    sms_daily_cap = fields.Integer(related="company_id.sms_daily_cap", readonly=False)
    sms_list_max_chars = fields.Integer(
        related="company_id.sms_list_max_chars", readonly=False
    )
    sms_ai_url = fields.Char(
        related="company_id.sms_ai_url", readonly=False, groups="base.group_system"
    )
    sms_ai_model = fields.Char(
        related="company_id.sms_ai_model", readonly=False, groups="base.group_system"
    )
    sms_ai_key = fields.Char(
        related="company_id.sms_ai_key", readonly=False, groups="base.group_system"
    )
    sms_max_segments = fields.Integer(
        related="company_id.sms_max_segments", readonly=False
    )
    sms_smart_encoding = fields.Boolean(
        related="company_id.sms_smart_encoding", readonly=False
    )
    sms_lookup_policy = fields.Selection(
        related="company_id.sms_lookup_policy", readonly=False
    )
    sms_lookup_refresh_days = fields.Integer(
        related="company_id.sms_lookup_refresh_days", readonly=False
    )
    sms_auto_block_threshold = fields.Integer(
        related="company_id.sms_auto_block_threshold", readonly=False
    )
    sms_opt_out_keywords = fields.Char(
        related="company_id.sms_opt_out_keywords", readonly=False
    )
    sms_opt_in_keywords = fields.Char(
        related="company_id.sms_opt_in_keywords", readonly=False
    )
    sms_help_keywords = fields.Char(
        related="company_id.sms_help_keywords", readonly=False
    )
    sms_opt_out_reply = fields.Char(
        related="company_id.sms_opt_out_reply", readonly=False
    )
    sms_opt_in_reply = fields.Char(
        related="company_id.sms_opt_in_reply", readonly=False
    )
    sms_help_reply = fields.Char(related="company_id.sms_help_reply", readonly=False)
    sms_gateway_requests_in_flight = fields.Integer(
        "Requests to Twilio at once",
        config_parameter="sms_twilio_gateway.requests_in_flight",
        default=DEFAULT_IN_FLIGHT,
        help="How many requests a worker has in flight to Twilio (1-64). Twilio "
        "answers 429 past 100 at once per account (its default): keep this "
        "times the queue drainers under your account's limit.",
    )
    sms_gateway_drainers = fields.Integer(
        "Queue drainers",
        config_parameter="sms_twilio_gateway.drainers",
        default=1,
        help="Crons draining the SMS queue side by side (1-4); give the server "
        "at least as many cron threads.",
    )
    sms_gateway_batch_size = fields.Integer(
        "SMS per batch",
        config_parameter="sms_twilio_gateway.batch_size",
        default=DEFAULT_BATCH_SIZE,
        help="SMS decided and handed to Twilio per batch of the queue (1-1000).",
    )

    @api.onchange("sms_provider")
    def _onchange_sms_provider_gateway(self):
        # Setting Twilio up from Settings governs the company's SMS: an admin
        # who wants Odoo's plain provider switches the gateway off on purpose
        # (and is warned). Only a change to Twilio does it, so that saving
        # other settings never undoes that choice.
        if (
            self.sms_provider == "twilio"
            and self.company_id.sms_provider != "twilio"
            and not self.sms_gateway_enabled
        ):
            self.sms_gateway_enabled = True

    def set_values(self):
        res = super().set_values()
        if self.env.is_admin():
            count = self.env["sms.gateway.drainers"]._set_count(
                self.sms_gateway_drainers
            )
            self.env["ir.config_parameter"].sudo().set_param(
                "sms_twilio_gateway.drainers", count
            )
        return res

    def action_open_sms_test_wizard(self):
        return {
            "name": self.env._("Send a test SMS"),
            "type": "ir.actions.act_window",
            "res_model": "sms.test.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_company_id": self.company_id.id,
                "dialog_size": "medium",
            },
        }
