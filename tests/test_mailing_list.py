# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged, users

from ..models.mailing_list import SMS_FIGURES
from .common import GatewayCase


@tagged("post_install", "-at_install")
class TestMailingListSms(GatewayCase):
    """SMS figures of mailing lists, the send confirmation and the send."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Contact = cls.env["mailing.contact"]
        cls.ok1 = Contact.create({"name": "Ok One", "mobile": "+32470111111"})
        cls.ok1_twin = Contact.create({"name": "Ok Twin", "mobile": "+32470111111"})
        cls.ok2 = Contact.create({"name": "Ok Two", "mobile": "+32470222222"})
        cls.ok2_twin = Contact.create(
            {"name": "Ok2 Twin", "mobile": "+32 470 22 22 22"}
        )
        cls.opted_out = Contact.create({"name": "Stop", "mobile": "+32470333333"})
        cls.dnc = Contact.create(
            {"name": "Dnc", "mobile": "+32470444444", "sms_dnc": True}
        )
        cls.landline = Contact.create({"name": "Desk", "mobile": "+3222222222"})
        cls.invalid = Contact.create({"name": "Bad", "mobile": "12"})
        cls.no_number = Contact.create({"name": "None"})
        cls.unsubscribed = Contact.create({"name": "Unsub", "mobile": "+32470555555"})
        cls.env["phone.blacklist"].sudo().add("+32470333333")
        cls.env["sms.number"].sudo()._gateway_get(
            ["+3222222222"]
        ).line_type = "landline"
        cls.list_a = cls.env["mailing.list"].create(
            {
                "name": "List A",
                "contact_ids": [
                    Command.set(
                        (
                            cls.ok1
                            | cls.ok1_twin
                            | cls.opted_out
                            | cls.dnc
                            | cls.landline
                            | cls.invalid
                            | cls.no_number
                        ).ids
                    )
                ],
            }
        )
        cls.env["mailing.subscription"].create(
            {
                "contact_id": cls.unsubscribed.id,
                "list_id": cls.list_a.id,
                "opt_out": True,
            }
        )
        # ok1 is on both lists; ok2_twin has ok2's number on the other list.
        cls.list_b = cls.env["mailing.list"].create(
            {"name": "List B", "contact_ids": [Command.set((cls.ok1 | cls.ok2).ids)]}
        )
        cls.list_c = cls.env["mailing.list"].create(
            {"name": "List C", "contact_ids": [Command.set(cls.ok2_twin.ids)]}
        )
        # Email marketing, without SMS marketing.
        new_test_user(
            cls.env,
            login="mailing_only",
            groups="base.group_user,mass_mailing.group_mass_mailing_user",
        )

    def wizard(self, lists, body="Sale starts today"):
        return (
            self.env["sms.list.send"]
            .with_context(active_model="mailing.list", active_ids=lists.ids)
            .create({"body": body})
        )

    def list_a_mailing(self, body):
        return self.env["mailing.mailing"].create(
            {
                "subject": body,
                "mailing_type": "sms",
                "body_plaintext": body,
                "mailing_model_id": self.env.ref("mass_mailing.model_mailing_list").id,
                "contact_list_ids": [Command.set(self.list_a.ids)],
            }
        )

    def test_list_figures(self):
        lists = self.list_a | self.list_b | self.list_c
        names = {mlist.id: mlist.name for mlist in lists}
        lists.invalidate_recordset(
            [name for name in lists._fields if name.startswith("sms_count_")]
        )
        # The gateway's own decision over every member of every list, with its
        # facts loaded once: a fixed number of queries, whatever the sizes
        # (the company's allowed destination countries included).
        with self.assertQueryCount(11):
            figures = {
                names[mlist.id]: (
                    mlist.sms_count_reachable,
                    mlist.sms_count_duplicate,
                    mlist.sms_count_opted_out,
                    mlist.sms_count_dnc,
                    mlist.sms_count_landline,
                    mlist.sms_count_invalid,
                    mlist.sms_count_missing,
                    mlist.sms_count_blocked,
                )
                for mlist in lists
            }
        self.assertEqual(figures["List A"], (1, 1, 2, 1, 1, 1, 1, 0))
        self.assertEqual(figures["List B"], (2, 0, 0, 0, 0, 0, 0, 0))
        self.assertEqual(figures["List C"], (1, 0, 0, 0, 0, 0, 0, 0))
        self.env["sms.number"].sudo()._gateway_get(["+32470222222"]).blocked = True
        self.list_b.invalidate_recordset()
        self.assertEqual(
            (self.list_b.sms_count_reachable, self.list_b.sms_count_blocked), (1, 1)
        )

    def test_opted_out_of_one_list_subscribed_to_another(self):
        """Odoo's rule, read in one query: a contact opted out of one of the
        lists is left out unless another of them still has it."""
        mailing = self.list_a_mailing("Opt-outs")
        self.assertEqual(mailing._get_opt_out_list_sms(), [self.unsubscribed.id])
        self.env["mailing.subscription"].create(
            {"contact_id": self.unsubscribed.id, "list_id": self.list_b.id}
        )
        mailing.contact_list_ids = self.list_a | self.list_b
        self.assertEqual(mailing._get_opt_out_list_sms(), [])
        self.assertEqual(
            self.list_a._mailing_get_opt_out_list_sms(mailing), [self.unsubscribed.id]
        )

    @users("sms_marketing")
    def test_confirmation_counts_and_exclusions(self):
        wizard = self.wizard(self.list_a | self.list_b | self.list_c)
        self.assertEqual(wizard.list_ids, self.list_a | self.list_b | self.list_c)
        self.assertEqual(wizard.name, "SMS to List A, List B, List C")
        # 10 contacts: ok1, ok1_twin, ok2, ok2_twin, and 6 that cannot be texted.
        self.assertEqual(wizard.recipient_count, 10)
        self.assertEqual(wizard.sendable_count, 2)
        self.assertEqual(wizard.excluded_count, 8)
        preview = wizard._gateway_preview()
        self.assertEqual(
            preview["excluded"],
            {
                "sms_duplicate": 2,
                "unsubscribed": 1,
                "sms_blacklist": 1,
                "sms_dnc": 1,
                "sms_landline": 1,
                "sms_number_format": 1,
                "sms_number_missing": 1,
            },
        )
        exclusions = str(wizard.exclusions)
        for label in ("Duplicate number", "Unsubscribed from the list", "Landline"):
            self.assertIn(label, exclusions)
        self.assertEqual(wizard.segment_count, 2)
        self.assertAlmostEqual(wizard.cost, 2 * 0.0079)
        self.assertEqual(wizard.quota_left, 2000)
        self.assertFalse(wizard.over_cap)
        self.assertFalse(wizard.overage_segments)
        self.assertEqual(self.sim_messages(), [], "a confirmation sends nothing")

    @users("sms_marketing")
    def test_confirmation_placeholders_and_quota(self):
        self.company.sudo().write(
            {"sms_monthly_quota": 3, "sms_overage_price": 0.01, "sms_overage_cap": 0.01}
        )
        # Rendered per contact: "Ok One" fits one segment, a long name two.
        self.ok2.sudo().name = "O" * 150
        wizard = self.wizard(self.list_b, body="Hi {{ object.name }}, sale today!")
        self.assertEqual(wizard.sendable_count, 2)
        self.assertEqual(wizard.segment_count, 3)
        self.assertEqual(wizard.quota_left, 3)
        self.assertFalse(wizard.overage_segments)
        self.env["sms.usage"].sudo()._gateway_reserve(self.company, [2])
        wizard = self.wizard(self.list_b, body="Hi {{ object.name }}, sale today!")
        self.assertEqual((wizard.quota_left, wizard.overage_segments), (1, 2))
        self.assertTrue(wizard.over_cap, "only 1 overage segment allowed")

    @users("sms_user")
    def test_only_marketing_users_text_lists(self):
        with self.assertRaises(AccessError):
            self.wizard(self.list_b)
        wizard = (
            self.env["sms.list.send"]
            .with_user(self.user_marketing)
            .create({"body": "hi", "list_ids": [Command.set(self.list_b.ids)]})
        )
        # Even reaching the wizard's action, a user without the group cannot send.
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_sms).action_send()
        self.assertFalse(
            self.env["mailing.mailing"].sudo().search([("subject", "=", wizard.name)])
        )

    def sms_mailing(self, lists):
        return self.env["mailing.mailing"].create(
            {
                "subject": "Promo",
                "mailing_type": "sms",
                "body_plaintext": "Promo!",
                "mailing_model_id": self.env.ref("mass_mailing.model_mailing_list").id,
                "contact_list_ids": [Command.set(lists.ids)],
            }
        )

    @users("mailing_only")
    def test_only_sms_marketing_users_send_sms_mailings(self):
        """Odoo's mailing form and its test send are no way around the group."""
        mailing = self.sms_mailing(self.list_b)
        mailing.schedule_date = fields.Datetime.now() + timedelta(days=1)
        for action in (
            "action_launch",
            "action_put_in_queue",
            "action_schedule",
            "action_send_sms",
            "action_send_mail",
            "action_retry_failed",
        ):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(mailing, action)()
        with self.assertRaises(AccessError):
            mailing.write({"state": "in_queue"})
        test_send = self.env["mailing.sms.test"].create(
            {"mailing_id": mailing.id, "numbers": "+32470111111"}
        )
        with self.assertRaises(AccessError):
            test_send.action_send_sms()
        self.assertEqual(mailing.state, "draft")
        self.commit()
        self.assertEqual(self.sim_messages(), [])
        # Email mailings are theirs as before.
        email = mailing.copy({"mailing_type": "mail", "body_html": "<p>Promo</p>"})
        email.action_put_in_queue()
        self.assertEqual(email.state, "in_queue")

    @users("sms_marketing")
    def test_sms_marketing_users_send_sms_mailings(self):
        mailing = self.sms_mailing(self.list_b)
        mailing.action_launch()
        self.assertEqual(mailing.state, "in_queue")
        # Odoo's mailing cron, then the SMS queue, each as their own user.
        self.run_cron("mass_mailing.ir_cron_mass_mailing_queue")
        self.run_queue()
        self.assertEqual(
            sorted(m["to"] for m in self.sim_messages()),
            ["+32470111111", "+32470222222"],
        )

    @users("sms_marketing")
    def test_send_through_a_mailing_duplicates_once(self):
        wizard = self.wizard(self.list_a | self.list_b | self.list_c, body="Promo!")
        action = wizard.action_send()
        self.assertEqual(action["tag"], "display_notification")
        mailing = self.env["mailing.mailing"].browse(action["params"]["next"]["res_id"])
        self.assertEqual(mailing.mailing_type, "sms")
        self.assertEqual(mailing.state, "in_queue")
        self.assertEqual(
            mailing.contact_list_ids, self.list_a | self.list_b | self.list_c
        )
        self.assertEqual(mailing.body_plaintext, "Promo!")
        # Odoo's queue: the mailing, then the SMS queue through the gateway.
        mailing.sudo().action_send_sms()
        self.run_queue()
        sent = sorted(m["to"] for m in self.sim_messages())
        self.assertEqual(sent, ["+32470111111", "+32470222222"])
        # Odoo's composer cancels opted-out, duplicate and unusable numbers; the
        # gateway refuses the do-not-text contact and the landline.
        logs = self.env["sms.log"].sudo().search([("mailing_id", "=", mailing.id)])
        self.assertEqual(
            sorted(logs.mapped("status")), ["blocked", "blocked", "queued", "queued"]
        )
        self.assertEqual(
            sorted(
                logs.filtered(lambda log: log.status == "blocked").mapped(
                    "failure_type"
                )
            ),
            ["sms_dnc", "sms_landline"],
        )

    @users("sms_marketing")
    def test_scheduled_list_send(self):
        when = fields.Datetime.now() + timedelta(days=2)
        wizard = self.wizard(self.list_b, body="Later")
        wizard.scheduled_at = when
        action = wizard.action_send()
        mailing = self.env["mailing.mailing"].browse(action["params"]["next"]["res_id"])
        self.assertEqual(
            (mailing.state, mailing.schedule_type, mailing.schedule_date),
            ("in_queue", "scheduled", when),
        )
        self.assertEqual(self.sim_messages(), [])

    @users("sms_marketing")
    def test_mailing_form_summary(self):
        mailing = self.list_a_mailing("Hello")
        summary = str(mailing.gateway_sms_summary)
        self.assertIn("1 of 8 recipients will receive it", summary)
        self.assertIn("Do not text (1)", summary)
        self.assertIn("Duplicate number (1)", summary)
        mailing.mailing_type = "mail"
        self.assertFalse(mailing.gateway_sms_summary)

    @users("sms_marketing")
    def test_the_same_words_everywhere(self):
        """Composer, list confirmation, mailing summary and list figures word
        the exclusions, segments and costs alike (``sms.gateway`` words)."""
        labels = self.env["sms.gateway"]._labels()
        fields_ = self.env["mailing.list"]._fields
        for failure_type, figure in SMS_FIGURES.items():
            self.assertEqual(fields_[figure].string, labels[failure_type])
        expected = ["Opted out (1)", "Do not text (1)", "Landline (1)"]
        expected += ["Invalid number (1)", "No number (1)"]
        composer = (
            self.env["sms.composer"]
            .with_context(
                default_composition_mode="mass",
                default_res_model="mailing.contact",
                default_res_ids=self.list_a.contact_ids.ids,
            )
            .create({"body": "Sale"})
        )
        wizard = self.wizard(self.list_a, body="Sale")
        exclusions = wizard._gateway_preview()
        listed = {
            f"{exclusions['labels'][key]} ({count})"
            for key, count in exclusions["excluded"].items()
        }
        mailing = self.list_a_mailing("Sale")
        summary = str(mailing.gateway_sms_summary)
        for label in expected:
            self.assertIn(label, composer.gateway_recipients_summary)
            self.assertIn(label, listed)
            self.assertIn(label, summary)
        self.assertIn("1 segment in all, estimated cost $\xa00.0079", summary)
        self.assertRegex(composer.gateway_cost_label, r"^\$\xa0\d\.\d{4}$")
        self.assertEqual(wizard.characters_label, "4 / 1,530 characters")
        self.assertEqual(wizard.cost_label, "$\xa00.0079")
        self.assertEqual(wizard.segments_label, "1 segment")
