# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The composer's recipient picker: which of a contact's people is texted.

The chosen person and the number field always agree: choosing someone puts
their number in the field, choosing the contact again puts the contact's
back. Sending texts the number shown, and never writes it on any record
(Odoo's composer saves an edited number on the record it was opened from).
"""

from markupsafe import Markup

from odoo import api, fields, models


class SmsComposer(models.TransientModel):
    _inherit = "sms.composer"

    gateway_recipient_allowed_ids = fields.Many2many(
        "res.partner", compute="_compute_gateway_recipient_allowed_ids"
    )
    gateway_recipient_choice = fields.Boolean(
        compute="_compute_gateway_recipient_allowed_ids",
        help="The contact has other people with a number: choose who receives it.",
    )
    gateway_recipients_status = fields.Html(
        "Who can be texted",
        compute="_compute_gateway_recipient_allowed_ids",
        sanitize=False,
    )
    gateway_recipient_id = fields.Many2one(
        "res.partner",
        "Send to",
        compute="_compute_gateway_recipient_id",
        store=True,
        readonly=False,
        domain="[('id', 'in', gateway_recipient_allowed_ids)]",
    )

    @api.depends("res_model", "res_id", "composition_mode")
    def _compute_gateway_recipient_allowed_ids(self):
        for composer in self:
            contact = composer._gateway_contact()
            people = composer._gateway_people(contact)
            with_number = people.filtered("phone")
            composer.gateway_recipient_allowed_ids = with_number
            composer.gateway_recipient_choice = bool(with_number) and (
                len(with_number) > 1 or contact not in with_number
            )
            composer.gateway_recipients_status = (
                composer._gateway_people_status_html(people)
                if composer.gateway_recipient_choice
                else False
            )

    @api.depends("res_model", "res_id", "composition_mode")
    def _compute_gateway_recipient_id(self):
        for composer in self:
            contact = composer._gateway_contact()
            people = composer._gateway_people(contact).filtered("phone")
            if contact in people:
                # The contact the user opened, even when it cannot be texted:
                # the dialog then says why, rather than quietly picking
                # someone else.
                composer.gateway_recipient_id = contact
                continue
            refused = composer._gateway_people_verdicts(people)
            textable = people.filtered(lambda p, refused=refused: not refused[p.id])
            composer.gateway_recipient_id = (textable or people)[:1]

    @api.depends("gateway_recipient_id")
    def _compute_recipient_single_stored(self):
        result = super()._compute_recipient_single_stored()
        for composer in self:
            recipient = composer.gateway_recipient_id
            if not (recipient and composer.comment_single_recipient):
                continue
            if recipient == composer._gateway_contact():
                # The record's own number (its phone field), as Odoo shows it.
                composer.recipient_single_number_itf = (
                    composer.recipient_single_number
                    or recipient.phone_sanitized
                    or recipient.phone
                    or ""
                )
            else:
                composer.recipient_single_number_itf = (
                    recipient.phone_sanitized or recipient.phone or ""
                )
        return result

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _action_send_sms_comment_single(self, records=None):
        """Text the person and number shown; never save a number on a record.

        Odoo's version writes an edited number on the record before sending:
        here an edited number is texted as typed and every record keeps its own.
        """
        records = records if records is not None else self._get_records()
        records.ensure_one()
        if self._gateway_single_target():
            return self._action_send_sms_comment(records=records)
        return super()._action_send_sms_comment_single(records=records)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _gateway_contact(self):
        """The person the composer texts by default (comment mode, one record)."""
        self.ensure_one()
        partner = self.env["res.partner"]
        if not self.comment_single_recipient or not self.res_model:
            return partner
        record = self._get_records()
        if not record or len(record) != 1 or not record.exists():
            return partner
        if record._name == "res.partner":
            return record
        return record._mail_get_partners()[record.id][:1]

    def _gateway_people(self, contact):
        """The contact and its child contacts."""
        return (contact | contact.child_ids) if contact else contact

    def _gateway_single_target(self):
        """``_message_sms`` arguments texting the person and number shown.

        None when Odoo's own send does exactly that (the record's contact, at
        the record's number).
        """
        if not self.comment_single_recipient:
            return None
        person = self.gateway_recipient_id
        typed = self.recipient_single_number_itf
        edited = bool(typed) and typed != self.recipient_single_number
        if person and (edited or person != self._gateway_contact()):
            number = typed or person.phone_sanitized or person.phone
            return {"partner_ids": person.ids, "sms_pid_to_number": {person.id: number}}
        if edited:
            record = self._get_records()
            return {"sms_numbers": [record._phone_format(number=typed) or typed]}
        return None

    def _gateway_people_verdicts(self, people):
        """{partner id: failure verdict or False} for these people's numbers.

        Number-level checks only (empty body, no rate limit): whether each one
        can be texted at all.
        """
        if not people:
            return {}
        company = self.gateway_company_id or self.env.company
        preview = (
            self.env["sms.gateway"]
            .sudo()
            ._preview(
                company,
                "",
                [(person, person.phone_sanitized or person.phone) for person in people],
                kind="automated",
            )
        )
        return {
            person.id: verdict if verdict.get("failure_type") else False
            for person, verdict in zip(people, preview["verdicts"], strict=True)
        }

    def _gateway_people_status_html(self, people):
        verdicts = self._gateway_people_verdicts(people)
        labels = self.env["sms.gateway"]._labels()
        items = []
        for person in people:
            verdict = verdicts[person.id]
            if verdict:
                label = self.env["sms.gateway"]._label(verdict["failure_type"], labels)
                items.append(
                    Markup(
                        '<li class="text-muted" title="%s"><i class="fa fa-ban '
                        'text-danger me-1" role="img"/>%s — %s</li>'
                    )
                    % (verdict["reason"], person.name or "", label)
                )
            else:
                items.append(
                    Markup(
                        '<li><i class="fa fa-check text-success me-1" role="img"/>'
                        "%s — %s</li>"
                    )
                    % (person.name or "", person.phone_sanitized or person.phone)
                )
        return Markup('<ul class="list-unstyled mb-0">%s</ul>') % Markup("").join(items)
