# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged, users

from .common import GatewayCase


@tagged("post_install", "-at_install")
class TestLogDisplay(GatewayCase):
    """The message log words failures and prices as people read them."""

    def log(self, **values):
        return (
            self.env["sms.log"]
            .sudo()
            .create(dict({"number": "+32470123456", "body": "Hi"}, **values))
        )

    @users("sms_manager")
    def test_failures_prices_and_pending_cost(self):
        blocked = self.log(
            status="blocked", failure_type="sms_dnc", segments=1, price_estimate=0
        )
        sent = self.log(status="sent", segments=1, price_estimate=0.0079)
        billed = self.log(
            status="delivered", segments=1, price_estimate=0.0079,
            price=0.0083, price_unit="USD",
        )  # fmt: skip
        logs = (blocked | sent | billed).with_user(self.env.user)
        kinds = dict(logs._fields["failure_kind"]._description_selection(self.env))
        blocked, sent, billed = logs
        self.assertEqual(kinds[blocked.failure_kind], "Do not text")
        self.assertFalse(blocked.estimate_label, "no estimate on a blocked SMS")
        self.assertFalse(blocked.price_label)
        self.assertEqual(sent.estimate_label, "$\xa00.0079")
        self.assertTrue(sent.price_pending)
        self.assertEqual(sent.price_label, "Pending")
        self.assertFalse(billed.price_pending)
        self.assertEqual(billed.price_label, "$\xa00.0083")
        # Grouped by failure, the group says the label, not the key.
        groups = self.env["sms.log"].formatted_read_group(
            [("id", "in", logs.ids)], ["failure_kind"], ["__count"]
        )
        self.assertIn("sms_dnc", [g["failure_kind"] for g in groups])

    @users("sms_manager")
    def test_log_views_show_labels_and_full_numbers(self):
        views = self.env["sms.log"].get_views([(False, "list"), (False, "form")])
        listed = views["views"]["list"]["arch"]
        self.assertIn('name="failure_kind"', listed)
        self.assertIn('name="price_label"', listed)
        self.assertRegex(listed, r'name="number"[^>]*width=')
        self.assertIn('name="failure_kind"', views["views"]["form"]["arch"])
