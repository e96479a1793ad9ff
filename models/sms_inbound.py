# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An SMS received from Twilio: stored once, keywords answered, threaded."""

import psycopg2.errors
from twilio.twiml.messaging_response import MessagingResponse

from odoo import api, models
from odoo.tools import SQL

from ..tools import keywords, phone_numbers, segments


class SmsInbound(models.AbstractModel):
    _name = "sms.inbound"
    _description = "Inbound SMS handling"

    @api.model
    def _receive(
        self, company, message_sid, from_number, to_number, body, media,
        opt_out_type=None,
    ):  # fmt: skip
        """Handle an inbound SMS; return the TwiML answer.

        Keywords (the whole message) opt out, opt back in or ask for help; any
        other text lands in the chatter of the record that last texted the
        number, authored by the contact, and notifies the user who texted.
        A sender that is not a phone number (missing, alphanumeric ID, short
        code, junk) cannot be blacklisted, answered or matched to a contact:
        its message is kept in the log only.
        """
        response = MessagingResponse()
        if message_sid and self.env["sms.log"].sudo().search_count(
            [("twilio_sid", "=", message_sid)]
        ):
            return str(response)  # Twilio retried: stored once, answered once
        log = self._claim(company, message_sid)
        if not log:
            return str(response)  # a concurrent delivery of it stored it
        check = phone_numbers.check_number(from_number)
        number = check.e164 or from_number or "-"
        opt_out, opt_in, help_words = company._gateway_keywords()
        # Twilio's Advanced Opt-Out matched a keyword of its own: honoured.
        keyword = keywords.from_opt_out_type(opt_out_type) or keywords.classify(
            body, opt_out=opt_out, opt_in=opt_in, help=help_words
        )
        log_values = {
            "number": number,
            "sender": to_number,
            "body": body,
            "media_urls": "\n".join(url for url, _type in media) or False,
            "segments": segments.count_segments(body).segments,
        }
        if not check.ok:
            if keyword == "opt_out":
                reason = self.env._(
                    "The sender is not a phone number: this opt-out cannot be recorded."
                )
            else:
                reason = self.env._(
                    "The sender is not a phone number: kept in this log only."
                )
            log.write(dict(log_values, error_reason=reason))
            return str(response)
        self.env["sms.number"]._gateway_record_delivery_of(number)
        if not keyword:
            self.env["sms.probable.opt.out"]._gateway_consider(
                log, number, body, company
            )
        blacklist = self.env["phone.blacklist"].sudo()
        reply = None
        if keyword == "opt_out":
            blacklist._add(
                [number], message=self.env._("Opted out by SMS (%s).", body.strip())
            )
            reply = company.sms_opt_out_reply
        elif keyword == "opt_in":
            blacklist._remove(
                [number], message=self.env._("Opted in by SMS (%s).", body.strip())
            )
            reply = company.sms_opt_in_reply
        elif keyword == "help":
            reply = company.sms_help_reply
        if keyword:
            self.env["sms.consent"]._gateway_keyword(
                log,
                log_values,
                keyword,
                reply,
                company,
                source="twilio_advanced" if opt_out_type else "keyword",
            )
            if reply and not opt_out_type:  # else Twilio answered it already
                response.message(reply)
            return str(response)
        self.env["sms.thread"]._gateway_deliver(log, log_values, media, company)
        return str(response)

    @api.model
    def _claim(self, company, message_sid):
        """Insert the inbound log row of ``message_sid``, first thing.

        Returns it, or nothing when another transaction stored this message
        meanwhile (Twilio retrying while the first delivery runs): the unique
        SID decides, in a savepoint so that the request still answers 200.
        Plain SQL with no number or text, so that a lost race logs nothing
        personal; the caller fills the row in.
        """
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL(
                        """
                        INSERT INTO sms_log (direction, number, status, twilio_sid,
                            company_id, month, create_uid, create_date, write_uid,
                            write_date)
                        VALUES ('inbound', '-', 'received', %(sid)s, %(company)s,
                            date_trunc('month', now() at time zone 'utc')::date,
                            %(uid)s, now() at time zone 'utc', %(uid)s,
                            now() at time zone 'utc')
                        RETURNING id
                        """,
                        sid=message_sid or None,
                        company=company.id,
                        uid=self.env.uid,
                    ),
                    log_exceptions=False,
                )
                (log_id,) = self.env.cr.fetchone()
        except psycopg2.errors.UniqueViolation:
            return self.env["sms.log"]
        return self.env["sms.log"].browse(log_id)
