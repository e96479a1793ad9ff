# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""List-send options: sender, phone field, placeholders, the list SMS cap and
the finish estimate, through the real mailing and SMS queues."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged, users

from .common import BE_SENDER, US_SENDER, GatewayHttpCase


@tagged("post_install", "-at_install")
class TestListSendOptions(GatewayHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        contacts = cls.env["mailing.contact"].create(
            [
                {"name": "Alice", "mobile": "+32470111111", "phone": "+3223334455"},
                {"name": "Bruno", "mobile": "+32470222222", "phone": "+3224445566"},
                {"name": "Carla", "mobile": "+32470333333"},
            ]
        )
        cls.mlist = cls.env["mailing.list"].create(
            {"name": "Options List", "contact_ids": [Command.set(contacts.ids)]}
        )

    def wizard(self, **values):
        return (
            self.env["sms.list.send"]
            .with_context(active_model="mailing.list", active_ids=self.mlist.ids)
            .create(dict({"body": "Sale today"}, **values))
        )

    def deliver(self):
        self.run_cron("mass_mailing.ir_cron_mass_mailing_queue")
        self.run_queue()
        return {m["to"]: m["from"] for m in self.sim_messages()}

    @users("sms_marketing")
    def test_chosen_sender_and_phone_field(self):
        wizard = self.wizard(sender=US_SENDER, number_field="phone")
        self.assertEqual(wizard.sendable_count, 2, "Carla has no phone")
        self.assertIn("1 segments a second", wizard.finish_label)
        # The number's own throughput setting wins over its kind's default.
        self.company.sudo().sms_twilio_number_ids.filtered(
            lambda n: n.number == US_SENDER
        ).sms_mps = 4
        wizard.sender = BE_SENDER
        wizard.sender = US_SENDER
        self.assertIn("4 segments a second", wizard.finish_label)
        wizard.action_send()
        self.assertEqual(
            self.deliver(), {"+3223334455": US_SENDER, "+3224445566": US_SENDER}
        )

    @users("sms_marketing")
    def test_alphanumeric_only_where_allowed(self):
        company = self.company.sudo()
        company.sms_alphanumeric_sender = "Acme"
        # Belgium asks for registration first: allowed once listed.
        company.sms_alphanumeric_country_ids = self.env.ref("base.be")
        self.mlist.contact_ids[2].mobile = "+14155550123"  # the US: not allowed
        self.wizard(sender="Acme").action_send()
        sent = self.deliver()
        self.assertEqual(sent["+32470111111"], "Acme")
        self.assertEqual(sent["+14155550123"], US_SENDER, "the usual sender")

    @users("sms_marketing")
    def test_a_sender_of_another_company_is_refused(self):
        wizard = self.wizard()
        self.assertIn((BE_SENDER, f"{BE_SENDER} (Belgium)"), wizard._selection_sender())
        wizard.sender = "+15550001111"
        with self.assertRaisesRegex(UserError, "one of the company's senders"):
            wizard.action_send()

    @users("sms_marketing")
    def test_company_cap_on_list_sms(self):
        self.company.sudo().sms_list_max_chars = 20
        wizard = self.wizard(body="This sale lasts all week long")
        self.assertTrue(wizard.over_limit)
        self.assertIn("/ 20 characters", wizard.characters_label)
        with self.assertRaisesRegex(UserError, "longer than the 20 characters"):
            wizard.action_send()
        wizard.body = "Sale all week"
        self.assertFalse(wizard.over_limit)

    def test_list_send_options_tour(self):
        """A marketing user picks the sender and the phone field, inserts a
        placeholder with the editor's picker and sends."""
        self.start_tour(
            f"/odoo/mailing.list/{self.mlist.id}",
            "sms_gateway_list_options_tour",
            login="sms_marketing",
        )
        mailing = self.env["mailing.mailing"].search(
            [("contact_list_ids", "in", self.mlist.ids)]
        )
        self.assertEqual(
            (mailing.sms_gateway_sender, mailing.sms_gateway_number_field),
            (US_SENDER, "phone"),
        )
        self.run_cron("mass_mailing.ir_cron_mass_mailing_queue")
        self.run_queue()
        sent = {(m["to"], m["from"], m["body"]) for m in self.sim_messages()}
        self.assertEqual(
            sent,
            {
                ("+3223334455", US_SENDER, "Hello Alice"),
                ("+3224445566", US_SENDER, "Hello Bruno"),
            },
        )
