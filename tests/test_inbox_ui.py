# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SMS > Conversations in a browser, as a plain employee, against the simulator."""

import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from .common import BE_SENDER, GatewayHttpCase

PAULA = "+32470123456"
REPLY = "Yes, ready today."
INBOUND = "/sms_twilio_gateway/inbound"


@tagged("post_install", "-at_install")
class TestInboxUi(GatewayHttpCase):
    def test_reply_with_enter_delivered_and_live_answer(self):
        # The simulator delivers on its own, and calls back like Twilio.
        self.sim.configure(auto_progress=True, delays=[0.1, 0.2])
        self.addCleanup(self.sim.configure, auto_progress=False)
        self.http_request_allow_all = True
        self.env["sms.inbound"].sudo()._receive(
            self.company, "SM" + "a" * 32, PAULA, BE_SENDER, "Is my order ready?", []
        )
        # Paula answers once the employee's reply reached her phone.
        answered = threading.Event()

        def answer():
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                delivered = [
                    m
                    for m in self.sim.list_messages(to=PAULA, direction="outbound-api")
                    if m["body"] == REPLY and m["status"] == "delivered"
                ]
                if delivered:
                    time.sleep(1)  # the inbox shows "Delivered" first
                    self.sim.inject_inbound(
                        PAULA,
                        BE_SENDER,
                        "Great, thanks!",
                        url=self.base_url() + INBOUND,
                    )
                    answered.set()
                    return
                time.sleep(0.2)

        answering = threading.Thread(target=answer, daemon=True)
        answering.start()
        self.start_tour(
            "/odoo/action-sms_twilio_gateway.sms_inbox_action",
            "sms_inbox_reply_tour",
            login="sms_user",
        )
        answering.join(10)
        self.assertTrue(answered.is_set())
        sent = self.sim_messages(to=PAULA)
        self.assertEqual([m["body"] for m in sent], [REPLY])
        log = self.last_log(PAULA)
        self.assertEqual(
            (log.status, log.user_id, log.res_model, log.res_id),
            ("delivered", self.user_sms, "res.partner", self.partner.id),
        )

    def test_new_conversation_opt_out_and_landline_notices(self):
        self.company.sms_lookup_policy = "first_send"
        partners = self.env["res.partner"].create(
            [
                {"name": "Olivia Open", "phone": "+32470555001"},
                {"name": "Olaf Optout", "phone": "+32470555002"},
                {"name": "Front Desk", "phone": "+3222345678"},
            ]
        )
        self.env["phone.blacklist"].sudo().add("+32470555002")
        inbox = self.env["sms.inbox"].with_user(self.user_sms)
        for partner in partners[1:]:
            inbox.start("res.partner", partner.id)
        self.start_tour(
            "/odoo/action-sms_twilio_gateway.sms_inbox_action",
            "sms_inbox_notices_tour",
            login="sms_user",
        )
        facts = self.env["sms.number"].search([("number", "=", "+3222345678")])
        self.assertEqual(facts.line_type, "landline")
        self.assertEqual(self.sim.lookup_count("+3222345678"), 1)
        # Cached: opening it again asks Twilio nothing.
        thread = self.env["sms.thread"].search([("number", "=", "+3222345678")])
        inbox.get_thread(thread.id)
        self.assertEqual(self.sim.lookup_count("+3222345678"), 1)
        self.assertFalse(self.sim_messages())

    def test_chatter_live_sms_reply_and_notification(self):
        self.http_request_allow_all = True
        self.send_to_partner(self.partner, "Your order is ready")
        answered = threading.Event()

        # The browser's login uses the test cursor from this thread without the
        # lock requests take: read the database only once it is done.
        logged_in = threading.Event()
        authenticate = self.authenticate

        def authenticate_then_signal(*args, **kwargs):
            result = authenticate(*args, **kwargs)
            logged_in.set()
            return result

        self.authenticate = authenticate_then_signal

        def when_noted(note, body, delay=0):
            """Paula texts ``body`` once the employee logged ``note``."""
            logged_in.wait(30)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    noted = env["mail.message"].search_count([("body", "ilike", note)])
                if noted:
                    time.sleep(delay)
                    self.sim.inject_inbound(
                        PAULA, BE_SENDER, body, url=self.base_url() + INBOUND
                    )
                    return True
                time.sleep(0.3)
            return False

        def answer():
            # In the open chatter; then once the employee left it.
            if when_noted("Waiting for Paula", "On my way") and when_noted(
                "Leaving Paula", "Parked outside", delay=3
            ):
                answered.set()

        answering = threading.Thread(target=answer, daemon=True)
        answering.start()
        self.start_tour(
            f"/odoo/res.partner/{self.partner.id}",
            "sms_inbox_chatter_tour",
            login="sms_user",
        )
        answering.join(10)
        self.assertTrue(answered.is_set())
        message = self.partner.message_ids.filtered(
            lambda m: "On my way" in (m.body or "")
        )
        self.assertEqual(
            (message.message_type, message.sms_gateway_number), ("sms", PAULA)
        )
