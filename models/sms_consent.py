# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

CONSENT_KINDS = [("opt_out", "Opted out"), ("opt_in", "Opted in")]
CONSENT_SOURCES = [
    ("keyword", "Keyword (SMS)"),
    ("twilio_21610", "Twilio error 21610"),
    ("twilio_advanced", "Twilio Advanced Opt-Out"),
    ("user", "A user"),
    ("import", "An import"),
]


class SmsConsent(models.Model):
    """Consent history of a number: every opt-out and opt-in, how and by whom.

    Written only through :meth:`_record` (as superuser): a consent record is
    evidence (what a 10DLC vetting asks for), nobody edits it afterwards.
    """

    _name = "sms.consent"
    _description = "SMS consent record"
    _order = "date desc, id desc"
    _rec_name = "number"

    number = fields.Char(required=True, readonly=True, index=True, help="E.164")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    partner_id = fields.Many2one("res.partner", "Contact", readonly=True)
    kind = fields.Selection(CONSENT_KINDS, required=True, readonly=True)
    source = fields.Selection(CONSENT_SOURCES, "How", required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", "By", readonly=True, help="Empty: the number's owner, by SMS."
    )
    reason = fields.Char(readonly=True)
    text = fields.Text("Text received", readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)

    @api.model
    def _record(
        self, targets, kind, source, user=None, text=None, reason=None, company=None
    ):
        """Record that ``targets`` opted out or in; return the records.

        :param targets: E.164 numbers and/or ``res.partner`` records (their
            sanitized number is used; a partner without one is skipped)
        :param kind: ``"opt_out"`` or ``"opt_in"``
        :param source: one of :data:`CONSENT_SOURCES` (keyword, twilio_21610,
            twilio_advanced, user, import)
        :param user: who did it (``res.users``); none when the owner texted
        :param text: the text received, if any
        :param company: the company concerned (default: the current one)
        """
        company = company or self.env.company
        pairs = {}
        for target in targets:
            if isinstance(target, models.BaseModel):
                for partner in target:
                    if partner.phone_sanitized:
                        pairs.setdefault(partner.phone_sanitized, partner)
            elif target:
                pairs.setdefault(target, None)
        if not pairs:
            return self.browse()
        missing = [number for number, partner in pairs.items() if not partner]
        if missing:
            # The newest contact of the company holding the number.
            holders = self.env["res.partner"].sudo().search_fetch(
                [("phone_sanitized", "in", missing),
                 ("company_id", "in", [False, company.id])],
                ["phone_sanitized"], order="id desc",
            )  # fmt: skip
            for partner in holders:
                if not pairs[partner.phone_sanitized]:
                    pairs[partner.phone_sanitized] = partner
        return self.sudo().create(
            [
                {
                    "number": number,
                    "company_id": company.id,
                    "partner_id": partner.id if partner else False,
                    "kind": kind,
                    "source": source,
                    "user_id": user.id if user else False,
                    "reason": reason or False,
                    "text": text or False,
                }
                for number, partner in pairs.items()
            ]
        )

    @api.model
    def _gateway_keyword(
        self, log, log_values, keyword, reply, company, source="keyword"
    ):
        """An inbound keyword: logged, a consent record, a line in the chatter.

        So that the opt-out history shows where people look: what was
        received, what was answered.
        """
        number = log_values["number"]
        partner = self.env["sms.thread"]._gateway_partner_for(number, company)
        log.write(dict(log_values, partner_id=partner.id))
        self.env["sms.thread"]._gateway_touch(log)
        text = (log_values["body"] or "").strip()
        if keyword in ("opt_out", "opt_in"):
            self._record(
                [partner or number], keyword, source, text=text, company=company
            )
        if not partner:
            return
        if keyword == "opt_out":
            line = self.env._(
                "SMS received: “%(text)s”. The number opted out of SMS.", text=text
            )
        elif keyword == "opt_in":
            line = self.env._(
                "SMS received: “%(text)s”. The number opted back in to SMS.",
                text=text,
            )
        else:
            line = self.env._(
                "SMS received: “%(text)s” (a request for help).", text=text
            )
        if reply:
            line = self.env._("%(line)s Answered: “%(reply)s”", line=line, reply=reply)
        partner.sudo()._message_log(body=line, message_type="sms")
