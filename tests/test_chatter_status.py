# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged, users

from .common import GatewayCase


@tagged("post_install", "-at_install")
class TestChatterStatus(GatewayCase):
    """A scheduled SMS shows its time in the chatter and can be cancelled."""

    def schedule(self, body):
        when = fields.Datetime.now() + timedelta(hours=2)
        composer = (
            self.env["sms.composer"]
            .with_context(
                default_res_model="res.partner",
                default_res_id=self.partner.id,
                default_composition_mode="comment",
            )
            .create({"body": body, "gateway_scheduled_at": when})
        )
        composer.action_send_sms()
        self.commit()
        message = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.partner.id)],
            order="id desc",
            limit=1,
        )
        return message, when

    @users("sms_user")
    def test_scheduled_sms_shows_its_time_and_is_cancelled(self):
        message, when = self.schedule("Later, maybe")
        notification = message.notification_ids
        self.assertEqual(notification.notification_status, "ready")
        self.assertEqual(notification.sms_gateway_scheduled_at, when)
        # The chatter gets the time with the notification.
        self.assertIn(
            "sms_gateway_scheduled_at",
            self.env["mail.notification"]._to_store_defaults(None),
        )
        self.assertEqual(message.action_gateway_cancel_scheduled_sms(), 1)
        self.commit()
        self.assertEqual(notification.notification_status, "canceled")
        self.assertFalse(notification.sms_gateway_scheduled_at)
        self.run_queue()
        self.assertEqual(self.sim_messages(), [], "never sent")

    def test_only_author_or_editor_cancels(self):
        message, _when = self.schedule("Not yours")
        # An employee who may read contacts, not edit them.
        reader = new_test_user(self.env, login="sms_reader", groups="base.group_user")
        with self.assertRaises(AccessError):
            message.with_user(reader).action_gateway_cancel_scheduled_sms()
