# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Options of a list send: the sender, the phone field, the company's cap on
characters, and when the send will be done. (Placeholders come from the
message editor's own "Insert Field" picker.)"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from ..tools import policy, throughput


class SmsListSend(models.TransientModel):
    _inherit = "sms.list.send"

    sender = fields.Selection(
        selection="_selection_sender",
        help="Empty: the gateway's usual choice (a number of the destination "
        "country, the Messaging Service...). An alphanumeric sender is used only "
        "where the destination country allows it; others get the usual sender.",
    )
    number_field = fields.Selection(
        selection="_selection_number_field",
        string="Phone field",
        default=lambda self: self._selection_number_field()[0][0],
        required=True,
        help="Which number of each contact is texted.",
    )
    char_limit = fields.Integer(compute="_compute_figures")
    over_limit = fields.Boolean(compute="_compute_figures")
    finish_label = fields.Char("Done by", compute="_compute_figures")

    @api.model
    def _selection_sender(self):
        return self.env.company._gateway_sender_choices()

    @api.model
    def _selection_number_field(self):
        Contact = self.env["mailing.contact"]
        return [
            (name, Contact._fields[name].get_description(self.env)["string"])
            for name in Contact._phone_get_number_fields()
            if name in Contact._fields
        ]

    def _character_limit(self, encoding):
        """The company's max segments, and its cap on list SMS when lower."""
        company = self.company_id or self.env.company
        limit = policy.max_characters(encoding, company.sms_max_segments or 0)
        if company.sms_list_max_chars:
            limit = min(limit, company.sms_list_max_chars)
        return limit

    def _set_option_figures(self, preview):
        info = preview["info"]
        self.char_limit = self._character_limit(info.encoding)
        self.over_limit = info.characters > self.char_limit
        self.finish_label = self._finish_label(preview["releases"])

    def _finish_label(self, releases):
        if not releases:
            return False
        company = self.company_id or self.env.company
        sender = self.sender or self._usual_sender(company)
        rate = self.env["sms.gateway.sender"]._mps(company, [sender])[sender]
        now = fields.Datetime.now()
        start = max(self.scheduled_at or now, now)
        done = throughput.finish_time(start, releases, rate)
        waiting = sum(1 for when, _count in releases if when)
        label = self.env._(
            "%(when)s (%(rate)s segments a second from this sender)",
            when=format_datetime(self.env, done, dt_format="short"),
            rate=int(rate) if float(rate).is_integer() else rate,
        )
        if waiting:
            label = self.env._(
                "%(label)s; %(count)s wait for quiet hours", label=label, count=waiting
            )
        return label

    @api.model
    def _usual_sender(self, company):
        """The sender the gateway picks most often, for the estimate."""
        company_sudo = company.sudo()
        if company_sudo.sms_twilio_messaging_service_sid:
            return company_sudo.sms_twilio_messaging_service_sid
        return company_sudo.sms_twilio_number_ids[:1].number or ""

    def _check_options(self):
        if self.over_limit:
            raise UserError(
                self.env._(
                    "The message is longer than the %(limit)s characters a list SMS "
                    "may have: shorten it.",
                    limit=self.char_limit,
                )
            )
        company = self.company_id or self.env.company
        if self.sender and self.sender not in dict(company._gateway_sender_choices()):
            raise UserError(self.env._("Choose one of the company's senders."))

    def _gateway_mailing_options(self):
        return {
            "sms_gateway_sender": self.sender or False,
            "sms_gateway_number_field": self.number_field or False,
        }
