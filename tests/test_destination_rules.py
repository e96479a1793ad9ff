# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Destination rules through the real send path: allowed countries, the daily
cap and the US quiet-hour laws."""

from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged, users

from .common import GatewayCase

FLORIDA = "+13055550177"


@tagged("post_install", "-at_install")
class TestDestinationRules(GatewayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        us = cls.env.ref("base.us")
        cls.us_partner = cls.env["res.partner"].create(
            {"name": "Fiona Florida", "phone": FLORIDA, "country_id": us.id}
        )

    @users("sms_user")
    def test_destination_country_not_allowed(self):
        self.company.sudo().sms_country_ids = [
            Command.set([self.env.ref("base.us").id, self.env.ref("base.ca").id])
        ]
        self.send_to_partner(self.partner, "to Belgium")
        self.send_to_partner(self.us_partner, "to Florida")
        refused = self.last_log("+32470123456")
        self.assertEqual(
            (refused.status, refused.failure_type), ("blocked", "sms_country")
        )
        self.assertIn("(BE) may not be texted", refused.error_reason)
        self.assertEqual([m["to"] for m in self.sim_messages()], [FLORIDA])
        message = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.partner.id)],
            order="id desc",
            limit=1,
        )
        self.assertEqual(message.notification_ids.failure_type, "sms_country")

    @users("sms_user")
    def test_daily_cap_counts_what_the_company_sent_today(self):
        company = self.company.sudo()
        company.partner_id.tz = "America/New_York"
        self.send_to_partner(self.partner, "first")
        company.sms_daily_cap = 2
        self.send_to_partner(self.us_partner, "second")
        self.send_to_partner(self.partner, "one too many")
        log = self.last_log("+32470123456")
        self.assertEqual((log.status, log.failure_type), ("blocked", "sms_daily_cap"))
        self.assertIn("2 SMS a day", log.error_reason)
        self.assertEqual([m["body"] for m in self.sim_messages()], ["first", "second"])
        # Refused SMS do not count: raising the cap by one lets one more go.
        company.sms_daily_cap = 3
        self.send_to_partner(self.partner, "third")
        self.assertEqual(self.sim_messages()[-1]["body"], "third")

    def test_state_quiet_hours_defer_to_the_law(self):
        """Florida's 8:00-20:00 on top of the company's 9:00-21:00: an
        automated SMS at 20:30 EST waits for 9:00 next morning."""
        self.company.write(
            {
                "sms_quiet_hours_enabled": True,
                "sms_quiet_start": 9.0,
                "sms_quiet_end": 21.0,
            }
        )
        self.us_partner.tz = "America/New_York"
        with freeze_time("2026-01-16 01:30:00"):  # 20:30 EST on the 15th
            self.us_partner._message_sms("sale tomorrow", put_in_queue=True)
            self.run_queue()
            sms = self.env["sms.sms"].search([("body", "=", "sale tomorrow")])
            self.assertEqual(sms.state, "outgoing", "deferred, never failed")
            self.assertEqual(sms.gateway_not_before, datetime(2026, 1, 16, 14, 0))
        self.assertWoken(datetime(2026, 1, 16, 14, 0))
        # Without the law's window, 20:30 is inside the company's.
        self.company.sms_legal_quiet_hours = False
        with freeze_time("2026-01-16 01:30:00"):
            self.us_partner._message_sms("no law", put_in_queue=True)
            self.run_queue()
        self.assertEqual([m["body"] for m in self.sim_messages()], ["no law"])

    def test_daily_count_has_an_index(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["sms_log_company_create_date_index"],
        )
        (definition,) = self.env.cr.fetchone()
        self.assertIn("(company_id, create_date)", definition)
