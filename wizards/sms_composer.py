# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's SMS composer with the gateway: sending, scheduling, kinds of SMS.

The composer's other concerns live beside this file: the recipient picker
(``sms_composer_recipient``), the live figures and refusals
(``sms_composer_figures``) and the notification after sending
(``sms_composer_result``). Nothing here decides whether an SMS may leave:
the gateway does, whatever path sends it.
"""

from odoo import fields, models


class SmsComposer(models.TransientModel):
    _inherit = "sms.composer"

    gateway_scheduled_at = fields.Datetime(
        "Send at",
        help="Leave empty to send now. Otherwise the SMS waits in the queue until "
        "this time.",
    )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_send_sms(self):
        """Odoo's checks and send, then a notification saying what happened."""
        self.ensure_one()
        # Odoo's action returns nothing: its send hands us what it created.
        sent = []
        super(SmsComposer, self.with_context(sms_gateway_sent=sent)).action_send_sms()
        return self._gateway_result_action(sent[0] if sent else None)

    def _action_send_sms(self):
        result = super()._action_send_sms()
        sent = self.env.context.get("sms_gateway_sent")
        if sent is not None:
            sent.append(result)
        return result

    def _action_send_sms_numbers(self):
        when = self._gateway_when()
        if not when:
            return super()._action_send_sms_numbers()
        numbers = (
            self.sanitized_numbers.split(",")
            if self.sanitized_numbers
            else [
                self.recipient_single_number_itf or self.recipient_single_number or ""
            ]
        )
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {"body": self.body, "number": number, "gateway_not_before": when}
                    for number in numbers
                ]
            )
        )
        self.env["sms.sms"]._gateway_wake([when])
        return sms

    def _action_send_sms_comment(self, records=None):
        records = records if records is not None else self._get_records()
        target = self._gateway_single_target()
        when = self._gateway_when()
        if not target and not when:
            return super()._action_send_sms_comment(records=records)
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        all_bodies = self._prepare_body_values(records)
        extra = {"put_in_queue": True} if when else {}
        if target:
            extra.update(target)
        else:
            extra.update(
                number_field=self.number_field_name,
                sms_numbers=self.sanitized_numbers.split(",")
                if self.sanitized_numbers
                else None,
            )
        messages = self.env["mail.message"]
        for record in records:
            messages += record._message_sms(
                all_bodies[record.id], subtype_id=subtype_id, **extra
            )
        if when:
            self.env["sms.sms"].sudo().search(
                [("mail_message_id", "in", messages.ids), ("state", "=", "outgoing")]
            ).gateway_not_before = when
            self.env["sms.sms"]._gateway_wake([when])
        return messages

    def _action_send_sms_mass(self, records=None):
        when = self._gateway_when()
        if not when:
            return super()._action_send_sms_mass(records=records)
        self.mass_force_send = False
        sms = super()._action_send_sms_mass(records=records)
        sms.filtered(lambda s: s.state == "outgoing").gateway_not_before = when
        self.env["sms.sms"]._gateway_wake([when])
        return sms

    def _prepare_mass_sms_values(self, records):
        # A bulk send by SMS marketing is marketing (quiet hours, no per-user
        # rate limit); by anyone else it is that person texting (rate limited).
        # Decided here, on the server, never from a client's context.
        result = super()._prepare_mass_sms_values(records)
        marketing = self.env.user.has_group("sms_twilio_gateway.group_sms_marketing")
        kind = "marketing" if marketing else "interactive"
        for values in result.values():
            values.setdefault("gateway_kind", kind)
        return result

    # ------------------------------------------------------------------
    # Gateway helpers
    # ------------------------------------------------------------------

    def _gateway_when(self):
        """The scheduled time, when it is still to come."""
        when = self.gateway_scheduled_at
        return when if when and when > fields.Datetime.now() else False
