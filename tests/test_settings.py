# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Settings write the company; "Send a test SMS" takes the normal path."""

from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.exceptions import ConcurrencyError, UserError, ValidationError
from odoo.tests import new_test_user, tagged, users
from odoo.tools import mute_logger

from .common import BE_SENDER, US_SENDER, GatewayCase, GatewayHttpCase

GATEWAY_FIELDS = [
    "sms_gateway_enabled",
    "sms_twilio_sandbox",
    "sms_twilio_messaging_service_sid",
    "sms_twilio_messaging_service_mps",
    "sms_alphanumeric_sender",
    "sms_alphanumeric_country_ids",
    "sms_monthly_quota",
    "sms_overage_price",
    "sms_overage_cap",
    "sms_segment_price",
    "sms_rate_limit",
    "sms_quiet_hours_enabled",
    "sms_quiet_start",
    "sms_quiet_end",
    "sms_legal_quiet_hours",
    "sms_country_ids",
    "sms_daily_cap",
    "sms_list_max_chars",
    "sms_ai_url",
    "sms_ai_model",
    "sms_ai_key",
    "sms_max_segments",
    "sms_smart_encoding",
    "sms_lookup_policy",
    "sms_lookup_refresh_days",
    "sms_auto_block_threshold",
    "sms_opt_out_keywords",
    "sms_opt_in_keywords",
    "sms_help_keywords",
    "sms_opt_out_reply",
    "sms_opt_in_reply",
    "sms_help_reply",
    "sms_inbox_user_ids",
    "sms_inbox_channel_id",
]


@tagged("post_install", "-at_install")
class TestSettings(GatewayCase):
    def test_every_company_setting_is_in_settings(self):
        """Each sms_* field this addon adds to companies has its setting."""
        company_fields = {
            name
            for name, field in self.env["res.company"]._fields.items()
            if name.startswith("sms_")
            and "sms_twilio_gateway" in self.env["res.company"]._fields[name]._modules
            and not field.compute
        }
        settings_fields = self.env["res.config.settings"]._fields
        self.assertEqual(company_fields, set(GATEWAY_FIELDS))
        for name in GATEWAY_FIELDS:
            with self.subTest(field=name):
                field = settings_fields[name]
                self.assertEqual(field.related, f"company_id.{name}")
                self.assertFalse(field.readonly)

    @users("sms_manager")
    def test_settings_write_the_company(self):
        values = {
            "sms_monthly_quota": 500,
            "sms_overage_price": 0.02,
            "sms_overage_cap": 5.0,
            "sms_rate_limit": 3,
            "sms_quiet_hours_enabled": True,
            "sms_quiet_start": 8.5,
            "sms_quiet_end": 21.0,
            "sms_max_segments": 4,
            "sms_smart_encoding": True,
            "sms_lookup_policy": "intake",
            "sms_auto_block_threshold": 5,
            "sms_alphanumeric_sender": "Acme Shop",
            "sms_alphanumeric_country_ids": [(6, 0, self.env.ref("base.fr").ids)],
            "sms_twilio_messaging_service_sid": "MG" + "0123456789abcdef" * 2,
            "sms_opt_out_keywords": "STOP, ARRET",
            "sms_help_reply": "Call us at +32 2 808 00 00.",
        }
        settings = self.env["res.config.settings"].create(values)
        settings.execute()
        company = self.env["res.company"].browse(self.company.id)
        for name, value in values.items():
            with self.subTest(field=name):
                if name == "sms_alphanumeric_country_ids":
                    self.assertEqual(company[name], self.env.ref("base.fr"))
                else:
                    self.assertEqual(company[name], value)
        # A fresh settings form shows what the company holds.
        fresh = self.env["res.config.settings"].create({})
        self.assertEqual(fresh.sms_monthly_quota, 500)
        self.assertEqual(fresh.sms_lookup_policy, "intake")

    @users("sms_manager")
    @mute_logger("odoo.models")
    def test_settings_refuse_bad_values(self):
        Settings = self.env["res.config.settings"]
        for values in (
            {"sms_alphanumeric_sender": "Far Too Long Sender"},
            {"sms_alphanumeric_sender": "12345"},
            {"sms_alphanumeric_sender": "Acme!"},
            {"sms_quiet_start": 25.0},
            {"sms_monthly_quota": -1},
            {"sms_rate_limit": -5},
            {"sms_twilio_messaging_service_sid": "PN0123"},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                Settings.create(values).execute()
        for values in ({"sms_monthly_quota": -1}, {"sms_quiet_end": 30.0}):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.company.write(values)
        self.assertEqual(self.company.sms_monthly_quota, 2000)

    @users("sms_manager")
    def test_settings_views(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        tree = etree.fromstring(arch)
        shown = {node.get("name") for node in tree.iter("field")}
        self.assertFalse(set(GATEWAY_FIELDS) - shown, "every setting is in the form")
        self.assertTrue(tree.xpath("//button[@name='action_open_sms_test_wizard']"))
        manage = self.env["sms.twilio.account.manage"].get_views([(False, "form")])
        manage_arch = etree.fromstring(manage["views"]["form"]["arch"])
        self.assertTrue(
            manage_arch.xpath(
                "//field[@name='sms_twilio_number_ids']//field[@name='user_id']"
            ),
            "the dedicated user is set where Odoo lists the Twilio numbers",
        )

    @users("sms_manager")
    def test_analytics_views_render(self):
        for model, modes in (
            ("sms.log", ("list", "form", "pivot", "graph", "search")),
            ("sms.usage", ("list", "pivot", "graph", "search")),
            ("sms.number", ("list", "form", "search")),
            ("sms.test.wizard", ("form",)),
            ("phone.blacklist", ("list", "form", "search")),
        ):
            with self.subTest(model=model):
                views = self.env[model].get_views([(False, mode) for mode in modes])
                self.assertEqual(set(views["views"]), set(modes))
        for xmlid in (
            "sms_twilio_gateway.sms_log_action",
            "sms_twilio_gateway.sms_log_action_usage_user",
            "sms_twilio_gateway.sms_usage_action",
            "sms_twilio_gateway.sms_number_action",
            "sms_twilio_gateway.sms_gateway_settings_action",
            "phone_validation.phone_blacklist_action",
        ):
            with self.subTest(action=xmlid):
                action = self.env["ir.actions.actions"]._for_xml_id(xmlid)
                views = self.env[action["res_model"]].get_views(
                    action["views"], {"action_id": action["id"]}
                )
                self.assertTrue(views["views"])

    @users("sms_manager")
    def test_per_user_usage_pivot(self):
        """Usage per user: segments and prices of the SMS Twilio accepted."""
        Log = self.env["sms.log"].sudo()
        for user, segments, sid in (
            (self.user_sms, 2, "SM01"),
            (self.user_sms, 1, "SM02"),
            (self.user_marketing, 3, "SM03"),
            (self.user_sms, 4, False),  # blocked: never billed
        ):
            Log.create(
                {
                    "number": "+32470123456",
                    "user_id": user.id,
                    "segments": segments,
                    "price_estimate": segments * 0.01,
                    "twilio_sid": sid,
                    "status": "delivered" if sid else "blocked",
                }
            )
        groups = self.env["sms.log"].formatted_read_group(
            [("direction", "=", "outbound"), ("twilio_sid", "!=", False)],
            ["user_id"],
            ["segments:sum", "price_estimate:sum"],
        )
        by_user = {g["user_id"][0]: g for g in groups}
        self.assertEqual(by_user[self.user_sms.id]["segments:sum"], 3)
        self.assertAlmostEqual(by_user[self.user_sms.id]["price_estimate:sum"], 0.03)
        self.assertEqual(by_user[self.user_marketing.id]["segments:sum"], 3)

    # Send a test SMS -----------------------------------------------------------

    def send_test(self, number, body="Test from Settings", env=None):
        env = env or self.env
        settings = env["res.config.settings"].create({})
        action = settings.action_open_sms_test_wizard()
        wizard = (
            env[action["res_model"]]
            .with_context(**action["context"])
            .create({"number": number, "body": body})
        )
        return wizard.action_send()["params"]

    @users("sms_manager")
    def test_send_test_sms(self):
        params = self.send_test("+32 470 12 34 56")
        # Handed over in the request; Twilio answers after its commit.
        self.assertEqual(params["type"], "info", params["message"])
        self.assertIn("SMS > Messages", params["message"])
        self.commit()
        sent = self.sim_messages()
        self.assertEqual(len(sent), 1)
        self.assertEqual(
            (sent[0]["to"], sent[0]["from"], sent[0]["body"]),
            ("+32470123456", BE_SENDER, "Test from Settings"),
        )
        log = self.last_log("+32470123456").sudo()
        self.assertEqual(log.twilio_sid, sent[0]["sid"])
        self.assertEqual(log.user_id, self.env.user)

    @users("sms_manager")
    def test_send_test_sms_from_dedicated_number(self):
        self.company.sms_twilio_number_ids.filtered(
            lambda n: n.number == US_SENDER
        ).user_id = self.env.user
        params = self.send_test("+32470123456")
        self.assertEqual(params["type"], "info", params["message"])
        self.commit()
        self.assertEqual(self.sim_messages()[0]["from"], US_SENDER)

    @users("sms_manager")
    def test_send_test_sms_shows_the_gateway_reason(self):
        self.env["phone.blacklist"].sudo().add("+32470123456")
        params = self.send_test("+32470123456")
        self.assertEqual(params["type"], "danger")
        self.assertIn("opted out", params["message"])
        self.assertNotIn("next", params, "the wizard stays open to fix the number")
        params = self.send_test("+32 12")
        self.assertEqual(params["type"], "danger")
        self.commit()
        self.assertEqual(self.sim_messages(), [])

    @users("sms_manager")
    def test_send_test_sms_shows_twilio_error(self):
        # Twilio's test number that cannot be routed (error 21612).
        params = self.send_test("+15005550002")
        self.assertNotEqual(params["type"], "success", "Twilio has not answered")
        self.commit()
        self.assertEqual(len(self.sim_messages()), 0)
        log = self.last_log("+15005550002").sudo()
        self.assertIn("Twilio cannot reach this number", log.error_reason)

    def test_send_test_sms_only_for_the_company_of_the_settings(self):
        """The company comes from the Settings opened, never from the client."""
        be = self.env.ref("base.be")
        company_b = self.env["res.company"].create(
            {"name": "SMS Company B", "country_id": be.id}
        )
        company_b._gateway_use_sandbox(
            self.sim_server.url, numbers=[("+3228080001", be)]
        )
        company_b.write({"sms_quiet_hours_enabled": False, "sms_lookup_policy": "off"})
        manager_a = new_test_user(
            self.env,
            login="sms_manager_a",
            groups="base.group_user,sms_twilio_gateway.group_sms_manager",
        )
        manager_ab = new_test_user(
            self.env,
            login="sms_manager_ab",
            groups="base.group_system,sms_twilio_gateway.group_sms_manager",
            company_ids=[Command.set((self.company | company_b).ids)],
        )
        for user in manager_a | manager_ab:
            env = self.env(user=user)
            # The web client posts the wizard's company: it can be forged.
            wizard = env["sms.test.wizard"].create(
                {"number": "+32470123456", "body": "Forged", "company_id": company_b.id}
            )
            with self.subTest(user=user.login), self.assertRaises(UserError):
                wizard.action_send()
        self.commit()
        self.assertEqual(self.sim_messages(), [])
        # A manager of both companies tests B from B's Settings.
        env_b = self.env(
            user=manager_ab,
            context={"allowed_company_ids": [company_b.id, self.company.id]},
        )
        params = self.send_test("+32470123456", env=env_b)
        self.assertEqual(params["type"], "info", params["message"])
        self.commit()
        self.assertEqual(
            [(m["from"], m["body"]) for m in self.sim_messages()],
            [("+3228080001", "Test from Settings")],
        )


@tagged("post_install", "-at_install")
class TestSettingsHttp(GatewayHttpCase):
    def test_send_test_sms_once_when_the_request_is_replayed(self):
        """Odoo replays a request after a serialization failure: one click, one SMS."""
        wizard_class = type(self.env["sms.test.wizard"])
        send = wizard_class.action_send
        clicks = []

        def action_send(wizard):
            result = send(wizard)
            clicks.append(result)
            if len(clicks) == 1:
                # A concurrent transaction won: Odoo rolls back and replays.
                raise ConcurrencyError("could not serialize access")
            return result

        self.authenticate("sms_manager", "sms_manager")
        wizard_id = self.make_jsonrpc_request(
            "/web/dataset/call_kw/sms.test.wizard/create",
            {
                "model": "sms.test.wizard",
                "method": "create",
                "args": [{"number": "+32470123456", "body": "One click"}],
                "kwargs": {},
            },
        )
        with patch.object(wizard_class, "action_send", action_send):
            action = self.make_jsonrpc_request(
                "/web/dataset/call_button/sms.test.wizard/action_send",
                {
                    "model": "sms.test.wizard",
                    "method": "action_send",
                    "args": [[wizard_id]],
                    "kwargs": {},
                },
            )
        self.assertEqual(len(clicks), 2, "the request was replayed")
        self.assertEqual(action["params"]["type"], "info")
        self.assertEqual([m["body"] for m in self.sim_messages()], ["One click"])
        logs = self.env["sms.log"].search(
            [("number", "=", "+32470123456"), ("direction", "=", "outbound")]
        )
        self.assertEqual(len(logs), 1)
