# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Faults end in the right state: each case was wrong before the core rebuild."""

from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged, users

from .common import GatewayCase


@tagged("post_install", "-at_install")
class TestCoreFaults(GatewayCase):
    def sms_of(self, message):
        return self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)])

    @users("sms_user")
    def test_twilio_500_and_503_are_retried_then_sent(self):
        for kind in ("500", "503"):
            with self.subTest(kind=kind):
                self.sim.reset()
                self.sim.add_fault(kind, count=1, scope="messages")
                message = self.send_to_partner(self.partner, f"after a {kind}")
                sms = self.sms_of(message)
                self.assertEqual((sms.state, sms.gateway_attempts), ("outgoing", 1))
                self.assertEqual(sms.failure_type, False, "not failed as unknown")
                self.assertWoken(sms.gateway_not_before)
                with freeze_time(sms.gateway_not_before):
                    self.run_queue()
                self.assertEqual(len(self.sim_messages()), 1)
                self.assertEqual(sms.state, "pending")

    @users("sms_user")
    def test_final_error_after_five_tries_says_it_was_not_sent(self):
        self.sim.add_fault("429", count=100, scope="messages")
        sms = self.sms_of(self.send_to_partner(self.partner, "busy"))
        while sms.state == "outgoing":
            with freeze_time(sms.gateway_not_before):
                self.run_queue()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        self.assertNotIn("retried", sms.gateway_reason)
        self.assertIn("after 5 attempts", sms.gateway_reason)
        self.assertIn("was not sent", sms.gateway_reason)

    def test_a_lookup_failure_never_stops_the_batch(self):
        """Bad credentials of one company, lookups "at first send": its SMS
        fail with the reason, the others of the same queue run are sent."""
        other = self.env["res.company"].create(
            {"name": "Broken Co", "country_id": self.env.ref("base.be").id}
        )
        other._gateway_use_sandbox(self.sim_server.url)
        other.write(
            {
                "sms_lookup_policy": "first_send",
                "sms_quiet_hours_enabled": False,
                "sms_twilio_auth_token": "wrong-token",
            }
        )
        self.company.sms_lookup_policy = "first_send"
        partners = self.env["res.partner"].create(
            [
                {"name": "Ours", "phone": "+32470555001"},
                {"name": "Theirs", "phone": "+32470555002"},
            ]
        )
        sms = self.env["sms.sms"].create(
            [
                {"number": "+32470555002", "body": "b", "record_company_id": other.id},
                {"number": "+32470555001", "body": "a", "partner_id": partners[0].id},
            ]
        )
        self.run_queue()
        self.assertEqual([m["to"] for m in self.sim_messages()], ["+32470555001"])
        self.assertEqual(sms[0].failure_type, "twilio_authentication")
        facts = self.env["sms.number"].search([("number", "=", "+32470555002")])
        self.assertTrue(facts.lookup_error, "the failed lookup is recorded")

    def test_a_national_number_is_read_with_the_company_country(self):
        """No contact, no country: the company's (Belgium) reads the number."""
        sms = self.env["sms.sms"].create({"number": "0470 55 70 01", "body": "hi"})
        self.run_queue()
        self.assertEqual([m["to"] for m in self.sim_messages()], ["+32470557001"])
        self.assertEqual(sms.state, "pending")

    def test_a_sender_id_starting_with_mg_is_not_a_messaging_service(self):
        self.company.sms_alphanumeric_sender = "MGARAGE"
        france = self.env["res.partner"].create({"name": "FR", "phone": "+33612345670"})
        france._message_sms("bonjour")
        self.commit()
        sent = self.sim_messages()[-1]
        self.assertEqual(sent["from"], "MGARAGE")
        self.assertFalse(sent.get("messaging_service_sid"))

    def test_quota_reserved_and_released_in_the_same_month(self):
        """A user whose day is already tomorrow (Auckland) at the end of the
        month: what is given back is given back to the month it was taken."""
        self.user_sms.tz = "Pacific/Auckland"
        bad = self.env["res.partner"].create(
            {"name": "Invalid at Twilio", "phone": "+15005550001"}
        )
        with freeze_time("2026-03-31 23:30:00"):
            self.send_to_partner(bad, "end of month", user=self.user_sms)
        usages = self.env["sms.usage"].search([("company_id", "=", self.company.id)])
        months = {str(u.month): u.segments for u in usages}
        self.assertEqual(months.get("2026-03-01"), 0, "released where it was taken")
        self.assertFalse(months.get("2026-04-01"), "nothing taken from April")

    def test_recovery_keeps_what_callbacks_said(self):
        """The worker died after Twilio took the SMS; its callbacks arrived.
        Recovery must not fail a delivered SMS as "to review"."""
        message = self.partner._message_sms("crash after send", put_in_queue=True)
        sms = self.sms_of(message)
        verdicts = self.env["sms.gateway"]._decide(
            self.company, sms._gateway_requests()
        )
        self.env["sms.usage"]._gateway_reserve(self.company, [1])
        sms._gateway_claim(self.company, verdicts, True)
        sms.gateway_log_id.handed = True
        self.env.cr.postcommit.clear()  # died before storing Twilio's answer
        self.env["sms.status.callback"]._receive(
            sms.uuid, "delivered", message_sid="SM" + "1" * 32
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sms_sms SET write_date = now() - interval '1 hour' WHERE id = %s",
            [sms.id],
        )
        sms.invalidate_recordset()
        self.run_queue()
        log = sms.gateway_log_id
        self.assertEqual((log.status, log.twilio_sid), ("delivered", "SM" + "1" * 32))
        self.assertNotEqual(sms.failure_type, "sms_review")
        self.assertEqual(message.notification_ids.notification_status, "sent")

    def test_a_late_callback_settles_an_sms_to_review(self):
        """Recovery flagged it (no word from Twilio yet); then Twilio says it
        was delivered: the SMS and the chatter say so, not "to review"."""
        self.sim.add_fault("drop", count=1, scope="messages")
        message = self.send_to_partner(self.partner, "answer lost")
        sms = self.sms_of(message)
        self.assertEqual(sms.failure_type, "sms_review")
        self.env["sms.status.callback"]._receive(
            sms.uuid, "delivered", message_sid="SM" + "2" * 32
        )
        self.assertEqual((sms.state, sms.failure_type), ("pending", False))
        self.assertEqual(sms.gateway_log_id.status, "delivered")
        self.assertEqual(message.notification_ids.notification_status, "sent")

    def test_a_mailing_stays_sending_until_its_queue_is_empty(self):
        self.env["ir.config_parameter"].set_param("sms_twilio_gateway.batch_size", 2)
        mlist = self.env["mailing.list"].create(
            {
                "name": "Five",
                "contact_ids": [
                    (0, 0, {"name": f"C{i}", "mobile": f"+3247066600{i}"})
                    for i in range(5)
                ],
            }
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "name": "Batches",
                "subject": "Batches",
                "mailing_type": "sms",
                "body_plaintext": "Hello",
                "mailing_model_id": self.env.ref("mass_mailing.model_mailing_list").id,
                "contact_list_ids": [(6, 0, mlist.ids)],
                "sms_allow_unsubscribe": False,
            }
        )
        mailing.action_put_in_queue()
        self.run_cron("mass_mailing.ir_cron_mass_mailing_queue")
        mailing.invalidate_recordset()
        states = [mailing.state]
        dispatch_class = type(self.env["sms.dispatch"])
        dispatch = dispatch_class._dispatch

        def dispatch_and_watch(model, sms, unlink_sent=True):
            # What the mailing reads once each batch's answers are committed.
            result = dispatch(model, sms, unlink_sent)
            states.append(model.env["mailing.mailing"].browse(mailing.id).state)
            return result

        with patch.object(dispatch_class, "_dispatch", dispatch_and_watch):
            self.run_queue()  # one run of the cron: batches of 2
        self.assertEqual(len(self.sim_messages()), 5)
        self.assertEqual(states, ["sending", "sending", "sending", "done"])
        tracked = mailing.message_ids.filtered(
            lambda m: m.tracking_value_ids.filtered(
                lambda t: t.field_id.name == "state"
            )
        )
        self.assertLessEqual(len(tracked), 2, "no Sending/Sent flip per batch")

    def test_deferred_until_due(self):
        """Quiet hours defer automated SMS; the cron wakes at the due time."""
        self.company.write(
            {
                "sms_quiet_hours_enabled": True,
                "sms_quiet_start": 9.0,
                "sms_quiet_end": 20.0,
            }
        )
        self.partner.tz = "Europe/Brussels"
        with freeze_time("2026-06-01 19:00:00"):  # 21:00 in Brussels (CEST)
            self.partner._message_sms("tomorrow", put_in_queue=True)
            self.run_queue()
        due = datetime(2026, 6, 2, 7, 0)  # 9:00 CEST
        self.assertWoken(due)
        with freeze_time(due - timedelta(seconds=1)):
            self.run_queue()
        self.assertEqual(self.sim_messages(), [])
        with freeze_time(due):
            self.run_queue()
        self.assertEqual([m["body"] for m in self.sim_messages()], ["tomorrow"])
