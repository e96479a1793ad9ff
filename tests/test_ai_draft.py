# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""AI drafting in the composer, against a stand-in provider on loopback."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged, users

from ..tools.ai_stand_in import StandInServer
from .common import GatewayHttpCase

DRAFT = "Hi Paula, your order is ready for pickup tomorrow."


@tagged("post_install", "-at_install")
class TestAiDraft(GatewayHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stand_in = StandInServer(reply=DRAFT, key="sk-stand-in").start()
        cls.addClassCleanup(cls.stand_in.stop)

    def setUp(self):
        super().setUp()
        self.stand_in.status, self.stand_in.requests[:] = 200, []
        self.company.sudo().write(
            {
                "sms_ai_url": self.stand_in.url,
                "sms_ai_model": "stand-in-model",
                "sms_ai_key": "sk-stand-in",
            }
        )

    def composer(self):
        return (
            self.env["sms.composer"]
            .with_context(active_model="res.partner", active_id=self.partner.id)
            .create({"body": "x"})
        )

    @users("sms_user")
    def test_draft_for_a_plain_employee(self):
        self.assertTrue(self.composer().gateway_draft_available)
        text = self.env["sms.ai.draft"].draft_text("  order ready tomorrow ")
        self.assertEqual(text, DRAFT)
        sent = self.stand_in.requests[0]
        self.assertEqual(sent["json"]["model"], "stand-in-model")
        self.assertEqual(sent["json"]["messages"][1]["content"], "order ready tomorrow")
        self.assertEqual(sent["authorization"], "Bearer sk-stand-in")
        self.assertIn("at most 1530 characters", sent["json"]["messages"][0]["content"])

    @users("sms_user")
    def test_failure_says_why(self):
        self.stand_in.status = 500
        with self.assertRaisesRegex(UserError, r"refused the request \(HTTP 500\)"):
            self.env["sms.ai.draft"].draft_text("order ready")
        with self.assertRaisesRegex(UserError, "Describe the SMS"):
            self.env["sms.ai.draft"].draft_text("  ")

    @users("sms_user")
    def test_no_provider_no_button(self):
        self.company.sudo().sms_ai_url = False
        self.assertFalse(self.composer().gateway_draft_available)
        with self.assertRaisesRegex(UserError, "No AI provider"):
            self.env["sms.ai.draft"].draft_text("order ready")

    def test_portal_users_cannot_draft(self):
        portal = self.env["res.users"].create(
            {
                "name": "Portal Pat",
                "login": "portal_pat",
                "group_ids": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.env["sms.ai.draft"].with_user(portal).draft_text("hi")
        self.assertEqual(self.stand_in.requests, [])

    def test_key_readable_by_admins_only(self):
        company = self.company.with_user(self.user_sms)
        with self.assertRaises(AccessError):
            company.read(["sms_ai_key"])
        self.assertEqual(
            self.company.with_user(self.user_manager).sms_ai_key, "sk-stand-in"
        )

    def test_draft_tour(self):
        """A plain employee drafts an SMS with the stand-in, then sends it."""
        self.start_tour(
            f"/odoo/res.partner/{self.partner.id}",
            "sms_gateway_draft_tour",
            login="sms_user",
        )
        self.assertEqual([m["body"] for m in self.sim_messages()], [DRAFT])
