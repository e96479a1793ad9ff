# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged, users

from .common import GatewayCase


@tagged("post_install", "-at_install")
class TestComposer(GatewayCase):
    """The composer's live figures, recipient choice, schedule and result."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.be = cls.env.ref("base.be")
        cls.acme = cls.env["res.partner"].create(
            {
                "name": "Acme",
                "is_company": True,
                "phone": "+32470100100",
                "country_id": cls.be.id,
            }
        )
        cls.bob = cls.env["res.partner"].create(
            {"name": "Bob", "parent_id": cls.acme.id, "phone": "+32470200200"}
        )
        cls.carla = cls.env["res.partner"].create(
            {"name": "Carla", "parent_id": cls.acme.id, "phone": "+32470300300"}
        )
        cls.dan = cls.env["res.partner"].create(
            {"name": "Dan", "parent_id": cls.acme.id}
        )
        cls.env["phone.blacklist"].sudo().add("+32470200200")

    def composer(self, partner, body="Hello", **values):
        if body is not None:
            values["body"] = body
        return (
            self.env["sms.composer"]
            .with_context(
                active_model="res.partner",
                active_id=partner.id,
                default_composition_mode="comment",
            )
            .create(values)
        )

    # ------------------------------------------------------------------
    # Live figures
    # ------------------------------------------------------------------

    @users("sms_user")
    def test_figures_gsm(self):
        composer = self.composer(self.partner, body="Hello Paula, 10€ off {today}")
        self.assertTrue(composer.gateway_applies)
        self.assertEqual(composer.gateway_encoding, "GSM-7")
        self.assertEqual(composer.gateway_characters, 28)
        self.assertEqual(composer.gateway_max_characters, 1530)
        self.assertEqual(composer.gateway_characters_label, "28 / 1,530 characters")
        self.assertEqual(composer.gateway_segments_label, "1 segment")
        self.assertEqual(composer.gateway_cost_label, "$\xa00.0079")
        self.assertEqual(composer.gateway_segments, 1)
        self.assertFalse(composer.gateway_unicode_characters)
        self.assertAlmostEqual(composer.gateway_cost, 0.0079)
        self.assertEqual(composer.gateway_currency_id, self.company.currency_id)
        self.assertFalse(composer.gateway_warning)

    @users("sms_user")
    def test_figures_unicode_and_forcing_characters(self):
        composer = self.composer(self.partner, body="It’s ready 😀 “now”")
        self.assertEqual(composer.gateway_encoding, "UCS-2")
        self.assertEqual(
            composer.gateway_unicode_characters,
            "’ (U+2019), 😀 (U+1F600), “ (U+201C), ” (U+201D)",
        )
        self.assertEqual(composer.gateway_segments, 1)
        # Zero-width characters are named, not shown.
        composer.body = "Hi\u200b"
        self.assertEqual(composer.gateway_unicode_characters, "U+200B")

    @users("sms_user")
    def test_segments_at_160_and_161(self):
        composer = self.composer(self.partner, body="a" * 160)
        self.assertEqual(
            (composer.gateway_characters, composer.gateway_segments), (160, 1)
        )
        composer.body = "a" * 161
        self.assertEqual(
            (composer.gateway_characters, composer.gateway_segments), (161, 2)
        )
        self.assertAlmostEqual(composer.gateway_cost, 2 * 0.0079)
        # Unicode: 70 in one segment, 71 in two.
        composer.body = "é" * 69 + "😀"  # the emoji is a surrogate pair: 71 units
        self.assertEqual(composer.gateway_segments, 2)

    @users("sms_user")
    def test_figures_refresh_as_the_user_types(self):
        form = Form(
            self.env["sms.composer"].with_context(
                active_model="res.partner",
                active_id=self.partner.id,
                default_composition_mode="comment",
            )
        )
        form.body = "a" * 150
        self.assertEqual(form.gateway_segments_label, "1 segment")
        form.body = "a" * 150 + "ééé€€€€€€"  # € takes two septets
        self.assertEqual(form.gateway_segments_label, "2 segments")
        self.assertEqual(form.gateway_encoding, "GSM-7")
        # The limit that applies: 10 segments of the body's encoding.
        self.assertEqual(form.gateway_characters_label, "159 / 1,530 characters")
        form.body = "😀"
        self.assertEqual(form.gateway_characters_label, "1 / 670 characters")

    @users("sms_user")
    def test_quota_left_and_overage(self):
        self.company.sudo().write(
            {
                "sms_monthly_quota": 100,
                "sms_overage_price": 0.01,
                "sms_overage_cap": 1.0,
            }
        )
        self.env["sms.usage"].sudo()._gateway_reserve(self.company, [40])
        composer = self.composer(self.partner)
        self.assertFalse(composer.gateway_quota_unlimited)
        self.assertEqual(composer.gateway_quota_left, 60)
        self.assertFalse(composer.gateway_notice)
        self.env["sms.usage"].sudo()._gateway_reserve(self.company, [60])
        composer = self.composer(self.partner)
        self.assertEqual(composer.gateway_quota_left, 0)
        self.assertIn("over the monthly quota", composer.gateway_notice)
        self.company.sudo().sms_overage_cap = 0.0
        composer = self.composer(self.partner)
        self.assertIn("quota and overage cap reached", composer.gateway_warning)
        self.company.sudo().sms_monthly_quota = 0
        self.assertTrue(self.composer(self.partner).gateway_quota_unlimited)

    @users("sms_user")
    def test_warning_when_the_gateway_would_refuse(self):
        self.env["phone.blacklist"].sudo().add("+32470123456")
        composer = self.composer(self.partner)
        self.assertIn("opted out", composer.gateway_warning)
        composer = self.composer(self.carla, body="x" * 1601)
        self.assertIn(
            "the limit is 10 segments (1530 characters)", composer.gateway_warning
        )
        self.assertEqual(self.sim_messages(), [], "a preview never sends")

    # ------------------------------------------------------------------
    # Recipient choice
    # ------------------------------------------------------------------

    @users("sms_user")
    def test_recipient_dropdown_with_children(self):
        composer = self.composer(self.acme)
        self.assertTrue(composer.gateway_recipient_choice)
        self.assertEqual(
            composer.gateway_recipient_allowed_ids, self.acme | self.bob | self.carla
        )
        self.assertEqual(
            composer.gateway_recipient_id, self.acme, "primary preselected"
        )
        status = str(composer.gateway_recipients_status)
        self.assertIn("Bob — Opted out", status)
        self.assertIn("Dan — No number", status)
        self.assertIn("Carla — +32470300300", status)
        # Choosing Bob: the gateway would refuse, and says why.
        composer.gateway_recipient_id = self.bob
        self.assertEqual(composer.recipient_single_number_itf, "+32470200200")
        self.assertIn("opted out", composer.gateway_warning)
        # Choosing Carla sends to Carla's number, posted on Acme.
        composer.gateway_recipient_id = self.carla
        self.assertFalse(composer.gateway_warning)
        composer.body = "For Carla"
        action = composer.action_send_sms()
        self.commit()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("Carla", action["params"]["message"])
        sent = self.sim_messages()
        self.assertEqual([m["to"] for m in sent], ["+32470300300"])
        message = self.acme.message_ids.filtered(lambda m: m.message_type == "sms")[:1]
        self.assertEqual(message.notification_ids.res_partner_id, self.carla)
        self.assertEqual(self.last_log("+32470300300").partner_id, self.carla)

    @users("sms_user")
    def test_recipient_preselects_a_textable_child(self):
        self.acme.sudo().phone = False
        composer = self.composer(self.acme)
        self.assertTrue(composer.gateway_recipient_choice)
        self.assertEqual(composer.gateway_recipient_id, self.carla)

    @users("sms_user")
    def test_no_choice_without_children(self):
        composer = self.composer(self.partner)
        self.assertFalse(composer.gateway_recipient_choice)
        self.assertEqual(composer.gateway_recipient_id, self.partner)
        composer.action_send_sms()
        self.commit()
        self.assertEqual([m["to"] for m in self.sim_messages()], ["+32470123456"])

    @users("sms_user")
    def test_phone_widget_button_keeps_working(self):
        """Odoo's SMS button of the phone field: number field given."""
        composer = (
            self.env["sms.composer"]
            .with_context(
                default_res_model="res.partner",
                default_res_id=self.acme.id,
                default_number_field_name="phone",
                default_composition_mode="comment",
            )
            .create({"body": "From the phone widget"})
        )
        self.assertEqual(composer.recipient_single_number_itf, "+32470100100")
        composer.action_send_sms()
        self.commit()
        self.assertEqual([m["to"] for m in self.sim_messages()], ["+32470100100"])

    # ------------------------------------------------------------------
    # Templates, schedule, result
    # ------------------------------------------------------------------

    @users("sms_user")
    def test_template_placeholders(self):
        template = (
            self.env["sms.template"]
            .sudo()
            .create(
                {
                    "name": "Greeting",
                    "model_id": self.env.ref("base.model_res_partner").id,
                    "body": "Hello {{ object.name }}",
                }
            )
        )
        composer = self.composer(self.partner, body=None, template_id=template.id)
        self.assertEqual(composer.body, "Hello Paula Partner")
        self.assertEqual(composer.gateway_characters, len("Hello Paula Partner"))
        # A placeholder typed by hand is counted as it will be sent.
        composer.body = "Hi {{ object.name }}"
        self.assertEqual(composer.gateway_characters, len("Hi Paula Partner"))
        composer.action_send_sms()
        self.commit()
        self.assertEqual(self.sim_messages()[0]["body"], "Hi Paula Partner")

    @users("sms_user")
    def test_scheduled_send(self):
        with freeze_time("2026-03-02 10:00:00"):
            when = fields.Datetime.now() + timedelta(hours=3)
            composer = self.composer(
                self.partner, body="Later", gateway_scheduled_at=when
            )
            action = composer.action_send_sms()
            self.commit()
            self.assertEqual(action["params"]["type"], "info")
            self.assertEqual(self.sim_messages(), [], "not sent now")
            sms = self.env["sms.sms"].sudo().search([("body", "=", "Later")])
            self.assertEqual(sms.state, "outgoing")
            self.assertEqual(sms.gateway_not_before, when)
            self.run_queue()
            self.assertEqual(self.sim_messages(), [], "the queue waits for the time")
        with freeze_time("2026-03-02 13:00:01"):
            self.run_queue()
            self.assertEqual([m["body"] for m in self.sim_messages()], ["Later"])

    @users("sms_user")
    def test_scheduled_numbers_mode(self):
        when = fields.Datetime.now() + timedelta(days=1)
        self.env["sms.composer"].create(
            {
                "body": "Numbers later",
                "composition_mode": "numbers",
                "numbers": "+32470123456",
                "gateway_scheduled_at": when,
            }
        ).action_send_sms()
        self.commit()
        sms = self.env["sms.sms"].sudo().search([("body", "=", "Numbers later")])
        self.assertEqual((sms.state, sms.gateway_not_before), ("outgoing", when))
        self.assertEqual(self.sim_messages(), [])

    @users("sms_user")
    def test_refused_send_notifies_the_reason(self):
        self.env["phone.blacklist"].sudo().add("+32470123456")
        action = self.composer(self.partner).action_send_sms()
        self.commit()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("opted out", action["params"]["message"])
        self.assertEqual(
            action["params"]["next"], {"type": "ir.actions.act_window_close"}
        )

    @users("sms_user")
    def test_double_click_sends_once(self):
        first = self.composer(self.partner, body="Twice?").action_send_sms()
        self.commit()
        second = self.composer(self.partner, body="Twice?").action_send_sms()
        self.commit()
        self.assertEqual(len(self.sim_messages()), 1)
        self.assertEqual(first["params"]["type"], "success")
        self.assertIn("sent once", second["params"]["message"])

    @users("sms_user")
    def test_mass_mode_figures_and_result(self):
        composer = (
            self.env["sms.composer"]
            .with_context(
                default_composition_mode="mass",
                default_res_model="res.partner",
                default_res_ids=(self.partner | self.bob | self.carla).ids,
            )
            .create({"body": "To all of you"})
        )
        self.assertEqual(composer.gateway_recipient_count, 3)
        self.assertEqual(composer.gateway_sendable_count, 2)
        self.assertEqual(
            composer.gateway_recipients_summary,
            "2 of 3 recipients will receive it. Excluded: Opted out (1).",
        )
        self.assertAlmostEqual(composer.gateway_cost, 2 * 0.0079)
        action = composer.action_send_sms()
        self.commit()
        self.assertEqual(action["params"]["message"], "2 queued, 1 refused: Opted out.")
        self.assertEqual(self.sim_messages(), [], "queued, the cron sends them")
        self.run_queue()
        self.assertEqual(len(self.sim_messages()), 2)

    # ------------------------------------------------------------------
    # Contacts
    # ------------------------------------------------------------------

    @users("sms_user")
    def test_contact_sms_section(self):
        partner = self.env["res.partner"].browse(self.partner.id)
        self.assertTrue(partner.sms_can_text)
        self.assertFalse(partner.sms_text_hint)
        action = partner.action_gateway_send_sms()
        self.assertEqual(action["res_model"], "sms.composer")
        self.assertEqual(action["context"]["default_res_id"], partner.id)
        self.send_to_partner(self.partner, "Logged")
        partner.invalidate_recordset()
        self.assertEqual(partner.sms_log_count, 1)
        logs = partner.action_gateway_view_sms_logs()
        self.assertEqual(logs["res_model"], "sms.log")
        self.assertEqual(self.env["sms.log"].search(logs["domain"]).body, "Logged")
        # Facts of the number, shared with every record holding it.
        facts = self.env["sms.number"].sudo()._gateway_get(["+32470123456"])
        facts.write({"line_type": "mobile", "blocked": True})
        partner.invalidate_recordset()
        self.assertEqual(partner.sms_line_type, "mobile")
        self.assertTrue(partner.sms_auto_blocked)
        self.assertFalse(partner.sms_can_text)
        self.assertIn("carrier failures", partner.sms_text_hint)

    @users("sms_user")
    def test_contact_opt_out_date_and_children(self):
        bob = self.env["res.partner"].browse(self.bob.id)
        self.assertTrue(bob.phone_sanitized_blacklisted)
        self.assertTrue(bob.sms_opt_out_date)
        self.assertFalse(bob.sms_can_text)
        self.assertIn("opted out", bob.sms_text_hint)
        with self.assertRaises(UserError):
            bob.action_gateway_send_sms()
        # The company can be texted through Carla even without its own number.
        acme = self.env["res.partner"].browse(self.acme.id)
        acme.phone = False
        self.assertTrue(acme.sms_can_text)
        dan = self.env["res.partner"].browse(self.dan.id)
        self.assertFalse(dan.sms_can_text)
        self.assertIn("add a mobile number", dan.sms_text_hint)
        # The contact form follows the number being typed.
        with Form(dan) as form:
            form.phone = "+32470400400"
            self.assertTrue(form.sms_can_text)
            form.phone = "+32470200200"  # Bob's opted-out number
            self.assertFalse(form.sms_can_text)
            self.assertIn("opted out", form.sms_text_hint)
