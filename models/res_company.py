# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import keywords, phone_numbers
from ..tools.twilio_client import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN, get_client

DEFAULT_OPT_OUT_REPLY = (
    "You are unsubscribed and will receive no more messages. Reply START to "
    "subscribe again."
)
DEFAULT_OPT_IN_REPLY = "You are subscribed again. Reply STOP to unsubscribe."
DEFAULT_HELP_REPLY = "Reply STOP to unsubscribe. Msg&data rates may apply."


class ResCompany(models.Model):
    _inherit = "res.company"

    sms_gateway_enabled = fields.Boolean(
        "Enforce the SMS gateway",
        help="Every SMS of this company sent through Twilio passes the gateway: "
        "opt-outs, do-not-contact, number checks, rate limit, quota and quiet "
        "hours. Off, Odoo's plain Twilio provider is used.",
    )
    sms_twilio_sandbox = fields.Boolean(
        "Twilio sandbox",
        groups="base.group_system",
        help="Send to the bundled Twilio simulator instead of Twilio: nothing "
        "leaves this server and nothing is billed.",
    )
    sms_twilio_messaging_service_sid = fields.Char(
        "Messaging Service SID", groups="base.group_system"
    )
    sms_twilio_messaging_service_mps = fields.Float(
        "Messaging Service segments per second",
        groups="base.group_system",
        help="What Twilio lets the Messaging Service send per second (the sum "
        "of its senders'). 0: 10, as one long code outside the US and Canada.",
    )
    sms_alphanumeric_sender = fields.Char(
        "Alphanumeric sender ID",
        help="Up to 11 letters, digits or spaces, used only for destinations "
        "whose country allows it (never +1 numbers).",
    )
    sms_alphanumeric_country_ids = fields.Many2many(
        "res.country",
        "res_company_sms_alphanumeric_country_rel",
        string="Alphanumeric sender countries",
        help="Countries where the alphanumeric sender is used. Empty: every "
        "country that allows alphanumeric senders.",
    )
    sms_monthly_quota = fields.Integer(
        "Monthly SMS quota (segments)",
        default=2000,
        help="Segments included each month. 0 means no quota.",
    )
    sms_overage_price = fields.Float(
        "Price per segment over quota", default=0.01, digits=(12, 4)
    )
    sms_overage_cap = fields.Monetary(
        "Monthly overage cap",
        currency_field="currency_id",
        default=20.0,
        help="Most that may be spent over the quota in a month; past it, SMS "
        "are refused until the next month.",
    )
    sms_segment_price = fields.Float(
        "Estimated price per segment",
        default=0.0079,
        digits=(12, 5),
        help="Used for cost estimates before Twilio reports the real price.",
    )
    sms_rate_limit = fields.Integer(
        "SMS per user per minute",
        default=10,
        help="How many SMS one user may send per minute from records. 0: no limit.",
    )
    sms_quiet_hours_enabled = fields.Boolean("Quiet hours", default=True)
    sms_quiet_start = fields.Float("Sending allowed from", default=9.0)
    sms_quiet_end = fields.Float("Sending allowed until", default=20.0)
    sms_legal_quiet_hours = fields.Boolean(
        "US quiet-hour laws",
        default=True,
        help="With quiet hours on, marketing and automated SMS to US numbers also "
        "wait for the window the law allows in the recipient's state (federal "
        "8:00-21:00, stricter in Florida, Texas, Connecticut...).",
    )
    sms_country_ids = fields.Many2many(
        "res.country",
        "res_company_sms_country_rel",
        string="SMS destination countries",
        help="Only numbers of these countries may be texted. Empty: every country.",
    )
    sms_list_max_chars = fields.Integer(
        "Max characters per list SMS",
        help="The list-send editor refuses longer messages (e.g. 480 = 3 "
        "segments). 0: only the max segments per SMS.",
    )
    sms_ai_url = fields.Char(
        "AI drafting endpoint",
        groups="base.group_system",
        help="Base URL of an OpenAI-compatible chat-completions API, e.g. "
        "https://api.openai.com/v1. Empty: no drafting.",
    )
    sms_ai_model = fields.Char("AI drafting model", groups="base.group_system")
    sms_ai_key = fields.Char("AI drafting API key", groups="base.group_system")
    sms_daily_cap = fields.Integer(
        "Daily SMS cap",
        help="Most SMS the company may send in a day (its time zone), against "
        "SMS-pumping fraud. 0: no cap.",
    )
    sms_max_segments = fields.Integer("Max segments per SMS", default=10)
    sms_smart_encoding = fields.Boolean(
        "Smart encoding",
        help="Replace look-alike characters (curly quotes, dashes...) with GSM-7 "
        "ones, as Twilio's Smart Encoding does, so that SMS cost fewer segments.",
    )
    # SMS from numbers nobody holds (issue 10: conversations)
    sms_inbox_user_ids = fields.Many2many(
        "res.users",
        "res_company_sms_inbox_user_rel",
        string="Users receiving unassigned SMS",
        domain=[("share", "=", False)],
    )
    sms_inbox_channel_id = fields.Many2one(
        "discuss.channel",
        "Channel receiving unassigned SMS",
        domain=[("channel_type", "=", "channel")],
    )
    sms_lookup_policy = fields.Selection(
        [
            ("intake", "When a number is entered"),
            ("first_send", "At the first SMS"),
            ("off", "Never"),
        ],
        string="Line type lookup",
        default="first_send",
        required=True,
    )
    sms_lookup_refresh_days = fields.Integer("Refresh lookups after (days)", default=90)
    sms_auto_block_threshold = fields.Integer(
        "Auto-block after carrier failures",
        default=3,
        help="Consecutive carrier failures after which a number is blocked.",
    )
    sms_opt_out_keywords = fields.Char(
        default=", ".join(keywords.OPT_OUT_KEYWORDS), string="Opt-out keywords"
    )
    sms_opt_in_keywords = fields.Char(
        default=", ".join(keywords.OPT_IN_KEYWORDS), string="Opt-in keywords"
    )
    sms_help_keywords = fields.Char(
        default=", ".join(keywords.HELP_KEYWORDS), string="Help keywords"
    )
    sms_opt_out_reply = fields.Char(default=DEFAULT_OPT_OUT_REPLY, translate=True)
    sms_opt_in_reply = fields.Char(default=DEFAULT_OPT_IN_REPLY, translate=True)
    sms_help_reply = fields.Char(default=DEFAULT_HELP_REPLY, translate=True)

    @api.constrains(
        "sms_alphanumeric_sender",
        "sms_monthly_quota",
        "sms_overage_price",
        "sms_overage_cap",
        "sms_segment_price",
        "sms_rate_limit",
        "sms_quiet_start",
        "sms_quiet_end",
        "sms_max_segments",
        "sms_lookup_refresh_days",
        "sms_auto_block_threshold",
        "sms_daily_cap",
        "sms_list_max_chars",
    )
    def _check_sms_gateway_settings(self):
        """On the company, so that every way of writing them is checked."""
        for company in self:
            sender = company.sms_alphanumeric_sender
            if sender and not phone_numbers.is_valid_alphanumeric_sender(sender):
                raise ValidationError(
                    self.env._(
                        "The alphanumeric sender ID must be 1 to 11 letters, digits "
                        "or spaces, with at least one letter."
                    )
                )
            for hour in (company.sms_quiet_start, company.sms_quiet_end):
                if not 0 <= hour <= 24:
                    raise ValidationError(
                        self.env._("Quiet hours are times of day, from 00:00 to 24:00.")
                    )
            numbers = (
                company.sms_monthly_quota,
                company.sms_overage_price,
                company.sms_overage_cap,
                company.sms_segment_price,
                company.sms_rate_limit,
                company.sms_max_segments,
                company.sms_lookup_refresh_days,
                company.sms_auto_block_threshold,
                company.sms_daily_cap,
                company.sms_list_max_chars,
            )
            if any(number < 0 for number in numbers):
                raise ValidationError(
                    self.env._(
                        "SMS quotas, prices and limits cannot be negative: use 0 for "
                        "no limit."
                    )
                )

    @api.constrains("sms_twilio_messaging_service_sid")
    def _check_sms_twilio_messaging_service_sid(self):
        for company in self.sudo():
            sid = (company.sms_twilio_messaging_service_sid or "").strip()
            if sid and not (len(sid) == 34 and sid.startswith("MG") and sid.isalnum()):
                raise ValidationError(
                    self.env._(
                        "A Messaging Service SID starts with 'MG' and is 34 "
                        "characters long: copy it from the Twilio console."
                    )
                )

    def _gateway_applies(self):
        """Whether the gateway governs this company's SMS."""
        self.ensure_one()
        return self.sms_provider == "twilio" and self.sms_gateway_enabled

    @api.model
    def _gateway_intake_companies(self):
        """Companies that look numbers up when they are entered."""
        return self.sudo().search(
            [("sms_lookup_policy", "=", "intake"), ("sms_gateway_enabled", "=", True)]
        )

    @api.model
    def _gateway_sandbox_url(self):
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("sms_twilio_gateway.sandbox_url", "http://127.0.0.1:8899")
        )

    def _gateway_use_sandbox(self, sandbox_url, numbers=None):
        """Point this company at a Twilio simulator, with the gateway on.

        :param numbers: sender numbers as ``(number, country)``; replace the
            company's when given
        """
        self.ensure_one()
        self.env["ir.config_parameter"].sudo().set_param(
            "sms_twilio_gateway.sandbox_url", sandbox_url
        )
        values = {
            "sms_provider": "twilio",
            "sms_gateway_enabled": True,
            "sms_twilio_sandbox": True,
            "sms_twilio_account_sid": SANDBOX_ACCOUNT_SID,
            "sms_twilio_auth_token": SANDBOX_AUTH_TOKEN,
        }
        if numbers is not None:
            values["sms_twilio_number_ids"] = [Command.clear()] + [
                Command.create({"number": number, "country_id": country.id})
                for number, country in numbers
            ]
        self.sudo().write(values)

    def _gateway_twilio_client(self, pool_size=None):
        """The Twilio SDK client of this company (the simulator in sandbox)."""
        self.ensure_one()
        company = self.sudo()
        company._assert_twilio_sid()
        return get_client(
            company.sms_twilio_account_sid,
            company.sms_twilio_auth_token,
            sandbox_url=company._gateway_sandbox_url()
            if company.sms_twilio_sandbox
            else None,
            pool_size=pool_size,
        )

    def _gateway_keywords(self):
        """(opt_out, opt_in, help) keyword tuples of this company."""
        self.ensure_one()
        return (
            keywords.parse_keyword_list(self.sms_opt_out_keywords or "")
            or keywords.OPT_OUT_KEYWORDS,
            keywords.parse_keyword_list(self.sms_opt_in_keywords or "")
            or keywords.OPT_IN_KEYWORDS,
            keywords.parse_keyword_list(self.sms_help_keywords or "")
            or keywords.HELP_KEYWORDS,
        )

    @api.model
    def _gateway_company_for_inbound(self, account_sid, to_number):
        """The company an inbound SMS is for: its Twilio account, then its number."""
        if not account_sid:
            return self.browse()
        companies = self.sudo().search([("sms_twilio_account_sid", "=", account_sid)])
        owner = companies.filtered(
            lambda c: to_number in c.sms_twilio_number_ids.mapped("number")
        )
        return (owner or companies)[:1]

    def _gateway_in_team(self, user):
        """Whether ``user`` answers this company's unassigned SMS.

        Without a team, every SMS user does.
        """
        self.ensure_one()
        company = self.sudo()
        if not company.sms_inbox_user_ids and not company.sms_inbox_channel_id:
            return True
        return user in company.sms_inbox_user_ids or bool(
            company.sms_inbox_channel_id.channel_member_ids.filtered(
                lambda member: member.partner_id == user.partner_id
            )
        )

    def _gateway_sender_choices(self):
        """[(sender, label)] a list send may choose: the company's numbers, its
        Messaging Service, its alphanumeric sender."""
        self.ensure_one()
        company_sudo = self.sudo()
        choices = [
            (number.number, number.display_name)
            for number in company_sudo.sms_twilio_number_ids
        ]
        service = company_sudo.sms_twilio_messaging_service_sid
        if service:
            choices.append((service, self.env._("Messaging Service")))
        if self.sms_alphanumeric_sender:
            choices.append(
                (
                    self.sms_alphanumeric_sender,
                    self.env._(
                        "%(sender)s (where the country allows it)",
                        sender=self.sms_alphanumeric_sender,
                    ),
                )
            )
        return choices
