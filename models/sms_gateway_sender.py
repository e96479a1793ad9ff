# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who an SMS leaves from, and how fast each sender may be handed SMS."""

from odoo import api, models
from odoo.addons.sms_twilio.tools.sms_twilio import get_twilio_from_number

from ..tools import pacing, phone_numbers, throughput


class SmsGatewaySender(models.AbstractModel):
    _name = "sms.gateway.sender"
    _description = "SMS gateway senders and pacing"

    @api.model
    def _senders(self, company, sms_records, verdicts):
        """``{sms id: sender}`` in the design's order of preference: the
        mailing's chosen sender, the author's dedicated number, the Messaging
        Service, the alphanumeric ID where allowed, Odoo's number choice."""
        company_sudo = company.sudo()
        numbers = company_sudo.sms_twilio_number_ids
        service = company_sudo.sms_twilio_messaging_service_sid
        alpha = company.sms_alphanumeric_sender
        if alpha and not phone_numbers.is_valid_alphanumeric_sender(alpha):
            alpha = False
        alpha_countries = set(company.sms_alphanumeric_country_ids.mapped("code"))
        choices = dict(company._gateway_sender_choices())

        def alpha_allowed(e164):
            region = phone_numbers.number_region(e164)
            return phone_numbers.alphanumeric_sender_allowed(
                region, alpha_countries or None
            )

        def sender(sms, e164):
            chosen = sms.mailing_id.sms_gateway_sender
            if chosen and chosen in choices:
                if chosen != company.sms_alphanumeric_sender or alpha_allowed(e164):
                    return chosen
            author = sms._gateway_author()
            dedicated = numbers.filtered(lambda n: n.user_id == author)[:1]
            if dedicated:
                return dedicated.number
            if service:
                return service
            if alpha and alpha_allowed(e164):
                return alpha
            return get_twilio_from_number(company_sudo, e164).number or ""

        return {sms.id: sender(sms, verdicts[sms.id].e164) for sms in sms_records}

    @api.model
    def _mps(self, company, senders):
        """``{sender: segments per second}``: the Twilio number's or the
        Messaging Service's own setting, else its kind's default."""
        company_sudo = company.sudo()
        configured = {
            number.number: number.sms_mps
            for number in company_sudo.sms_twilio_number_ids
            if number.sms_mps
        }
        service_mps = company_sudo.sms_twilio_messaging_service_mps
        return {
            sender: throughput.segments_per_second(
                sender,
                service_mps
                if phone_numbers.is_messaging_service_sid(sender)
                else configured.get(sender, 0),
            )
            for sender in senders
        }

    @api.model
    def _pace(self, company, sms_records, senders, verdicts, now):
        """``{sms id: when}`` for the SMS their sender has no room for now
        (see ``tools.pacing``), in queue order."""
        mps = self._mps(company, set(senders.values()))
        handed = self.env["sms.log"]._gateway_handed(
            company, set(senders.values()), now - pacing.HORIZON
        )
        waiting = {}
        for sender, sms in sms_records.grouped(lambda s: senders[s.id]).items():
            accepted, next_at = pacing.pace(
                handed.get(sender, 0),
                now,
                [verdicts[one.id].segments for one in sms],
                mps[sender],
            )
            waiting.update(dict.fromkeys(sms[accepted:].ids, next_at))
        return waiting
