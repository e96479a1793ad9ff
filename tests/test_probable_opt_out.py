# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Replies that read as an opt-out, and Twilio's Advanced Opt-Out."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged, users

from ..tools.twilio_client import get_request_validator
from ..tools.twilio_simulator import DEFAULT_AUTH_TOKEN
from .common import BE_SENDER, GatewayHttpCase

PAULA = "+32470123456"
INBOUND = "/sms_twilio_gateway/inbound"


@tagged("post_install", "-at_install")
class TestProbableOptOut(GatewayHttpCase):
    def blacklisted(self, number=PAULA):
        return bool(self.env["phone.blacklist"].search([("number", "=", number)]))

    def queue(self):
        return self.env["sms.probable.opt.out"].search([("number", "=", PAULA)])

    def post_inbound(self, body, **extra):
        params = dict(self.sim.build_inbound(PAULA, BE_SENDER, body), **extra)
        url = self.base_url() + INBOUND
        signature = get_request_validator(DEFAULT_AUTH_TOKEN).compute_signature(
            url, params
        )
        response = self.url_open(
            url, data=params, headers={"X-Twilio-Signature": signature}
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        return response.text

    def test_a_reply_reading_as_opt_out_is_queued_not_applied(self):
        self.partner._message_sms("Your order is ready")
        self.commit()
        with freeze_time("2026-03-02 10:00:00"):  # a Monday
            self.sim_inject(PAULA, BE_SENDER, "Please stop texting me")
        request = self.queue()
        self.assertEqual(request.state, "pending")
        self.assertEqual(request.body, "Please stop texting me")
        self.assertEqual(request.partner_id, self.partner)
        self.assertEqual(request.honour_by, date(2026, 3, 16))
        self.assertFalse(self.blacklisted(), "a manager decides")
        # The reply still reaches the chatter like any other.
        self.assertIn("Please stop texting me", self.partner.message_ids[0].body)
        # Ordinary replies and exact keywords are not queued.
        self.sim_inject(PAULA, BE_SENDER, "Thanks, see you Tuesday")
        self.sim_inject(PAULA, BE_SENDER, "STOP")
        self.assertEqual(len(self.queue()), 1)
        self.assertTrue(self.blacklisted())

    @users("sms_manager")
    def test_manager_confirms_or_dismisses(self):
        Queue = self.env["sms.probable.opt.out"]
        company = self.company.id
        confirm, dismiss = Queue.sudo().create(
            [
                {"number": PAULA, "body": "unsubscribe me", "company_id": company},
                {"number": "+32470999888", "body": "opt out", "company_id": company},
            ]
        )
        Queue.browse(confirm.id).action_confirm()
        Queue.browse(dismiss.id).action_dismiss()
        self.assertEqual(
            (confirm.state, confirm.decided_by), ("confirmed", self.user_manager)
        )
        self.assertEqual(dismiss.state, "dismissed")
        self.assertTrue(self.blacklisted())
        self.assertFalse(self.blacklisted("+32470999888"))
        consent = self.env["sms.consent"].sudo().search([("number", "=", PAULA)])
        self.assertEqual(
            (consent.kind, consent.source, consent.user_id, consent.text),
            ("opt_out", "user", self.user_manager, "unsubscribe me"),
        )
        self.assertEqual(Queue.browse(confirm.id).days_left, 0, "nothing left to do")

    def test_plain_users_cannot_read_the_queue(self):
        self.assertFalse(
            self.env["sms.probable.opt.out"].with_user(self.user_sms).has_access("read")
        )

    def test_advanced_opt_out_type_is_honoured(self):
        """Twilio matched its own keyword ("Arrêt") and answered it: the
        number opts out and in, with no second reply from us."""
        answer = self.post_inbound("Arrêt", OptOutType="STOP")
        self.assertTrue(self.blacklisted())
        self.assertNotIn("<Message>", answer)
        self.assertFalse(self.queue())
        consent = self.env["sms.consent"].sudo().search([("number", "=", PAULA)])
        self.assertEqual((consent.kind, consent.source), ("opt_out", "twilio_advanced"))
        self.post_inbound("Reprendre", OptOutType="START")
        self.assertFalse(self.blacklisted())
        answer = self.post_inbound("Aide", OptOutType="HELP")
        self.assertNotIn("<Message>", answer)

    def test_probable_opt_out_queue_tour(self):
        """A manager confirms a probable opt-out from the SMS menu."""
        self.sim_inject(PAULA, BE_SENDER, "please stop texting me")
        self.start_tour(
            "/odoo/action-sms_twilio_gateway.sms_probable_opt_out_action",
            "sms_gateway_probable_opt_out_tour",
            login="sms_manager",
        )
        self.assertEqual(self.queue().state, "confirmed")
        self.assertTrue(self.blacklisted())
