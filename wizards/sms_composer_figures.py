# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The composer's live figures and refusals, from the gateway's preview.

The figures come from ``sms.gateway._preview``: the same decision the
gateway takes at send time, without side effects, worded by the gateway
(``sms.gateway._labels`` / ``_format_*``) as on every other screen. When the
preview says the SMS will certainly be refused, Send is disabled and the
reason shown; the gateway still decides at send time, whatever path sends.
"""

import unicodedata

from odoo import api, fields, models

from ..tools import policy


def describe_characters(characters):
    """Readable list of characters, with their code point (’ and ' look alike)."""
    shown = []
    for char in characters:
        code = f"U+{ord(char):04X}"
        if char.isspace() or unicodedata.category(char)[0] in ("C", "Z", "M"):
            shown.append(code)
        else:
            shown.append(f"{char} ({code})")
    return ", ".join(shown)


class SmsComposer(models.TransientModel):
    _inherit = "sms.composer"

    gateway_company_id = fields.Many2one(
        "res.company", compute="_compute_gateway_company_id"
    )
    gateway_applies = fields.Boolean(compute="_compute_gateway_company_id")
    gateway_currency_id = fields.Many2one(related="gateway_company_id.currency_id")
    # No default on these: a default given to one field of a compute stops
    # the whole compute from running when the dialog opens.
    gateway_characters = fields.Integer(
        "Characters", compute="_compute_gateway_figures"
    )
    gateway_max_characters = fields.Integer(compute="_compute_gateway_figures")
    gateway_characters_label = fields.Char(compute="_compute_gateway_figures")
    gateway_segments = fields.Integer("Segments", compute="_compute_gateway_figures")
    gateway_segments_label = fields.Char(compute="_compute_gateway_figures")
    gateway_encoding = fields.Char("Encoding", compute="_compute_gateway_figures")
    gateway_unicode_characters = fields.Char(
        "Characters forcing Unicode", compute="_compute_gateway_figures"
    )
    # Float, not Monetary: a segment costs fractions of a cent.
    gateway_cost = fields.Float(
        "Estimated cost", compute="_compute_gateway_figures", digits=(12, 4)
    )
    gateway_cost_label = fields.Char(compute="_compute_gateway_figures")
    gateway_quota_left = fields.Integer(
        "Quota left this month", compute="_compute_gateway_figures"
    )
    gateway_quota_label = fields.Char(compute="_compute_gateway_figures")
    gateway_quota_unlimited = fields.Boolean(compute="_compute_gateway_figures")
    gateway_recipient_count = fields.Integer(compute="_compute_gateway_figures")
    gateway_sendable_count = fields.Integer(compute="_compute_gateway_figures")
    gateway_recipients_summary = fields.Char(compute="_compute_gateway_figures")
    gateway_warning = fields.Text(compute="_compute_gateway_figures")
    gateway_notice = fields.Text(compute="_compute_gateway_figures")
    gateway_refused = fields.Boolean(
        compute="_compute_gateway_figures",
        help="The gateway would certainly refuse this SMS: Send is disabled.",
    )

    @api.depends("res_model", "res_id", "res_ids")
    def _compute_gateway_company_id(self):
        for composer in self:
            company = self.env.company
            records = composer._get_records()
            if records:
                record = records[:1]
                company = record._mail_get_companies(default=company)[record.id]
            composer.gateway_company_id = company
            composer.gateway_applies = company._gateway_applies()

    @api.depends(
        "body",
        "composition_mode",
        "res_model",
        "res_id",
        "res_ids",
        "number_field_name",
        "sanitized_numbers",
        "recipient_single_number_itf",
        "gateway_recipient_id",
    )
    def _compute_gateway_figures(self):
        for composer in self:
            composer._gateway_set_figures()

    def _gateway_set_figures(self):
        self.ensure_one()
        company = self.gateway_company_id or self.env.company
        gateway = self.env["sms.gateway"]
        body = self._gateway_preview_body()
        recipients = (
            self._gateway_preview_recipients()
            if self.res_model or (self.composition_mode == "numbers")
            else []
        )
        kind = "marketing" if getattr(self, "mailing_id", False) else "interactive"
        preview = gateway.sudo()._preview(company, body, recipients, kind=kind)
        info = preview["info"]
        allowance = preview["allowance"]
        limit = policy.max_characters(info.encoding, company.sms_max_segments or 0)
        cost = preview["cost"] or info.segments * company.sms_segment_price
        self.gateway_characters = info.characters
        self.gateway_max_characters = limit
        self.gateway_characters_label = gateway._format_characters(
            info.characters, limit
        )
        self.gateway_segments = info.segments
        self.gateway_segments_label = gateway._format_segments(info.segments)
        self.gateway_encoding = info.encoding
        self.gateway_unicode_characters = describe_characters(info.unicode_characters)
        self.gateway_cost = cost
        self.gateway_cost_label = gateway._format_cost(cost, company.currency_id)
        self.gateway_quota_unlimited = allowance.included_left is None
        self.gateway_quota_left = allowance.included_left or 0
        self.gateway_quota_label = gateway._format_segments(self.gateway_quota_left)
        self.gateway_recipient_count = len(recipients)
        self.gateway_sendable_count = preview["sendable"]
        self.gateway_recipients_summary = self._gateway_recipients_summary(
            preview, len(recipients)
        )
        self.gateway_warning, self.gateway_notice, self.gateway_refused = (
            self._gateway_messages(company, info, preview, len(recipients))
        )

    def _gateway_recipients_summary(self, preview, count):
        """'3 of 4 recipients will receive it. Excluded: Opted out (1).' (bulk)."""
        if self.composition_mode != "mass":
            return False
        summary = self.env._(
            "%(sendable)s of %(count)s recipients will receive it.",
            sendable=preview["sendable"],
            count=count,
        )
        if preview["excluded"]:
            summary += " " + self.env._(
                "Excluded: %(reasons)s.",
                reasons=", ".join(
                    f"{label} ({number})"
                    for label, number in preview["excluded"].items()
                ),
            )
        return summary

    def _gateway_messages(self, company, info, preview, count):
        """(warning, notice, refused) for the figures.

        ``refused`` is True when the gateway would refuse every recipient, or
        the body itself: sending could only end in a failed SMS.
        """
        env = self.env
        if too_long := env["sms.gateway"]._length_reason(company, info):
            return too_long, False, True
        failed = [v for v in preview["verdicts"] if v.get("failure_type")]
        refused = bool(count) and len(failed) == count
        warning = notice = False
        if count == 1 and failed:
            warning = failed[0]["reason"]
        elif failed and self.composition_mode != "mass":
            # Bulk sends say it in their summary line.
            warning = env._(
                "%(excluded)s of %(count)s recipients will not receive it: "
                "%(reasons)s.",
                excluded=len(failed),
                count=count,
                reasons=", ".join(
                    f"{label} ({number})"
                    for label, number in preview["excluded"].items()
                ),
            )
        if preview["over_cap"]:
            quota = env["sms.gateway"]._quota_reason()
            warning = "\n".join(filter(None, [warning, quota]))
            # The gateway grants what fits: only a single SMS is surely refused.
            refused = refused or count == 1
        elif preview["overage"]:
            notice = env._(
                "This goes over the monthly quota: segments over it are billed "
                "%(price)s each.",
                price=env["sms.gateway"]._format_cost(
                    company.sms_overage_price, company.currency_id
                ),
            )
        return warning, notice, refused

    def _gateway_preview_body(self):
        """The body as it will be sent: placeholders rendered for one record."""
        body = self.body or ""
        if (
            "{{" in body
            and self.composition_mode == "comment"
            and self.res_model
            and self.res_id
        ):
            try:
                return self.env["mail.render.mixin"]._render_template(
                    body, self.res_model, [self.res_id]
                )[self.res_id]
            except Exception:  # noqa: BLE001 - half-typed placeholder: count as is
                return body
        return body

    def _gateway_preview_recipients(self):
        """(partner, number) pairs the composer would text."""
        partner = self.env["res.partner"]
        if self.composition_mode == "numbers" or (
            self.composition_mode == "comment" and self.sanitized_numbers
        ):
            if self.sanitized_numbers:
                return [(partner, n) for n in self.sanitized_numbers.split(",")]
            number = self.recipient_single_number_itf or self.recipient_single_number
            return [(partner, number)] if number else []
        if self.comment_single_recipient:
            recipient = self.gateway_recipient_id or self._gateway_contact()
            number = (
                self.recipient_single_number_itf
                or self.recipient_single_number
                or recipient.phone_sanitized
                or recipient.phone
            )
            return [(recipient, number)]
        records = self._get_records()
        if not records:
            return []
        info = records._gateway_sms_recipients(self.number_field_name)
        return [
            (partner, sanitized or number)
            for partner, number, sanitized in (info[record.id] for record in records)
        ]
