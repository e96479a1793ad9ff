# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError


class SmsTestWizard(models.TransientModel):
    """Send one SMS from Settings, through the same path as every other SMS."""

    _name = "sms.test.wizard"
    _description = "Send a test SMS"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda s: s.env.company
    )
    number = fields.Char("Send to", required=True, help="Any format; E.164 is safest.")
    body = fields.Text(
        "Message",
        required=True,
        default=lambda s: s.env._("This is a test SMS from Odoo."),
    )

    def action_send(self):
        """Queue the SMS as ``sms.sms`` and send it now; report the outcome.

        ``sms_gateway_commit`` makes the gateway hand the SMS to Twilio before
        returning (hand-off committed first, as in the queue cron), so the
        answer shown is Twilio's, not just "queued".
        """
        self.ensure_one()
        if not (self.number or "").strip():
            raise UserError(self.env._("Enter the number to send the test SMS to."))
        sms = (
            self.env["sms.sms"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "number": self.number.strip(),
                    "body": self.body,
                    "record_company_id": self.company_id.id,
                    "gateway_kind": "interactive",
                }
            )
        )
        sms.with_context(sms_gateway_commit=True).send()
        sms.invalidate_recordset()
        return self._notify_outcome(sms)

    def _notify_outcome(self, sms):
        log = sms.gateway_log_id
        if sms.state in ("error", "canceled"):
            labels = dict(sms._fields["failure_type"]._description_selection(self.env))
            label = labels.get(sms.failure_type) or self.env._("Not sent")
            reason = sms.gateway_reason or log.error_reason
            message = (
                self.env._("%(label)s: %(reason)s", label=label, reason=reason)
                if reason
                else label
            )
            return self._notification("danger", message, close=False)
        if sms.state == "outgoing":
            return self._notification(
                "warning",
                sms.gateway_reason
                or self.env._("The SMS is queued and will be sent shortly."),
            )
        if sms.state == "process":
            return self._notification(
                "info",
                self.env._(
                    "The SMS is being handed to Twilio: see SMS > Messages for "
                    "its status."
                ),
            )
        if log.sender:
            message = self.env._(
                "Twilio accepted the SMS to %(number)s from %(sender)s "
                "(%(segments)s segment(s), %(encoding)s).",
                number=log.number,
                sender=log.sender,
                segments=log.segments,
                encoding=log.encoding,
            )
        else:
            message = self.env._("The SMS was sent to %(number)s.", number=sms.number)
        return self._notification("success", message)

    def _notification(self, notif_type, message, close=True):
        params = {
            "title": self.env._("Test SMS"),
            "message": message,
            "type": notif_type,
            "sticky": notif_type == "danger",
        }
        if close:
            params["next"] = {"type": "ir.actions.act_window_close"}
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": params,
        }
