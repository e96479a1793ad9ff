# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import GatewayCase


@tagged("post_install", "-at_install")
class TestLineTypeLookup(GatewayCase):
    def test_intake_is_batched_and_cached(self):
        self.company.sms_lookup_policy = "intake"
        self.sim.set_line_type("+3222000001", "landline")
        partners = self.env["res.partner"].create(
            [{"name": f"Batch {i}", "phone": f"+3247010{i:04d}"} for i in range(40)]
            + [{"name": "Desk", "phone": "+3222000001"}]
        )
        self.assertEqual(
            self.sim.lookup_request_count(), 0, "no request while creating contacts"
        )
        facts = self.env["sms.number"].search(
            [("number", "in", partners.mapped("phone_sanitized"))]
        )
        self.assertEqual(len(facts), 41)
        self.assertTrue(all(facts.mapped("lookup_requested")))
        self.run_cron("sms_twilio_gateway.ir_cron_sms_number_lookup")
        self.assertEqual(
            [self.sim.lookup_count(n) for n in facts.mapped("number")], [1] * 41
        )
        self.assertEqual(self.sim.lookup_batches, [41], "in one request")
        desk = facts.filtered(lambda f: f.number == "+3222000001")
        self.assertEqual(desk.line_type, "landline")
        self.assertEqual(set((facts - desk).mapped("line_type")), {"mobile"})
        # A second contact with a known number costs no new lookup.
        self.env["res.partner"].create({"name": "Again", "phone": "+3222000001"})
        self.env["mailing.contact"].create({"name": "Again", "mobile": "+32470100001"})
        self.run_cron("sms_twilio_gateway.ir_cron_sms_number_lookup")
        self.assertEqual(self.sim.lookup_batches, [41], "nothing new looked up")
        # And the gateway refuses the landline without asking Twilio again.
        desk_partner = partners[-1]
        message = desk_partner._message_sms("hello desk", partner_ids=desk_partner.ids)
        self.commit()
        self.assertEqual(message.notification_ids.failure_type, "sms_landline")
        self.assertEqual(self.sim_messages(), [])

    def test_lookups_are_billed_to_the_company_that_asked(self):
        """Each company's numbers are looked up on its own Twilio account."""
        self.company.sms_lookup_policy = "intake"
        other = self.env["res.company"].create({"name": "Other Co"})
        other._gateway_use_sandbox(self.sim_server.url)
        # A wrong token: a lookup made on its account is refused, visibly.
        other.write({"sms_lookup_policy": "intake", "sms_twilio_auth_token": "x"})
        ours, theirs = self.env["res.partner"].create(
            [
                {"name": "Ours", "phone": "+32470201001"},
                {"name": "Theirs", "phone": "+32470201002", "company_id": other.id},
            ]
        )
        self.run_cron("sms_twilio_gateway.ir_cron_sms_number_lookup")
        facts = self.env["sms.number"].search(
            [("number", "in", ["+32470201001", "+32470201002"])], order="number"
        )
        self.assertEqual(facts.lookup_company_id, self.company | other)
        self.assertEqual(facts[0].line_type, "mobile")
        self.assertFalse(facts[0].lookup_error)
        self.assertTrue(facts[1].lookup_error, "looked up on the other account")

    def test_first_send_refreshes_after_its_age(self):
        self.company.write(
            {"sms_lookup_policy": "first_send", "sms_lookup_refresh_days": 30}
        )
        self.partner._message_sms("one")
        self.commit()
        self.partner._message_sms("two")
        self.commit()
        self.assertEqual(self.sim.lookup_count("+32470123456"), 1)
        facts = self.env["sms.number"].search([("number", "=", "+32470123456")])
        facts.lookup_date = fields.Datetime.now() - timedelta(days=31)
        self.partner._message_sms("three")
        self.commit()
        self.assertEqual(self.sim.lookup_count("+32470123456"), 2)

    def test_lookup_failure_never_blocks(self):
        self.company.sms_lookup_policy = "first_send"
        self.sim.add_fault("500", count=1, scope="lookup")
        message = self.partner._message_sms("still sent")
        self.commit()
        self.assertEqual(message.notification_ids.notification_status, "pending")
        facts = self.env["sms.number"].search([("number", "=", "+32470123456")])
        self.assertTrue(facts.lookup_error)
        self.assertEqual(len(self.sim_messages()), 1)

    def test_policy_off_never_looks_up(self):
        self.company.sms_lookup_policy = "off"
        self.env["res.partner"].create({"name": "Quiet", "phone": "+32470100099"})
        self.partner._message_sms("no lookup")
        self.commit()
        self.assertEqual(self.sim.lookup_request_count(), 0)


@tagged("post_install", "-at_install")
class TestMailingContactDnc(GatewayCase):
    def test_mailing_contact_dnc_blocks_marketing(self):
        mlist = self.env["mailing.list"].create(
            {
                "name": "DNC list",
                "contact_ids": [
                    (0, 0, {"name": "Ok", "mobile": "+32470123456"}),
                    (0, 0, {"name": "No", "mobile": "+32470444555", "sms_dnc": True}),
                ],
            }
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "name": "Promo",
                "subject": "Promo",
                "mailing_type": "sms",
                "body_plaintext": "Promo!",
                "mailing_model_id": self.env.ref("mass_mailing.model_mailing_list").id,
                "contact_list_ids": [(6, 0, mlist.ids)],
            }
        )
        mailing.action_send_sms()
        self.commit()
        self.run_queue()
        self.assertEqual([m["to"] for m in self.sim_messages()], ["+32470123456"])
        trace = mailing.mailing_trace_ids.filtered(
            lambda t: t.sms_number == "+32470444555"
        )
        self.assertEqual((trace.trace_status, trace.failure_type), ("error", "sms_dnc"))


@tagged("post_install", "-at_install")
class TestPrices(GatewayCase):
    def test_price_cron_records_final_price(self):
        self.partner._message_sms("priced")
        self.commit()
        sid = self.sim_messages()[0]["sid"]
        self.sim.advance(sid, steps=2)
        log = self.last_log("+32470123456")
        log.status = "delivered"  # the callback's job, tested over HTTP elsewhere
        self.run_cron("sms_twilio_gateway.ir_cron_sms_log_prices")
        self.assertAlmostEqual(log.price, 0.0079)
        self.assertEqual(log.price_unit, "USD")
        usage = self.env["sms.usage"]._gateway_current(self.company)
        self.assertAlmostEqual(usage.cost, 0.0079)
