# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged, users

from .common import BE_SENDER, US_SENDER, GatewayCase


@tagged("post_install", "-at_install")
class TestGatewayChecks(GatewayCase):
    """Each check, its failure type and reason; blocked SMS never reach Twilio."""

    def assertBlocked(self, sms_or_message, failure_type, reason_part=None):
        self.commit()  # the sender's request ends: nothing may leave then
        notif = (
            sms_or_message.notification_ids
            if sms_or_message._name == "mail.message"
            else None
        )
        if notif is not None:
            self.assertEqual(
                notif.notification_status,
                "exception" if failure_type != "sms_duplicate" else "canceled",
            )
            self.assertEqual(notif.failure_type, failure_type)
            if reason_part:
                self.assertIn(reason_part, notif.failure_reason)
        self.assertEqual(
            self.sim_messages(), [], "a blocked SMS must never reach Twilio"
        )

    @users("sms_user")
    def test_send_ok_through_sdk(self):
        message = self.send_to_partner(self.partner, "Hello Paula")
        sent = self.sim_messages()
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["to"], "+32470123456")
        self.assertEqual(
            sent[0]["from"], BE_SENDER, "the Belgian number serves Belgium"
        )
        self.assertEqual(sent[0]["body"], "Hello Paula")
        self.assertIn("/sms_twilio/status/", sent[0]["status_callback"])
        notif = message.notification_ids
        self.assertEqual(notif.notification_status, "pending")
        log = self.last_log("+32470123456")
        self.assertEqual(log.twilio_sid, sent[0]["sid"])
        self.assertEqual(
            (log.status, log.segments, log.encoding), ("queued", 1, "GSM-7")
        )
        self.assertEqual(log.user_id, self.user_sms)
        self.assertEqual((log.res_model, log.res_id), ("res.partner", self.partner.id))
        self.assertTrue(log.handed)
        self.assertEqual(notif.sudo().sms_tracker_ids.sms_twilio_sid, sent[0]["sid"])

    @users("sms_user")
    def test_missing_number(self):
        partner = self.env["res.partner"].create({"name": "No Phone"})
        message = partner._message_sms("hi", partner_ids=partner.ids)
        self.assertBlocked(message, "sms_number_missing")

    @users("sms_user")
    def test_invalid_numbers(self):
        for number in ("+32000000000", "+32123456789", "hello", "+3212"):
            with self.subTest(number=number):
                partner = self.env["res.partner"].create(
                    {"name": number, "phone": number}
                )
                message = partner._message_sms("hi " + number, partner_ids=partner.ids)
                self.assertBlocked(message, "sms_number_format")

    @users("sms_user")
    def test_blacklisted(self):
        self.env["phone.blacklist"].sudo().add("+32470123456")
        message = self.send_to_partner(self.partner, "hi")
        self.assertBlocked(message, "sms_blacklist", "opted out")

    @users("sms_user")
    def test_do_not_contact(self):
        partner = self.env["res.partner"].browse(self.partner.id)
        partner.write({"sms_dnc": True, "sms_dnc_reason": "Asked by phone"})
        self.assertEqual(partner.sms_dnc_user_id, self.env.user)
        message = self.send_to_partner(self.partner, "hi")
        self.assertBlocked(message, "sms_dnc", "do-not-text")
        # Another record holding the same number is blocked too.
        twin = self.env["res.partner"].create(
            {"name": "Twin", "phone": "+32 470 12 34 56"}
        )
        message = self.send_to_partner(twin, "hi twin")
        self.assertBlocked(message, "sms_dnc")

    @users("sms_user")
    def test_auto_blocked_number(self):
        facts = self.env["sms.number"].sudo()._gateway_get(["+32470123456"])
        facts.blocked = True
        message = self.send_to_partner(self.partner, "hi")
        self.assertBlocked(message, "sms_blocked", "carrier failures")

    @users("sms_user")
    def test_landline_lookup_at_first_send(self):
        self.company.sudo().sms_lookup_policy = "first_send"
        self.sim.set_line_type("+3222222222", "landline")
        landline = self.env["res.partner"].create(
            {"name": "Office", "phone": "+3222222222"}
        )
        message = self.send_to_partner(landline, "hi")
        self.assertBlocked(message, "sms_landline", "landline")
        self.assertEqual(self.sim.lookup_count("+3222222222"), 1)
        # Cached: the second send does not look up again.
        self.send_to_partner(landline, "hi again")
        self.assertEqual(self.sim.lookup_count("+3222222222"), 1)

    @users("sms_user")
    def test_too_long(self):
        message = self.send_to_partner(self.partner, "x" * 1601)
        self.assertBlocked(message, "sms_too_long", "the limit is 10 segments")
        self.company.sudo().sms_max_segments = 2
        message = self.send_to_partner(self.partner, "y" * 307)  # 3 segments
        self.assertBlocked(message, "sms_too_long")

    @users("sms_user")
    def test_duplicate_double_click(self):
        first = self.send_to_partner(self.partner, "Same text")
        second = self.send_to_partner(self.partner, "Same text")
        self.assertEqual(len(self.sim_messages()), 1, "a double click sends once")
        self.assertEqual(first.notification_ids.notification_status, "pending")
        self.assertEqual(second.notification_ids.failure_type, "sms_duplicate")
        self.send_to_partner(self.partner, "Other text")
        self.assertEqual(len(self.sim_messages()), 2)

    @users("sms_user")
    def test_rate_limit(self):
        for i in range(10):
            self.send_to_partner(self.partner, f"message {i}")
        self.assertEqual(len(self.sim_messages()), 10)
        message = self.send_to_partner(self.partner, "one too many")
        self.assertEqual(len(self.sim_messages()), 10)
        notif = message.notification_ids
        self.assertEqual(notif.failure_type, "sms_rate_limit")
        self.assertEqual(
            notif.failure_reason,
            "Rate limit: 10 messages per minute. Try again shortly.",
        )
        # Another user is not limited by Sam's sends.
        self.send_to_partner(self.partner, "from admin", user=self.user_manager)
        self.assertEqual(len(self.sim_messages()), 11)

    @users("sms_user")
    def test_quota_and_overage_cap(self):
        self.company.sudo().write(
            {"sms_monthly_quota": 2, "sms_overage_price": 0.01, "sms_overage_cap": 0.01}
        )
        for i in range(3):  # 2 included + 1 overage segment (0.01)
            self.send_to_partner(self.partner, f"quota {i}")
        self.assertEqual(len(self.sim_messages()), 3)
        message = self.send_to_partner(self.partner, "over the cap")
        self.assertEqual(len(self.sim_messages()), 3)
        self.assertEqual(message.notification_ids.failure_type, "sms_quota")
        usage = self.env["sms.usage"]._gateway_current(self.company)
        self.assertEqual((usage.segments, usage.overage_segments), (3, 1))
        self.assertAlmostEqual(usage.overage_cost, 0.01)

    @users("sms_user")
    def test_blocked_log_has_reason(self):
        self.env["phone.blacklist"].sudo().add("+32470123456")
        self.send_to_partner(self.partner, "hi")
        log = self.last_log("+32470123456")
        self.assertEqual((log.status, log.failure_type), ("blocked", "sms_blacklist"))
        self.assertIn("opted out", log.error_reason)


@tagged("post_install", "-at_install")
class TestGatewayPaths(GatewayCase):
    """Every sending path passes the gateway (blacklisted number never sent)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.blocked = cls.env["res.partner"].create(
            {"name": "Opted Out", "phone": "+32470999888"}
        )
        cls.env["phone.blacklist"].sudo().add("+32470999888")

    def assertOnlyOk(self):
        numbers = [m["to"] for m in self.sim_messages()]
        self.assertNotIn("+32470999888", numbers)
        self.assertIn("+32470123456", numbers)

    @users("sms_user")
    def test_composer_numbers_mode(self):
        self.env["sms.composer"].create(
            {
                "body": "numbers mode",
                "composition_mode": "numbers",
                "numbers": "+32470123456,+32470999888",
            }
        )._action_send_sms()
        self.commit()
        self.assertOnlyOk()

    @users("sms_user")
    def test_composer_mass_mode(self):
        self.env["sms.composer"].create(
            {
                "body": "mass mode",
                "composition_mode": "mass",
                "mass_force_send": True,
                "use_exclusion_list": False,  # Odoo's own check off: ours still holds
                "res_model": "res.partner",
                "res_ids": (self.partner | self.blocked).ids,
            }
        )._action_send_sms()
        self.commit()
        self.assertOnlyOk()

    @users("sms_user")
    def test_message_sms_api(self):
        for partner in self.partner | self.blocked:
            partner._message_sms("chatter api " + partner.name)
        self.commit()
        self.assertOnlyOk()

    @users("sms_user")
    def test_template(self):
        template = (
            self.env["sms.template"]
            .sudo()
            .create(
                {
                    "name": "Greeting",
                    "model_id": self.env.ref("base.model_res_partner").id,
                    "body": "Hello {{ object.name }}",
                }
            )
        )
        for partner in self.partner | self.blocked:
            partner._message_sms_with_template(template=template)
        self.commit()
        self.assertOnlyOk()
        self.assertEqual(self.sim_messages()[0]["body"], "Hello Paula Partner")

    def test_automated_action_and_queue_cron(self):
        template = self.env["sms.template"].create(
            {
                "name": "Auto",
                "model_id": self.env.ref("base.model_res_partner").id,
                "body": "Automated hello",
            }
        )
        action = self.env["ir.actions.server"].create(
            {
                "name": "Text partners",
                "model_id": self.env.ref("base.model_res_partner").id,
                "state": "sms",
                "sms_template_id": template.id,
                "sms_method": "sms",
            }
        )
        action.with_context(
            active_model="res.partner", active_ids=(self.partner | self.blocked).ids
        ).run()
        # Automated SMS are queued: the cron sends them through the gateway.
        self.run_queue()
        self.assertOnlyOk()

    def test_mass_mailing(self):
        mlist = self.env["mailing.list"].create(
            {
                "name": "Customers",
                "contact_ids": [
                    (0, 0, {"name": "Ok", "mobile": "+32470123456"}),
                    (0, 0, {"name": "Out", "mobile": "+32470999888"}),
                ],
            }
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "name": "Promo",
                "subject": "Promo",
                "mailing_type": "sms",
                "body_plaintext": "Promo!",
                "mailing_model_id": self.env.ref("mass_mailing.model_mailing_list").id,
                "contact_list_ids": [(6, 0, mlist.ids)],
                "sms_allow_unsubscribe": False,
                "use_exclusion_list": False,  # Odoo's own check off: ours still holds
            }
        )
        mailing.action_send_sms()
        self.run_queue()
        self.assertOnlyOk()
        self.assertEqual(
            self.last_log("+32470123456").mailing_id,
            mailing,
            "the log keeps the mailing",
        )


@tagged("post_install", "-at_install")
class TestGatewaySending(GatewayCase):
    @users("sms_user")
    def test_twilio_error_21610_blacklists(self):
        partner = self.env["res.partner"].create(
            {"name": "Magic", "phone": "+15005550004"}
        )
        message = self.send_to_partner(partner, "hi")
        notif = message.notification_ids
        self.assertEqual(notif.failure_type, "sms_blacklist")
        self.assertTrue(
            self.env["phone.blacklist"].sudo().search([("number", "=", "+15005550004")])
        )
        log = self.last_log("+15005550004")
        self.assertEqual((log.status, log.error_code), ("failed", 21610))
        # Quota given back: the SMS never reached a handset.
        usage = self.env["sms.usage"]._gateway_current(self.company)
        self.assertEqual(usage.segments, 0)

    @users("sms_user")
    def test_twilio_error_21614_counts_carrier_failure(self):
        partner = self.env["res.partner"].create(
            {"name": "Fixed", "phone": "+15005550009"}
        )
        message = self.send_to_partner(partner, "hi")
        self.assertEqual(message.notification_ids.failure_type, "sms_landline")
        facts = self.env["sms.number"].sudo().search([("number", "=", "+15005550009")])
        self.assertEqual(facts.consecutive_failures, 1)

    @users("sms_user")
    def test_retry_429_is_bounded(self):
        self.sim.add_fault("429", count=100, scope="messages")
        message = self.send_to_partner(self.partner, "busy")
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertEqual(sms.state, "outgoing", "429: requeued, not failed")
        self.assertEqual(sms.gateway_attempts, 1)
        self.assertTrue(sms.gateway_not_before > datetime.now())
        for _attempt in range(10):
            due = sms.gateway_not_before
            self.assertWoken(due)
            with freeze_time(due - timedelta(seconds=1)):
                self.run_queue()
            self.assertEqual(sms.state, "outgoing", "never before its time")
            with freeze_time(due):
                self.run_queue()
            if sms.state != "outgoing":
                break
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_server")
        self.assertEqual(sms.gateway_attempts, 4, "5 tries in all, then error")
        requests = [r for r in self.sim.requests if "Messages.json" in r["path"]]
        self.assertEqual(len(requests), 5)

    @users("sms_user")
    def test_dropped_connection_is_never_resent(self):
        self.sim.add_fault("drop", count=1, scope="messages")
        message = self.send_to_partner(self.partner, "lost answer")
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_review"))
        self.assertIn("may or may not", message.notification_ids.failure_reason)
        # Neither the queue, nor Odoo's "Resend", nor its "Retry" (back to the
        # queue cron).
        sms.send()
        self.commit()
        sms.resend_failed()
        self.commit()
        sms.action_set_outgoing()
        self.run_queue()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_review"))
        self.assertEqual(
            len([r for r in self.sim.requests if "Messages.json" in r["path"]]), 1
        )

    def test_crash_after_hand_off_is_flagged_not_resent(self):
        """A claimed, handed SMS whose answer was lost is never sent again."""
        message = self.partner._message_sms("before crash", put_in_queue=True)
        sms = self.env["sms.sms"].search([("mail_message_id", "=", message.id)])
        # Steps 1-2 happened, then the worker died before Twilio answered.
        company = self.company
        verdicts = self.env["sms.gateway"]._decide(company, sms._gateway_requests())
        self.env["sms.usage"]._gateway_reserve(company, [1])
        sms._gateway_claim(company, verdicts, True)
        sms.gateway_log_id.handed = True
        self.env.cr.postcommit.clear()  # the worker died: its dispatch never ran
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sms_sms SET write_date = now() - interval '1 hour' WHERE id = %s",
            [sms.id],
        )
        sms.invalidate_recordset()
        self.run_queue()  # the queue cron also recovers
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_review"))
        self.assertEqual(sms.gateway_log_id.status, "review")
        self.assertEqual(self.sim_messages(), [])
        sms.send()
        self.commit()
        self.assertEqual(self.sim_messages(), [])

    def test_crash_before_hand_off_is_requeued(self):
        message = self.partner._message_sms("claimed only", put_in_queue=True)
        sms = self.env["sms.sms"].search([("mail_message_id", "=", message.id)])
        verdicts = self.env["sms.gateway"]._decide(
            self.company, sms._gateway_requests()
        )
        self.env["sms.usage"]._gateway_reserve(self.company, [1])
        sms._gateway_claim(self.company, verdicts, True)
        self.env.cr.postcommit.clear()  # the worker died before dispatching
        self.assertWoken(datetime.now() + timedelta(minutes=11), "recovery is due")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sms_sms SET write_date = now() - interval '1 hour' WHERE id = %s",
            [sms.id],
        )
        sms.invalidate_recordset()
        self.env["sms.sms"]._gateway_recover()
        self.assertEqual(sms.state, "outgoing")
        usage = self.env["sms.usage"]._gateway_current(self.company)
        self.assertEqual(usage.segments, 0, "the reservation is released")
        self.run_queue()
        self.assertEqual(len(self.sim_messages()), 1)

    @users("sms_user")
    def test_sender_choice(self):
        us = self.env["res.partner"].create({"name": "US", "phone": "+12202154155"})
        self.send_to_partner(us, "to the US")
        self.assertEqual(self.sim_messages()[-1]["from"], US_SENDER)
        # alphanumeric where allowed (France), never for +1
        self.company.sudo().sms_alphanumeric_sender = "ACME"
        fr = self.env["res.partner"].create({"name": "FR", "phone": "+33612345679"})
        self.send_to_partner(fr, "to France")
        self.assertEqual(self.sim_messages()[-1]["from"], "ACME")
        self.send_to_partner(us, "to the US again")
        self.assertEqual(self.sim_messages()[-1]["from"], US_SENDER)
        # Messaging Service before numbers
        self.company.sudo().sms_twilio_messaging_service_sid = "MG" + "b" * 32
        self.send_to_partner(self.partner, "via service")
        self.assertEqual(
            self.sim_messages()[-1]["messaging_service_sid"], "MG" + "b" * 32
        )
        # a dedicated number first of all
        self.company.sudo().sms_twilio_number_ids[0].user_id = self.user_sms
        self.send_to_partner(us, "dedicated")
        self.assertEqual(self.sim_messages()[-1]["from"], BE_SENDER)

    def test_quiet_hours_defer_marketing(self):
        self.company.write(
            {
                "sms_quiet_hours_enabled": True,
                "sms_quiet_start": 9.0,
                "sms_quiet_end": 20.0,
            }
        )
        self.partner.tz = "Europe/Brussels"
        # 22:30 in Brussels (CET = UTC+1): deferred to 09:00 next day = 08:00 UTC
        with freeze_time("2026-01-15 21:30:00"):
            # Created by the superuser (an automated action, a cron): automated.
            self.partner._message_sms("reminder", put_in_queue=True)
            sms = self.env["sms.sms"].search([("body", "=", "reminder")])
            self.assertEqual(sms.gateway_kind, "automated")
            self.run_queue()
            self.assertEqual(sms.state, "outgoing", "deferred, never failed")
            self.assertEqual(sms.gateway_not_before, datetime(2026, 1, 16, 8, 0))
            self.assertEqual(self.sim_messages(), [])
        self.assertWoken(datetime(2026, 1, 16, 8, 0))
        with freeze_time("2026-01-16 07:59:59"):
            self.run_queue()
            self.assertEqual(self.sim_messages(), [], "never before its time")
        with freeze_time("2026-01-16 08:00:00"):
            self.run_queue()
            self.assertEqual(len(self.sim_messages()), 1)


@tagged("post_install", "-at_install")
class TestGatewayMore(GatewayCase):
    def test_months_roll_over(self):
        self.company.write({"sms_monthly_quota": 1, "sms_overage_cap": 0.0})
        with freeze_time("2026-03-31 12:00:00"):
            self.partner._message_sms("march")
            self.commit()
            blocked = self.partner._message_sms("march again")
            self.assertEqual(blocked.notification_ids.failure_type, "sms_quota")
        with freeze_time("2026-04-01 12:00:00"):
            message = self.partner._message_sms("april")
            self.commit()
            self.assertEqual(message.notification_ids.notification_status, "pending")
        usages = self.env["sms.usage"].search(
            [
                ("company_id", "=", self.company.id),
                ("month", "in", ["2026-03-01", "2026-04-01"]),
            ]
        )
        self.assertEqual(
            sorted((str(u.month), u.segments) for u in usages),
            [("2026-03-01", 1), ("2026-04-01", 1)],
        )

    def test_wrong_credentials(self):
        self.company.sms_twilio_auth_token = "not-the-token"
        message = self.partner._message_sms("hi")
        self.commit()
        self.assertEqual(message.notification_ids.failure_type, "twilio_authentication")
        self.assertIn("Auth Token", message.notification_ids.failure_reason)
        self.assertEqual(self.sim_messages(), [])

    def test_smart_encoding_sends_what_it_counts(self):
        self.company.sms_smart_encoding = True
        self.partner._message_sms("It\u2019s \u201cdone\u201d \u2014 see you\u2026")
        self.commit()
        sent = self.sim_messages()[0]
        self.assertEqual(sent["body"], 'It\'s "done" - see you...')
        log = self.last_log("+32470123456")
        self.assertEqual((log.encoding, log.segments), ("GSM-7", 1))

    def test_calendar_reminders(self):
        if "calendar.event" not in self.env or not hasattr(
            self.env["calendar.event"], "_do_sms_reminder"
        ):
            self.skipTest("calendar_sms is not installed (make test installs it)")
        blocked = self.env["res.partner"].create(
            {"name": "Out", "phone": "+32470999888"}
        )
        self.env["phone.blacklist"].add("+32470999888")
        alarm = self.env["calendar.alarm"].create(
            {"name": "SMS 1h", "alarm_type": "sms", "duration": 1, "interval": "hours"}
        )
        event = self.env["calendar.event"].create(
            {
                "name": "Dentist",
                "start": datetime(2030, 1, 1, 10, 0),
                "stop": datetime(2030, 1, 1, 11, 0),
                "partner_ids": [(6, 0, (self.partner | blocked).ids)],
                "alarm_ids": [(6, 0, alarm.ids)],
            }
        )
        event._do_sms_reminder(alarm)
        self.commit()  # the reminder cron's commit dispatches what it sent
        self.run_queue()
        numbers = [m["to"] for m in self.sim_messages()]
        self.assertIn("+32470123456", numbers)
        self.assertNotIn("+32470999888", numbers)

    def _bulk_send(self, body):
        partners = (
            self.env["res.partner"]
            .sudo()
            .create(
                [{"name": f"Bulk {i}", "phone": f"+3247055{i:04d}"} for i in range(12)]
            )
        )
        self.env["sms.composer"].create(
            {
                "body": body,
                "composition_mode": "mass",
                "mass_force_send": True,
                "res_model": "res.partner",
                "res_ids": partners.ids,
            }
        )._action_send_sms()
        self.commit()
        return self.env["sms.sms"].sudo().search([("body", "=", body)])

    @users("sms_marketing")
    def test_mass_composer_by_marketing_is_bulk_not_rate_limited(self):
        sms = self._bulk_send("bulk")
        self.assertEqual(set(sms.mapped("gateway_kind")), {"marketing"})
        self.assertEqual(len(self.sim_messages()), 12)

    @users("sms_user")
    def test_mass_composer_by_an_employee_is_rate_limited(self):
        """A plain employee's bulk send is them texting: 10 a minute."""
        sms = self._bulk_send("bulk by hand")
        self.assertEqual(set(sms.mapped("gateway_kind")), {"interactive"})
        self.assertEqual(len(self.sim_messages()), 10)
        refused = sms.filtered(lambda s: s.failure_type == "sms_rate_limit")
        self.assertEqual(len(refused), 2)

    @users("sms_user")
    def test_kind_is_not_taken_from_the_client_context(self):
        """A client cannot skip the rate limit by calling itself marketing."""
        partner = self.env["res.partner"].browse(self.partner.id)
        message = partner.with_context(sms_gateway_kind="marketing")._message_sms("x")
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertEqual(sms.gateway_kind, "interactive")

    def test_every_failure_type_is_known_where_it_lands(self):
        """Any failure the gateway or Twilio's table may set can be stored on
        the SMS, its chatter notification and its mailing trace."""
        from ..models.failure_types import GATEWAY_FAILURE_TYPES
        from ..tools.twilio_errors import ERRORS, describe, describe_http_status

        keys = {key for key, _label in GATEWAY_FAILURE_TYPES}
        keys |= {error.failure_type for error in ERRORS.values()}
        keys |= {describe(None).failure_type, describe_http_status(503).failure_type}
        keys |= {"sms_number_missing", "sms_number_format", "sms_blacklist"}
        keys |= {"sms_duplicate"}
        for model in ("sms.sms", "mail.notification", "mailing.trace"):
            with self.subTest(model=model):
                known = set(dict(self.env[model]._fields["failure_type"].selection))
                self.assertEqual(keys - known, set())
