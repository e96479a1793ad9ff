# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Correctly signed but unusual inbound requests, over real HTTP."""

import logging

from odoo.tests import tagged

from ..tools.twilio_client import get_request_validator
from ..tools.twilio_simulator import DEFAULT_AUTH_TOKEN
from .common import BE_SENDER, GatewayHttpCase

INBOUND = "/sms_twilio_gateway/inbound"


class _Records(logging.Handler):
    """Every record logged at INFO or above, whatever the logger."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@tagged("post_install", "-at_install")
class TestInboundRobustness(GatewayHttpCase):
    def post(self, params, token=DEFAULT_AUTH_TOKEN):
        """Post ``params`` to the inbound URL, signed with ``token``."""
        url = self.base_url() + INBOUND
        signature = get_request_validator(token).compute_signature(url, params)
        self.env.flush_all()
        response = self.url_open(
            url, data=params, headers={"X-Twilio-Signature": signature}
        )
        self.env.invalidate_all()
        return response

    def params(self, body, from_="+32470123456", **changes):
        params = dict(self.sim.build_inbound(from_, BE_SENDER, body), **changes)
        return {key: value for key, value in params.items() if value is not None}

    def inbound_logs(self):
        return self.env["sms.log"].search([("direction", "=", "inbound")])

    def blacklisted(self, number):
        return bool(self.env["phone.blacklist"].search([("number", "=", number)]))

    def test_num_media_garbage(self):
        for num_media in ("abc", "1e9", "-1", "99999999999999999999"):
            with self.subTest(num_media=num_media):
                params = self.params(
                    f"Look {num_media}",
                    NumMedia=num_media,
                    MediaUrl0="https://media.example.com/cat.jpg",
                    MediaContentType0="image/jpeg",
                )
                response = self.post(params)
                self.assertEqual(response.status_code, 200)
                log = self.inbound_logs().filtered(
                    lambda log, p=params: log.twilio_sid == p["MessageSid"]
                )
                self.assertEqual(log.body, f"Look {num_media}")
                self.assertEqual(log.media_urls, "https://media.example.com/cat.jpg")

    def test_media_capped_and_only_web_links(self):
        media = {f"MediaUrl{i}": f"https://m.example.com/{i}.jpg" for i in range(12)}
        media["MediaUrl1"] = "javascript:alert(1)"
        response = self.post(self.params("Many", NumMedia="12", **media))
        self.assertEqual(response.status_code, 200)
        urls = self.inbound_logs().media_urls.split("\n")
        self.assertEqual(len(urls), 9, "10 at most, the non-web link dropped")
        self.assertNotIn("javascript:alert(1)", urls)

    def test_opt_out_from_non_phone_senders(self):
        partners = self.env["res.partner"].search_count([])
        for sender in ("MyBrand", "", None):
            with self.subTest(sender=sender):
                params = self.params("STOP", from_=sender or "")
                if sender is None:
                    del params["From"]
                response = self.post(params)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("<Message>", response.text, "nobody to answer")
                log = self.env["sms.log"].search(
                    [("twilio_sid", "=", params["MessageSid"])]
                )
                self.assertEqual((log.body, log.status), ("STOP", "received"))
                self.assertEqual(log.number, sender or "-")
                self.assertFalse(log.partner_id)
                self.assertTrue(log.error_reason, "says why nothing was done")
        self.assertFalse(self.blacklisted("MyBrand"))
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_message_without_from_reaches_no_chatter(self):
        # A contact without a phone number: a missing From must not match it.
        bystander = self.env["res.partner"].create({"name": "No phone"})
        params = self.params("Who am I?")
        del params["From"]
        response = self.post(params)
        self.assertEqual(response.status_code, 200)
        log = self.inbound_logs()
        self.assertEqual(len(log), 1, "stored")
        self.assertEqual(log.body, "Who am I?")
        self.assertFalse(log.partner_id or log.res_id or log.mail_message_id)
        posted = self.env["mail.message"].search(
            [("body", "ilike", "Who am I?"), ("message_type", "=", "sms")]
        )
        self.assertFalse(posted, "in nobody's chatter")
        self.assertFalse(
            bystander.message_ids.filtered(lambda m: m.message_type == "sms")
        )

    def test_junk_senders_create_no_contact(self):
        partners = self.env["res.partner"].search_count([])
        facts = self.env["sms.number"].search_count([])
        for sender in ("MyBrand", "12345", "+32000000000", "+123456789", "n/a!"):
            with self.subTest(sender=sender):
                response = self.post(self.params("Promo!", from_=sender))
                self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.inbound_logs()), 5, "every message stored")
        self.assertFalse(self.inbound_logs().partner_id)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertEqual(self.env["sms.number"].search_count([]), facts)

    def test_retry_without_message_sid(self):
        # Twilio's older names for the same SID still identify a retry.
        params = self.params("Twice?")
        sid = params.pop("MessageSid")
        params.pop("SmsSid")
        for _retry in range(2):
            self.assertEqual(self.post(params).status_code, 200)
        logs = self.inbound_logs()
        self.assertEqual((len(logs), logs.twilio_sid), (1, sid))

    def test_no_sid_at_all_is_refused(self):
        params = self.params("STOP")
        for key in ("MessageSid", "SmsSid", "SmsMessageSid"):
            params.pop(key)
        controller = "odoo.addons.sms_twilio_gateway.controllers.main"
        for _retry in range(2):
            with self.assertLogs(controller, "WARNING"):
                self.assertEqual(self.post(params).status_code, 400)
        self.assertFalse(self.inbound_logs(), "nothing written")
        self.assertFalse(self.blacklisted("+32470123456"))

    def test_no_number_or_body_in_server_logs(self):
        records = _Records()
        root = logging.getLogger()
        root.addHandler(records)
        self.addCleanup(root.removeHandler, records)
        secret = "my secret words"
        self.post(self.params(secret, from_="+32470999111"))
        self.post(self.params("STOP", from_="+32470999111"))
        self.post(self.params(secret, from_="MyBrand"))
        controller = "odoo.addons.sms_twilio_gateway.controllers.main"
        with self.assertLogs(controller, "WARNING") as warnings:
            forged = self.post(
                self.params(secret, from_="+32470999111"), token="forged-token"
            )
        self.assertEqual(forged.status_code, 403)
        self.assertTrue(records.messages, "the handler sees the server's records")
        for text in ("+32470999111", "32470999111", secret, "MyBrand"):
            leaked = [m for m in records.messages + warnings.output if text in m]
            self.assertFalse(leaked, f"{text!r} logged")
