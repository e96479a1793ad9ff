# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form, tagged, users

from .common import GatewayCase


@tagged("post_install", "-at_install")
class TestComposerPicker(GatewayCase):
    """The recipient picker and Send as the dialog shows them (onchanges)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        be = cls.env.ref("base.be")
        cls.ada = cls.env["res.partner"].create(
            {"name": "Ada", "phone": "+32470500001", "country_id": be.id}
        )
        cls.charles = cls.env["res.partner"].create(
            {
                "name": "Charles Babbage",
                "parent_id": cls.ada.id,
                "phone": "+32470500002",
                "country_id": be.id,
            }
        )

    def form(self, partner, **context):
        return Form(
            self.env["sms.composer"].with_context(
                default_res_model="res.partner",
                default_res_id=partner.id,
                default_composition_mode="comment",
                **context,
            )
        )

    def phones(self):
        return (self.ada | self.charles).sudo().read(["phone"])

    @users("sms_user")
    def test_switching_back_restores_the_number_and_texts_the_contact(self):
        before = self.phones()
        form = self.form(self.ada)
        self.assertEqual(form.gateway_recipient_id, self.ada)
        self.assertEqual(form.recipient_single_number_itf, "+32470500001")
        form.gateway_recipient_id = self.charles
        self.assertEqual(form.recipient_single_number_itf, "+32470500002")
        form.gateway_recipient_id = self.ada
        self.assertEqual(form.recipient_single_number_itf, "+32470500001")
        form.body = "For Ada"
        action = form.save().action_send_sms()
        self.commit()
        self.assertIn("Ada", action["params"]["message"])
        self.assertEqual([m["to"] for m in self.sim_messages()], ["+32470500001"])
        self.assertEqual(self.phones(), before, "no contact's phone changed")

    @users("sms_user")
    def test_an_edited_number_is_texted_never_saved(self):
        form = self.form(self.ada)
        form.recipient_single_number_itf = "+32470500009"
        form.body = "Typed number"
        form.save().action_send_sms()
        self.commit()
        self.assertEqual([m["to"] for m in self.sim_messages()], ["+32470500009"])
        self.assertEqual(self.ada.sudo().phone, "+32470500001")

    @users("sms_user")
    def test_phone_widget_number_edited_is_not_saved(self):
        """Odoo's SMS button of the phone field (a number field is given)."""
        form = self.form(self.ada, default_number_field_name="phone")
        form.recipient_single_number_itf = "+32470500008"
        form.body = "Widget"
        form.save().action_send_sms()
        self.commit()
        self.assertEqual([m["to"] for m in self.sim_messages()], ["+32470500008"])
        self.assertEqual(self.ada.sudo().phone, "+32470500001")

    @users("sms_user")
    def test_opted_out_contact_is_shown_with_its_reason_and_send_disabled(self):
        self.env["phone.blacklist"].sudo().add("+32470500001")
        form = self.form(self.ada)
        self.assertEqual(form.gateway_recipient_id, self.ada, "never a silent switch")
        self.assertIn("opted out", form.gateway_warning)
        self.assertTrue(form.gateway_refused)
        self.assertIn("Ada — Opted out", str(form.gateway_recipients_status))
        form.gateway_recipient_id = self.charles
        self.assertFalse(form.gateway_refused)
        self.assertFalse(form.gateway_warning)

    @users("sms_user")
    def test_send_disabled_for_too_long_and_quota(self):
        form = self.form(self.charles)
        form.body = "a" * 1530
        self.assertFalse(form.gateway_refused)
        form.body = "a" * 1531
        self.assertTrue(form.gateway_refused)
        self.assertIn("1530 characters", form.gateway_warning)
        form.body = "Hi"
        self.company.sudo().write({"sms_monthly_quota": 1, "sms_overage_cap": 0})
        self.env["sms.usage"].sudo()._gateway_reserve(self.company, [1])
        form.body = "Hi again"
        self.assertTrue(form.gateway_refused)

    @users("sms_user")
    def test_bulk_send_opens_with_figures_and_a_summary(self):
        """Contacts list > select > Send SMS: figures before anything is typed."""
        self.env["phone.blacklist"].sudo().add("+32470500002")
        form = Form(
            self.env["sms.composer"].with_context(
                active_model="res.partner",
                active_ids=(self.ada | self.charles | self.partner).ids,
                default_composition_mode="mass",
                default_mass_keep_log=True,
                default_res_ids=(self.ada | self.charles | self.partner).ids,
            )
        )
        self.assertEqual(form.gateway_encoding, "GSM-7")
        self.assertEqual(form.gateway_quota_label, "2,000 segments")
        self.assertEqual(
            form.gateway_recipients_summary,
            "2 of 3 recipients will receive it. Excluded: Opted out (1).",
        )
        self.assertFalse(form.gateway_refused)
