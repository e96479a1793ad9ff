# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An admin who sets Twilio up from Settings ends up governed."""

from odoo.tests import Form, tagged, users

from .common import GatewayCase


@tagged("post_install", "-at_install")
class TestSettingsFlow(GatewayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A company still on Odoo's own SMS provider, gateway never touched.
        cls.company.write({"sms_provider": "iap", "sms_gateway_enabled": False})

    def settings(self):
        return Form(self.env["res.config.settings"])

    @users("sms_manager")
    def test_choosing_twilio_in_settings_governs_the_company(self):
        form = self.settings()
        self.assertFalse(form.sms_gateway_enabled)
        form.sms_provider = "twilio"
        self.assertTrue(form.sms_gateway_enabled, "on as soon as Twilio is chosen")
        form.save().execute()
        self.assertEqual(self.company.sms_provider, "twilio")
        self.assertTrue(self.company._gateway_applies())
        # Saving other settings later keeps it so.
        form = self.settings()
        form.sms_rate_limit = 5
        form.save().execute()
        self.assertTrue(self.company.sms_gateway_enabled)

    @users("sms_manager")
    def test_switching_it_off_is_deliberate_and_kept(self):
        form = self.settings()
        form.sms_provider = "twilio"
        form.sms_gateway_enabled = False
        form.save().execute()
        self.assertEqual(self.company.sms_provider, "twilio")
        self.assertFalse(self.company._gateway_applies())
        # Reopening Settings never switches it back on behind the admin's back.
        form = self.settings()
        self.assertFalse(form.sms_gateway_enabled)
        form.sms_rate_limit = 5
        form.save().execute()
        self.assertFalse(self.company.sms_gateway_enabled)

    @users("sms_manager")
    def test_settings_say_whether_sms_are_governed(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn("o_sms_gateway_not_governed", arch)
        self.assertIn("SMS are not governed.", arch)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sms_twilio_gateway.sms_gateway_settings_action"
        )
        self.assertIn("sms_twilio_gateway_settings", action["context"])
