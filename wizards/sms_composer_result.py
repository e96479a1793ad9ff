# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the composer says once it sent: one notification, then it closes."""

from odoo import models
from odoo.tools import format_datetime

FAILED_NOTIFICATION_STATUSES = ("exception", "bounce", "canceled")


class SmsComposer(models.TransientModel):
    _inherit = "sms.composer"

    def _gateway_result_action(self, result):
        """A notification saying what happened, then the dialog closes."""
        env = self.env
        failures, sent, queued, who = [], 0, 0, ""
        if result and result._name == "mail.message":
            notifications = result.sudo().notification_ids.filtered(
                lambda n: n.notification_type == "sms"
            )
            for notif in notifications:
                if notif.notification_status in FAILED_NOTIFICATION_STATUSES:
                    failures.append(
                        notif.failure_reason or notif.format_failure_reason()
                    )
                elif notif.notification_status == "ready":
                    queued += 1
                else:
                    sent += 1
            names = notifications.res_partner_id.mapped("name") or notifications.mapped(
                "sms_number"
            )
            who = ", ".join(filter(None, names))
        elif result:
            gateway = env["sms.gateway"]
            labels = gateway._labels()
            for sms in result.sudo():
                if sms.state in ("error", "canceled"):
                    failures.append(
                        sms.gateway_reason or gateway._label(sms.failure_type, labels)
                    )
                elif sms.state == "outgoing":
                    queued += 1
                else:
                    sent += 1
            who = env._("%(count)s recipients", count=len(result))
        when = self._gateway_when()
        if when:
            notification = {
                "type": "info",
                "title": env._("SMS scheduled"),
                "message": env._(
                    "Scheduled for %(when)s (%(who)s).",
                    when=format_datetime(env, when),
                    who=who,
                ),
            }
        elif failures and not (sent or queued):
            notification = {
                "type": "danger",
                "title": env._("SMS not sent"),
                "message": "\n".join(dict.fromkeys(failures)),
                "sticky": True,
            }
        elif failures or queued:
            parts = []
            if sent:
                parts.append(env._("%(count)s sent", count=sent))
            if queued:
                parts.append(env._("%(count)s queued", count=queued))
            if failures:
                parts.append(
                    env._(
                        "%(count)s refused: %(reasons)s",
                        count=len(failures),
                        reasons="; ".join(dict.fromkeys(failures)),
                    )
                )
            notification = {
                "type": "warning" if failures else "success",
                "title": env._("SMS"),
                "message": ", ".join(parts) + ".",
            }
        else:
            notification = {
                "type": "success",
                "title": env._("SMS sent"),
                "message": env._("Sent to %(who)s.", who=who)
                if who
                else env._("Sent."),
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": dict(notification, next={"type": "ir.actions.act_window_close"}),
        }
