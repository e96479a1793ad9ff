# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from .common import GatewayHttpCase


@tagged("post_install", "-at_install")
class TestUi(GatewayHttpCase):
    """What users see, in a browser, against the Twilio simulator."""

    def test_composer_send_and_delivery_status(self):
        """(a) Send SMS from a contact, live figures, delivered in the chatter."""
        # The simulator moves the SMS to delivered on its own and calls back.
        self.sim.configure(auto_progress=True, delays=[0.1, 0.2])
        self.addCleanup(self.sim.configure, auto_progress=False)
        # Its callbacks come like Twilio's, without the browser's test cookie.
        self.http_request_allow_all = True
        self.start_tour(
            f"/odoo/res.partner/{self.partner.id}",
            "sms_gateway_composer_tour",
            login="sms_user",
        )
        sent = self.sim_messages()
        self.assertEqual([m["to"] for m in sent], ["+32470123456"])
        self.assertEqual(sent[0]["body"], "Hello Paula, your order is ready.")
        self.assertEqual(sent[0]["status"], "delivered")
        log = self.last_log("+32470123456")
        self.assertEqual((log.status, log.user_id), ("delivered", self.user_sms))

    def test_list_send_confirmation(self):
        """(b) A marketing user texts a list; only reachable contacts get it."""
        Contact = self.env["mailing.contact"]
        contacts = Contact.create(
            [
                {"name": "Alice", "mobile": "+32470111111"},
                {"name": "Alice Twin", "mobile": "+32470111111"},
                {"name": "Bruno", "mobile": "+32470222222"},
                {"name": "Front Desk", "mobile": "+3222222222"},
                {"name": "Stopped", "mobile": "+32470333333"},
            ]
        )
        self.env["phone.blacklist"].sudo().add("+32470333333")
        self.env["sms.number"].sudo()._gateway_get(
            ["+3222222222"]
        ).line_type = "landline"
        mlist = self.env["mailing.list"].create(
            {"name": "Tour List", "contact_ids": [Command.set(contacts.ids)]}
        )
        self.start_tour(
            f"/odoo/mailing.list/{mlist.id}",
            "sms_gateway_list_send_tour",
            login="sms_marketing",
        )
        mailing = self.env["mailing.mailing"].search(
            [("contact_list_ids", "in", mlist.ids), ("mailing_type", "=", "sms")]
        )
        self.assertEqual(mailing.state, "in_queue")
        self.assertEqual(mailing.user_id, self.user_marketing)
        # The mailing queue and the SMS queue crons, each in its own cursor.
        self.run_cron("mass_mailing.ir_cron_mass_mailing_queue")
        self.run_queue()
        sent = {m["to"]: m["body"] for m in self.sim_messages()}
        self.assertEqual(
            sent,
            {
                "+32470111111": "Hi Alice, sale starts today!",
                "+32470222222": "Hi Bruno, sale starts today!",
            },
        )

    def test_quota_lowered_in_settings_refuses_next_send(self):
        """(c) A manager lowers the quota; the next send is disabled, with why."""
        self.env["sms.usage"].sudo()._gateway_reserve(self.company, [1])
        self.start_tour(
            "/odoo/action-sms_twilio_gateway.sms_gateway_settings_action",
            "sms_gateway_quota_settings_tour",
            login="sms_manager",
        )
        self.assertEqual(self.company.sms_monthly_quota, 1)
        self.assertEqual(self.company.sms_overage_cap, 0)
        self.start_tour(
            f"/odoo/res.partner/{self.partner.id}",
            "sms_gateway_quota_refused_tour",
            login="sms_user",
        )
        self.assertEqual(self.sim_messages(), [])
        self.assertFalse(self.last_log("+32470123456"), "nothing was even tried")

    def test_picker_texts_the_chosen_person_only(self):
        """(d) A plain employee picks a child, then the contact again, and sends:
        the contact's number only is texted and no contact's phone changes."""
        be = self.env.ref("base.be")
        ada = self.env["res.partner"].create(
            {"name": "Ada Tour", "phone": "+32470600001", "country_id": be.id}
        )
        child = self.env["res.partner"].create(
            {
                "name": "Charles Tour",
                "parent_id": ada.id,
                "phone": "+32470600002",
                "country_id": be.id,
            }
        )
        self.start_tour(
            f"/odoo/res.partner/{ada.id}", "sms_gateway_picker_tour", login="sms_user"
        )
        self.assertEqual([m["to"] for m in self.sim_messages()], ["+32470600001"])
        self.assertEqual((ada.phone, child.phone), ("+32470600001", "+32470600002"))

    def test_opted_out_contact_send_disabled(self):
        """(e) An opted-out contact: shown with the reason, Send disabled."""
        self.env["phone.blacklist"].sudo().add("+32470123456")
        self.env["res.partner"].create(
            {"name": "Paula Assistant", "parent_id": self.partner.id,
             "phone": "+32470600003"}
        )  # fmt: skip
        self.start_tour(
            f"/odoo/res.partner/{self.partner.id}",
            "sms_gateway_opted_out_tour",
            login="sms_user",
        )
        self.assertEqual(self.sim_messages(), [])
