# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who sees and changes what: groups, record rules, field groups, menus."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged, users
from odoo.tools import mute_logger

from ..tools.twilio_simulator import DEFAULT_AUTH_TOKEN
from .common import GatewayCase


@tagged("post_install", "-at_install")
class TestSecurity(GatewayCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "SMS Company B"})
        cls.user_b = new_test_user(
            cls.env,
            login="sms_user_b",
            groups="base.group_user",
            name="Bea B",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        Log = cls.env["sms.log"]
        values = {"status": "delivered", "segments": 1, "body": "hi"}
        cls.log_own = Log.create(
            dict(
                values,
                number="+32470000001",
                user_id=cls.user_sms.id,
                company_id=cls.company.id,
            )
        )
        cls.log_colleague = Log.create(
            dict(
                values,
                number="+32470000002",
                user_id=cls.user_marketing.id,
                company_id=cls.company.id,
            )
        )
        # Even a log authored by the user is out of reach in another company.
        cls.log_other_company = Log.create(
            dict(
                values,
                number="+32470000003",
                user_id=cls.user_sms.id,
                company_id=cls.company_b.id,
            )
        )
        cls.log_b = Log.create(
            dict(
                values,
                number="+32470000004",
                user_id=cls.user_b.id,
                company_id=cls.company_b.id,
            )
        )
        cls.all_logs = (
            cls.log_own | cls.log_colleague | cls.log_other_company | cls.log_b
        )

    def visible_logs(self):
        return self.env["sms.log"].search([("id", "in", self.all_logs.ids)])

    # sms.log record rules ----------------------------------------------------

    @users("sms_user")
    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_sms_user_sees_only_own_logs_of_own_company(self):
        self.assertEqual(self.visible_logs(), self.log_own)
        with self.assertRaises(AccessError):
            self.env["sms.log"].browse(self.log_other_company.id).read(["body"])
        with self.assertRaises(AccessError):
            self.env["sms.log"].browse(self.log_colleague.id).read(["body"])

    @users("sms_user_b")
    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_user_of_other_company_sees_only_own_logs(self):
        self.assertEqual(self.visible_logs(), self.log_b)
        with self.assertRaises(AccessError):
            self.env["sms.log"].browse(self.log_own.id).read(["body"])

    @users("sms_marketing")
    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_marketing_sees_company_logs_only(self):
        self.assertEqual(self.visible_logs(), self.log_own | self.log_colleague)
        with self.assertRaises(AccessError):
            self.env["sms.log"].browse(self.log_b.id).read(["body"])

    @users("sms_manager")
    def test_manager_sees_company_logs(self):
        self.assertEqual(self.visible_logs(), self.log_own | self.log_colleague)

    @users("sms_user", "sms_marketing")
    @mute_logger("odoo.addons.base.models.ir_model")
    def test_logs_are_read_only_below_manager(self):
        with self.assertRaises(AccessError):
            self.env["sms.log"].browse(self.log_own.id).write({"status": "failed"})
        with self.assertRaises(AccessError):
            self.env["sms.log"].create({"number": "+32470000009"})

    # usage, numbers, opt-outs ------------------------------------------------

    @users("sms_user", "sms_marketing")
    @mute_logger("odoo.addons.base.models.ir_model")
    def test_usage_and_unblock_are_for_managers(self):
        with self.assertRaises(AccessError):
            self.env["sms.usage"].search([])
        number = self.env["sms.number"].sudo()._gateway_get(["+32470000001"])
        number.blocked = True
        with self.assertRaises(AccessError):
            self.env["sms.number"].browse(number.id).action_unblock()
        self.assertTrue(number.blocked)

    @users("sms_user", "sms_marketing")
    @mute_logger("odoo.addons.base.models.ir_model")
    def test_number_facts_are_for_managers(self):
        """Numbers every company texted, with dates: not for every employee."""
        number = self.env["sms.number"].sudo()._gateway_get([self.partner.phone])
        number.write({"line_type": "mobile", "blocked": True})
        with self.assertRaises(AccessError):
            self.env["sms.number"].search([])
        with self.assertRaises(AccessError):
            self.env["sms.number"].browse(number.id).read(["number", "lookup_date"])
        # The contact still shows what the gateway knows of its number.
        partner = self.env["res.partner"].browse(self.partner.id)
        self.assertEqual(
            partner.read(["sms_line_type", "sms_auto_blocked"])[0],
            {"id": partner.id, "sms_line_type": "mobile", "sms_auto_blocked": True},
        )

    def test_managers_read_every_number_fact(self):
        manager = new_test_user(
            self.env,
            login="sms_manager_facts",
            groups="base.group_user,sms_twilio_gateway.group_sms_manager",
        )
        numbers = (
            self.env["sms.number"].sudo()._gateway_get(["+32470000001", "+32470000004"])
        )
        self.assertEqual(
            self.env["sms.number"]
            .with_user(manager)
            .search([("id", "in", numbers.ids)]),
            numbers,
        )

    @users("sms_manager")
    def test_manager_unblocks_and_reads_usage(self):
        self.env["sms.usage"].sudo()._gateway_locked(self.company)
        self.assertEqual(self.env["sms.usage"].search([]).company_id, self.company)  # noqa: E501
        number = self.env["sms.number"].sudo()._gateway_get(["+32470000001"])
        number.write({"blocked": True, "consecutive_failures": 3})
        self.env["sms.number"].browse(number.id).action_unblock()
        self.assertFalse(number.blocked)
        self.assertEqual(number.consecutive_failures, 0)

    def test_manager_without_admin_rights_manages_opt_outs(self):
        manager = new_test_user(
            self.env,
            login="sms_manager_only",
            groups="base.group_user,sms_twilio_gateway.group_sms_manager",
        )
        blacklist = self.env["phone.blacklist"].with_user(manager)
        entry = blacklist.create({"number": "+32470000077"})
        self.assertEqual(blacklist.search([("id", "=", entry.id)]), entry)
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_model"),
        ):
            self.env["phone.blacklist"].with_user(self.user_sms).search([])

    # settings and credentials ------------------------------------------------

    @users("sms_user", "sms_marketing")
    @mute_logger("odoo.addons.base.models.ir_model")
    def test_users_cannot_change_settings(self):
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].create({"sms_monthly_quota": 1})
        with self.assertRaises(AccessError):
            self.env["res.company"].browse(self.company.id).sms_monthly_quota = 1
        self.assertEqual(self.company.sms_monthly_quota, 2000)

    @users("sms_user", "sms_marketing")
    @mute_logger("odoo.models")
    def test_users_cannot_read_credentials(self):
        company = self.env["res.company"].browse(self.company.id)
        for field in (
            "sms_twilio_auth_token",
            "sms_twilio_account_sid",
            "sms_twilio_sandbox",
            "sms_twilio_messaging_service_sid",
        ):
            with self.subTest(field=field), self.assertRaises(AccessError):
                company.read([field])
        with self.assertRaises(AccessError):
            self.assertFalse(company.sms_twilio_auth_token)
        # The gateway's own settings stay readable: the composer previews them.
        self.assertEqual(company.sms_monthly_quota, 2000)

    @users("sms_manager")
    def test_manager_reads_credentials_and_changes_settings(self):
        company = self.env["res.company"].browse(self.company.id)
        self.assertEqual(company.sms_twilio_auth_token, DEFAULT_AUTH_TOKEN)
        settings = self.env["res.config.settings"].create({"sms_monthly_quota": 10})
        settings.execute()
        self.assertEqual(self.company.sms_monthly_quota, 10)

    # menus ---------------------------------------------------------------------

    def visible_menus(self, user):
        ids = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        names = [
            "sms_menu_root",
            "sms_menu_messages",
            "sms_menu_usage",
            "sms_menu_numbers",
            "sms_menu_opt_outs",
            "sms_menu_configuration",
            "sms_menu_settings",
        ]
        return {
            name
            for name in names
            if self.env.ref(f"sms_twilio_gateway.{name}").id in ids
        }

    def test_menus(self):
        self.assertEqual(
            self.visible_menus(self.user_sms), {"sms_menu_root", "sms_menu_messages"}
        )
        self.assertEqual(
            self.visible_menus(self.user_marketing),
            {"sms_menu_root", "sms_menu_messages"},
        )
        self.assertEqual(
            self.visible_menus(self.user_manager),
            {
                "sms_menu_root",
                "sms_menu_messages",
                "sms_menu_usage",
                "sms_menu_numbers",
                "sms_menu_opt_outs",
                "sms_menu_configuration",
                "sms_menu_settings",
            },
        )
