# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Signed Twilio webhooks against the running test server, over real HTTP."""

from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import config, mute_logger

from ..tools.twilio_client import get_request_validator
from ..tools.twilio_simulator import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN
from .common import BE_SENDER, GatewayHttpCase

INBOUND = "/sms_twilio_gateway/inbound"


@tagged("post_install", "-at_install")
class TestStatusCallbacks(GatewayHttpCase):
    def send(self, partner=None, body="Hello"):
        message = self.send_to_partner(partner or self.partner, body)
        sid = self.sim_messages()[-1]["sid"]
        return message, sid

    def post_status(self, uuid, params, token=DEFAULT_AUTH_TOKEN, signature=None):
        url = f"{self.base_url()}/sms_twilio/status/{uuid}"
        if signature is None:
            signature = get_request_validator(token).compute_signature(url, params)
        headers = {"X-Twilio-Signature": signature} if signature else {}
        return self.url_open(url, data=params, headers=headers)

    def test_delivered_reaches_log_chatter_and_number(self):
        message, sid = self.send()
        self.sim_advance(sid, steps=2)  # sent, then delivered
        log = self.last_log("+32470123456")
        self.assertEqual(log.status, "delivered")
        self.assertTrue(log.date_done)
        self.assertEqual(message.notification_ids.notification_status, "sent")
        # The number's page shows its last delivery, read from the log.
        facts = self.env["sms.number"]._gateway_get(["+32470123456"])
        self.assertEqual(facts.last_delivery_date, log.date_done)
        callbacks = [c for c in self.sim.callback_log if c.get("status_code")]
        self.assertEqual([c["status_code"] for c in callbacks], [200, 200])

    def test_idempotent_and_never_backwards(self):
        message, sid = self.send()
        uuid = self.last_log("+32470123456").sms_uuid
        self.sim_advance(sid, steps=2)
        late_sent = {
            "AccountSid": DEFAULT_ACCOUNT_SID,
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": "sent",
            "SmsStatus": "sent",
            "To": "+32470123456",
            "From": BE_SENDER,
            "ApiVersion": "2010-04-01",
        }
        response = self.post_status(uuid, late_sent)
        self.assertEqual(response.status_code, 200)
        delivered = dict(late_sent, MessageStatus="delivered", SmsStatus="delivered")
        self.post_status(uuid, delivered)
        self.post_status(uuid, delivered)
        self.env.invalidate_all()
        log = self.last_log("+32470123456")
        self.assertEqual(log.status, "delivered", "a late 'sent' does not undo it")
        self.assertEqual(message.notification_ids.notification_status, "sent")

    def test_canceled_never_replaces_a_final_status(self):
        for fate in ("delivered", "undelivered"):
            with self.subTest(fate=fate):
                if fate == "undelivered":
                    self.sim.set_fate("+32470123456", "undelivered", 30003)
                message, sid = self.send(body=f"to be {fate}")
                log = self.last_log("+32470123456")
                self.sim_advance(sid, steps=2)
                canceled = {
                    "AccountSid": DEFAULT_ACCOUNT_SID,
                    "MessageSid": sid,
                    "MessageStatus": "canceled",
                    "SmsStatus": "canceled",
                }
                response = self.post_status(log.sms_uuid, canceled)
                self.assertEqual(response.status_code, 200)
                self.env.invalidate_all()
                self.assertEqual(log.status, fate)
                self.assertEqual(
                    message.notification_ids.notification_status,
                    "sent" if fate == "delivered" else "bounce",
                )

    def test_canceled_before_sending(self):
        # Twilio cancels a message it has not sent yet (scheduled ones).
        _message, sid = self.send()
        log = self.last_log("+32470123456")
        canceled = {
            "AccountSid": DEFAULT_ACCOUNT_SID,
            "MessageSid": sid,
            "MessageStatus": "canceled",
            "SmsStatus": "canceled",
        }
        self.assertEqual(self.post_status(log.sms_uuid, canceled).status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(log.status, "canceled")

    def test_callback_after_sms_row_deleted(self):
        _message, sid = self.send()
        log = self.last_log("+32470123456")
        self.env["sms.sms"].sudo().search([("uuid", "=", log.sms_uuid)]).unlink()
        self.sim_advance(sid, steps=2)
        self.assertEqual(log.status, "delivered")

    @mute_logger("odoo.addons.sms_twilio_gateway.controllers.main")
    def test_forged_and_missing_signatures(self):
        _message, sid = self.send()
        log = self.last_log("+32470123456")
        params = {
            "AccountSid": DEFAULT_ACCOUNT_SID,
            "MessageSid": sid,
            "MessageStatus": "delivered",
            "SmsStatus": "delivered",
        }
        forged = self.post_status(log.sms_uuid, params, token="not-the-token")
        missing = self.post_status(log.sms_uuid, params, signature="")
        self.assertEqual((forged.status_code, missing.status_code), (403, 403))
        self.env.invalidate_all()
        self.assertEqual(log.status, "queued", "nothing written")

    def test_carrier_failures_auto_block_and_reset(self):
        self.sim.set_fate("+32470123456", "undelivered", 30003)
        for i in range(3):
            message, sid = self.send(body=f"attempt {i}")
            self.sim_advance(sid, steps=2)
        log = self.last_log("+32470123456")
        self.assertEqual((log.status, log.error_code), ("undelivered", 30003))
        self.assertTrue(log.error_reason)
        self.assertEqual(message.notification_ids.notification_status, "bounce")
        facts = self.env["sms.number"].search([("number", "=", "+32470123456")])
        self.assertEqual(facts.consecutive_failures, 3)
        self.assertTrue(facts.blocked, "3 carrier failures block the number")
        blocked = self.send_to_partner(self.partner, "after block")
        self.assertEqual(blocked.notification_ids.failure_type, "sms_blocked")
        # A reply from the number clears the count (the block stays for a manager).
        facts.blocked = False
        self.sim_inject("+32470123456", BE_SENDER, "still here")
        self.assertEqual(facts.consecutive_failures, 0)

    def test_delivery_clears_failures_and_21610_blacklists(self):
        self.sim.set_fate("+32470123456", "undelivered", 30005)
        for i in range(2):
            _message, sid = self.send(body=f"failing {i}")
            self.sim_advance(sid, steps=2)
        facts = self.env["sms.number"].search([("number", "=", "+32470123456")])
        self.assertEqual((facts.consecutive_failures, facts.blocked), (2, False))
        self.sim.clear_fates()
        _message, sid = self.send(body="works again")
        self.sim_advance(sid, steps=2)
        self.assertEqual(facts.consecutive_failures, 0, "a delivery clears the count")
        # Twilio reporting 21610 afterwards (the recipient blocked the sender).
        self.sim.set_fate("+32470123456", "undelivered", 21610)
        _message, sid = self.send(body="after their STOP elsewhere")
        self.sim_advance(sid, steps=2)
        self.assertTrue(
            self.env["phone.blacklist"].search([("number", "=", "+32470123456")])
        )

    def test_multi_company_tokens(self):
        other_sid, other_token = "AC" + "c" * 32, "other-company-token-000000000000"
        self.sim.add_account(other_sid, other_token)
        company_b = self.env["res.company"].create(
            {
                "name": "Company B",
                "country_id": self.env.ref("base.be").id,
                "sms_provider": "twilio",
                "sms_gateway_enabled": True,
                "sms_twilio_sandbox": True,
                "sms_twilio_account_sid": other_sid,
                "sms_twilio_auth_token": other_token,
                "sms_quiet_hours_enabled": False,
                "sms_lookup_policy": "off",
                "sms_twilio_number_ids": [
                    (
                        0,
                        0,
                        {
                            "number": "+3228080001",
                            "country_id": self.env.ref("base.be").id,
                        },
                    )
                ],
            }
        )
        partner_b = self.env["res.partner"].create(
            {"name": "B customer", "phone": "+32470555666", "company_id": company_b.id}
        )
        partner_b.with_company(company_b).with_context(
            allowed_company_ids=company_b.ids
        )._message_sms("from B")
        self.commit()
        sent = self.sim_messages(to="+32470555666")
        self.assertEqual(sent[0]["account_sid"], other_sid)
        log = self.last_log("+32470555666")
        self.assertEqual(log.company_id, company_b)
        params = {
            "AccountSid": other_sid,
            "MessageSid": sent[0]["sid"],
            "MessageStatus": "delivered",
            "SmsStatus": "delivered",
        }
        with mute_logger("odoo.addons.sms_twilio_gateway.controllers.main"):
            wrong = self.post_status(log.sms_uuid, params, token=DEFAULT_AUTH_TOKEN)
        self.assertEqual(wrong.status_code, 403)
        right = self.post_status(log.sms_uuid, params, token=other_token)
        self.assertEqual(right.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(log.status, "delivered")


@tagged("post_install", "-at_install")
class TestInbound(GatewayHttpCase):
    def inject(self, body, from_="+32470123456", media_urls=()):
        return self.sim_inject(from_, BE_SENDER, body, media_urls=media_urls)

    def blacklisted(self, number="+32470123456"):
        return bool(self.env["phone.blacklist"].search([("number", "=", number)]))

    def test_keywords(self):
        for body in ("STOP", "stop", "  Stop \n", "unsubscribe", "OptOut", "STOP!"):
            with self.subTest(body=body):
                self.env["phone.blacklist"].search([]).unlink()
                status, text = self.inject(body)
                self.assertEqual(status, 200)
                self.assertTrue(self.blacklisted())
                self.assertIn("<Message>You are unsubscribed", text)
        status, text = self.inject("START")
        self.assertFalse(self.blacklisted())
        self.assertIn("<Message>You are subscribed again", text)
        status, text = self.inject("help")
        self.assertIn("<Message>Reply STOP to unsubscribe", text)
        self.assertFalse(self.blacklisted())

    def test_look_alikes_are_messages(self):
        status, text = self.inject("Stop it please")
        self.assertEqual(status, 200)
        self.assertFalse(self.blacklisted())
        self.assertNotIn("<Message>", text)
        self.assertIn(
            "Stop it please", self.partner.message_ids[0].body, "posted in the chatter"
        )

    def test_reply_threads_on_last_record_and_notifies_sender(self):
        self.send_to_partner(self.partner, "Your order is ready")
        self.inject("Thanks, coming!")
        message = self.partner.message_ids[0]
        self.assertEqual(message.message_type, "sms")
        self.assertEqual(message.author_id, self.partner)
        self.assertIn("Thanks, coming!", message.body)
        inbox = self.env["mail.notification"].search(
            [("mail_message_id", "=", message.id), ("notification_type", "=", "inbox")]
        )
        self.assertEqual(inbox.res_partner_id, self.user_sms.partner_id)
        log = self.env["sms.log"].search([("direction", "=", "inbound")])
        self.assertEqual(
            (log.number, log.status, log.res_model, log.res_id, log.mail_message_id),
            ("+32470123456", "received", "res.partner", self.partner.id, message),
        )
        # The reply is never texted back to anyone.
        self.assertEqual(len(self.sim_messages()), 1, self.sim_messages())

    def test_unknown_number_opens_thread_then_newest_contact(self):
        self.inject("Who is this?", from_="+32470777888")
        self.assertFalse(
            self.env["res.partner"].search([("phone_sanitized", "=", "+32470777888")]),
            "no contact is created for a number nobody holds",
        )
        thread = self.env["sms.thread"].search([("number", "=", "+32470777888")])
        self.assertTrue(thread.unknown)
        self.assertIn("Who is this?", thread.message_ids[0].body)
        newest = self.env["res.partner"].create(
            {"name": "Newest", "phone": "+32470777888"}
        )
        self.inject("Second", from_="+32470777888")
        self.assertIn(
            "Second", newest.message_ids[0].body, "newest contact, deterministic"
        )

    def test_message_sid_stored_once(self):
        params = self.sim.build_inbound("+32470123456", BE_SENDER, "STOP")
        url = self.base_url() + INBOUND
        signature = get_request_validator(DEFAULT_AUTH_TOKEN).compute_signature(
            url, params
        )
        for _retry in range(3):
            response = self.url_open(
                url, data=params, headers={"X-Twilio-Signature": signature}
            )
            self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        logs = self.env["sms.log"].search([("twilio_sid", "=", params["MessageSid"])])
        self.assertEqual(len(logs), 1)
        self.assertTrue(self.blacklisted())

    @mute_logger("odoo.addons.sms_twilio_gateway.controllers.main")
    def test_forged_unsigned_wrong_account(self):
        params = self.sim.build_inbound("+32470123456", BE_SENDER, "STOP")
        url = self.base_url() + INBOUND
        forged = get_request_validator("forged-token").compute_signature(url, params)
        for headers in ({}, {"X-Twilio-Signature": forged}):
            response = self.url_open(url, data=params, headers=headers)
            self.assertEqual(response.status_code, 403)
        other = dict(params, AccountSid="AC" + "d" * 32)
        signature = get_request_validator(DEFAULT_AUTH_TOKEN).compute_signature(
            url, other
        )
        response = self.url_open(
            url, data=other, headers={"X-Twilio-Signature": signature}
        )
        self.assertEqual(response.status_code, 403)
        self.env.invalidate_all()
        self.assertFalse(self.blacklisted())
        self.assertFalse(self.env["sms.log"].search([("direction", "=", "inbound")]))

    def test_behind_reverse_proxy(self):
        params = self.sim.build_inbound("+32470123456", BE_SENDER, "STOP")
        public = "https://sms.example.com" + INBOUND
        signature = get_request_validator(DEFAULT_AUTH_TOKEN).compute_signature(
            public, params
        )
        headers = {
            "X-Twilio-Signature": signature,
            "X-Forwarded-Host": "sms.example.com",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.9",
        }
        with patch.dict(config.options, {"proxy_mode": True}):
            response = self.url_open(
                self.base_url() + INBOUND, data=params, headers=headers
            )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertTrue(self.blacklisted())

    def test_mms_media_links(self):
        self.inject("Look", media_urls=["https://media.example.com/cat.jpg"])
        message = self.partner.message_ids[0]
        self.assertIn("https://media.example.com/cat.jpg", message.body)
        log = self.env["sms.log"].search([("direction", "=", "inbound")])
        self.assertEqual(log.media_urls, "https://media.example.com/cat.jpg")


@tagged("post_install", "-at_install")
class TestUnknownCallbacks(GatewayHttpCase):
    def test_unknown_uuid_is_not_found_without_token(self):
        self.company.sms_twilio_auth_token = False
        response = self.url_open(
            "/sms_twilio/status/" + "0" * 32,
            data={"MessageStatus": "delivered", "SmsStatus": "delivered"},
            headers={"X-Twilio-Signature": "x"},
        )
        self.assertEqual(response.status_code, 404)
