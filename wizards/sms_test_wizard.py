# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime


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
        """Send one SMS as every other path does; say what became of it.

        The gateway decides in this request; Twilio is called once the request
        has committed. The notification tells which: refused (with the reason),
        deferred, or handed over, Twilio's answer then showing in SMS > Messages.
        """
        self.ensure_one()
        self._check_settings_company()
        if not (self.number or "").strip():
            raise UserError(self.env._("Enter the number to send the test SMS to."))
        company = self.env.company
        # sudo: sms.sms is for system admins; the manager stays its author.
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                {
                    "number": self.number.strip(),
                    "body": self.body,
                    "record_company_id": company.id,
                    "gateway_kind": "interactive",
                }
            )
        )
        sms.send()
        return self._notify_outcome(sms)

    def _check_settings_company(self):
        """The company is the one of the Settings opened, never the client's.

        ``env.company`` is one of the user's allowed companies (Odoo checks
        the context against them); the wizard's company only travels through
        the client, so it must match.
        """
        if self.company_id != self.env.company:
            raise UserError(
                self.env._(
                    "A test SMS is sent by the company whose Settings you are in "
                    "(%(company)s). Switch to %(other)s to test its account.",
                    company=self.env.company.name,
                    other=self.company_id.sudo().name,
                )
            )

    def _notify_outcome(self, sms):
        sms = sms.exists()
        if sms.state in ("error", "canceled"):
            labels = dict(sms._fields["failure_type"]._description_selection(self.env))
            label = labels.get(sms.failure_type) or self.env._("Not sent")
            reason = sms.gateway_reason
            message = (
                self.env._("%(label)s: %(reason)s", label=label, reason=reason)
                if reason
                else label
            )
            return self._notification("danger", message, close=False)
        if sms.state == "outgoing" and sms.gateway_not_before:
            return self._notification(
                "warning",
                self.env._(
                    "The test SMS is queued until %(when)s.",
                    when=format_datetime(self.env, sms.gateway_not_before),
                ),
            )
        return self._notification(
            "info",
            self.env._(
                "The test SMS to %(number)s is handed over for sending. Twilio's "
                "answer (sent, delivered or refused) shows in SMS > Messages.",
                number=self.number.strip(),
            ),
        )

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
