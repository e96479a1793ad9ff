# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Conversations: unknown senders, the consent record, company isolation."""

from itertools import count

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import BE_SENDER, GatewayCase

PAULA = "+32470123456"
_SIDS = count(1)


@tagged("post_install", "-at_install")
class TestInbox(GatewayCase):
    def receive(self, body, number=PAULA, company=None, media=()):
        """What the inbound webhook hands over once Twilio's signature is checked."""
        sid = f"SM{next(_SIDS):032x}"
        return (
            self.env["sms.inbound"]
            .sudo()
            ._receive(
                company or self.company, sid, number, BE_SENDER, body, list(media)
            )
        )

    def thread(self, number=PAULA, company=None):
        return self.env["sms.thread"].search(
            [("number", "=", number), ("company_id", "=", (company or self.company).id)]
        )

    def inbox(self, user, company=None):
        return (
            self.env["sms.inbox"].with_user(user).with_company(company or self.company)
        )

    def test_unknown_sender_routing(self):
        channel = self.env["discuss.channel"].create(
            {"name": "SMS desk", "channel_type": "channel"}
        )
        self.company.write(
            {
                "sms_inbox_user_ids": [Command.set(self.user_sms.ids)],
                "sms_inbox_channel_id": channel.id,
            }
        )
        self.receive("Hi, is the shop open today?", "+32470999111")
        self.assertFalse(
            self.env["res.partner"].search([("phone_sanitized", "=", "+32470999111")]),
            "no contact until someone links one",
        )
        thread = self.thread("+32470999111")
        self.assertTrue(thread.unknown)
        self.assertEqual(thread.unread_count, 1)
        message = thread.message_ids[:1]
        self.assertIn("shop open today", message.body)
        self.assertEqual(message.sms_gateway_number, "+32470999111")
        notified = self.env["mail.notification"].search(
            [("mail_message_id", "=", message.id), ("notification_type", "=", "inbox")]
        )
        self.assertEqual(notified.res_partner_id, self.user_sms.partner_id)
        self.assertIn("+32470999111", channel.message_ids[0].body)
        # Outside the team, the unknown number's thread is not shown, nor
        # readable otherwise, nor its texts.
        outsider = self.inbox(self.user_marketing).get_threads()
        self.assertNotIn(thread.id, [t["id"] for t in outsider])
        Thread = self.env["sms.thread"].with_user(self.user_marketing)
        self.assertFalse(Thread.search([("id", "=", thread.id)]))
        with self.assertRaises(AccessError):
            message.with_user(self.user_marketing).read(["body"])
        listed = self.inbox(self.user_sms).get_threads()
        self.assertEqual(
            [
                (t["name"], t["unknown"], t["unread"])
                for t in listed
                if t["id"] == thread.id
            ],
            [("+32470999111", True, 1)],
        )
        # The team member creates the contact from the thread.
        data = self.inbox(self.user_sms).link_partner(thread.id, name="Walter Wide")
        self.assertEqual(data["thread"]["name"], "Walter Wide")
        self.assertFalse(data["thread"]["unknown"])
        walter = thread.partner_id
        self.assertEqual(walter.phone_sanitized, "+32470999111")
        self.receive("Thanks!", "+32470999111")
        self.assertIn("Thanks!", walter.message_ids[0].body, "now in his chatter")
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("phone_sanitized", "=", "+32470999111")]
            ),
            1,
        )

    def test_consent_record(self):
        self.receive("STOP")
        self.receive("START")
        # Twilio refuses a number that opted out with them (error 21610).
        self.send_to_partner(self.partner, "Your order is ready")
        uuid = self.last_log(PAULA).sms_uuid
        self.env["sms.status.callback"].sudo()._receive(
            uuid, "failed", error_code="21610", error_message="Unsubscribed recipient"
        )
        # A manager opts the number back in, with a reason.
        self.env["phone.blacklist.remove"].with_user(self.user_manager).create(
            {"phone": PAULA, "reason": "Asked again by phone"}
        ).action_unblacklist_apply()
        # An imported opt-out list.
        self.env["phone.blacklist"].with_user(self.user_manager).with_context(
            import_file=True
        ).load(["number"], [[PAULA]])
        consents = self.env["sms.consent"].search([("number", "=", PAULA)], order="id")
        self.assertEqual(
            [(c.kind, c.source, c.user_id, c.reason, c.text) for c in consents],
            [
                ("opt_out", "keyword", self.env["res.users"], False, "STOP"),
                ("opt_in", "keyword", self.env["res.users"], False, "START"),
                ("opt_out", "twilio_21610", self.env["res.users"], False, False),
                ("opt_in", "user", self.user_manager, "Asked again by phone", False),
                ("opt_out", "import", self.user_manager, False, False),
            ],
        )
        self.assertEqual(consents.partner_id, self.partner)
        # Visible on the contact, to an employee.
        self.assertEqual(
            self.partner.with_user(self.user_sms).sms_consent_ids.ids,
            consents.sorted(lambda c: (c.date, c.id), reverse=True).ids,
        )
        # The keywords left a line in the contact's chatter.
        bodies = " ".join(self.partner.message_ids.mapped("body"))
        self.assertIn("SMS received: “STOP”. The number opted out of SMS.", bodies)
        self.assertIn("Answered: “You are unsubscribed", bodies)
        self.assertIn("SMS received: “START”. The number opted back in", bodies)
        # Exportable (the list's Export, as CSV).
        rows = consents.with_user(self.user_manager).export_data(
            ["date", "number", "kind", "source", "user_id/name", "reason", "text"]
        )["datas"]
        self.assertEqual(len(rows), 5)
        self.assertEqual(
            rows[3][2:6], ["Opted in", "A user", "Max Manager", "Asked again by phone"]
        )

    def test_multi_company_isolation(self):
        other = self.env["res.company"].create({"name": "Other SMS Co"})
        self.user_manager.company_ids |= other
        logs = self.env["sms.log"].sudo()
        logs.create(
            {
                "number": PAULA,
                "body": "From main",
                "company_id": self.company.id,
                "status": "delivered",
                "partner_id": self.partner.id,
            }
        )
        logs.create(
            {
                "number": PAULA,
                "body": "From other",
                "company_id": other.id,
                "status": "delivered",
            }
        )
        mine, theirs = self.thread(), self.thread(company=other)
        self.assertTrue(mine and theirs and mine != theirs)
        # A manager of both companies sees the active company's numbers only.
        inbox = self.inbox(self.user_manager)
        listed = [t["id"] for t in inbox.get_threads()]
        self.assertIn(mine.id, listed)
        self.assertNotIn(theirs.id, listed)
        self.assertFalse(
            self.env["sms.thread"]
            .browse(listed)
            .filtered(lambda t: t.company_id != self.company)
        )
        self.assertEqual(inbox.get_threads(search="From other"), [])
        opened = inbox.get_thread(mine.id)
        self.assertEqual([m["body"] for m in opened["messages"]], ["From main"])
        # An employee of the main company cannot open the other's thread.
        with self.assertRaises(AccessError):
            self.inbox(self.user_sms).get_thread(theirs.id)
        with self.assertRaises(AccessError):
            self.inbox(self.user_sms).send(theirs.id, "Hello")
        # A reply in the other company lands in its own thread only.
        self.receive("Hello other", company=other)
        self.assertEqual((theirs.unread_count, mine.unread_count), (1, 0))

    def test_send_from_thread_through_the_gateway(self):
        self.env["phone.blacklist"].sudo().add("+32470555002")
        thread_id = self.inbox(self.user_sms).start("res.partner", self.partner.id)
        preview = self.inbox(self.user_sms).preview(thread_id, "Ready 😀")
        self.assertEqual(
            (preview["characters"], preview["segments"], preview["encoding"]),
            (7, 1, "UCS-2"),
        )
        data = self.inbox(self.user_sms).send(thread_id, "Your order is ready")
        self.commit()
        self.assertEqual(
            [(m["to"], m["body"]) for m in self.sim_messages()],
            [(PAULA, "Your order is ready")],
        )
        self.assertEqual(data["messages"][-1]["body"], "Your order is ready")
        log = self.last_log(PAULA)
        self.assertEqual(
            (log.user_id, log.res_model, log.res_id),
            (self.user_sms, "res.partner", self.partner.id),
        )
        # The opted-out: left out of new conversations, and a notice.
        olaf = self.env["res.partner"].create(
            {"name": "Paulo Stopped", "phone": "+32470555002"}
        )
        found = self.inbox(self.user_sms).search_people("Pa")
        self.assertIn(self.partner.id, [p["id"] for p in found["people"]])
        self.assertNotIn(olaf.id, [p["id"] for p in found["people"]])
        self.assertTrue(found["left_out"])
        self.assertEqual(self.inbox(self.user_sms).search_people("P")["people"], [])
        state = self.inbox(self.user_sms).get_thread(
            self.inbox(self.user_sms).start("res.partner", olaf.id)
        )["state"]
        self.assertEqual(
            (state["can_send"], state["notice"]),
            (
                False,
                "This contact has opted out of SMS. You can't send messages until "
                "they text START to opt back in.",
            ),
        )

    def test_employee_sees_threads_of_records_they_may_read(self):
        other = self.env["res.company"].create({"name": "Hidden Co"})
        hidden = self.env["res.partner"].create(
            {"name": "Hidden Hugo", "phone": "+32470444555", "company_id": other.id}
        )
        self.env["sms.log"].sudo().create(
            {
                "number": "+32470444555",
                "body": "Private",
                "company_id": self.company.id,
                "status": "delivered",
                "partner_id": hidden.id,
                "res_model": "res.partner",
                "res_id": hidden.id,
            }
        )
        thread = self.thread("+32470444555")
        employee = self.inbox(self.user_sms)
        self.assertNotIn(thread.id, [t["id"] for t in employee.get_threads()])
        with self.assertRaises(AccessError):
            employee.get_thread(thread.id)
        self.assertFalse(employee.find_thread("+32470444555"))
        manager = self.inbox(self.user_manager)
        self.assertIn(thread.id, [t["id"] for t in manager.get_threads()])
        self.assertEqual(manager.find_thread("+32470444555"), thread.id)

    def test_unknown_number_linked_to_an_existing_contact(self):
        self.receive("It's Paula, from my work phone", "+32470888999")
        thread = self.thread("+32470888999")
        self.assertTrue(thread.unknown)
        data = self.inbox(self.user_sms).link_partner(
            thread.id, partner_id=self.partner.id
        )
        self.assertEqual(
            (data["thread"]["name"], data["thread"]["unknown"]),
            ("Paula Partner", False),
        )
        self.receive("Call me on this one", "+32470888999")
        self.assertIn("Call me on this one", self.partner.message_ids[0].body)
        self.assertFalse(
            self.env["res.partner"].search([("phone_sanitized", "=", "+32470888999")])
        )

    def test_conversation_with_a_mailing_contact(self):
        contact = self.env["mailing.contact"].create(
            {"name": "Zelda Zimmer", "mobile": "+32470666777"}
        )
        inbox = self.inbox(self.user_marketing)
        found = inbox.search_people("Zelda")
        self.assertEqual(
            [(p["model"], p["id"]) for p in found["people"]],
            [("mailing.contact", contact.id)],
        )
        thread_id = inbox.start("mailing.contact", contact.id)
        data = inbox.send(thread_id, "Your table is booked")
        self.commit()
        self.assertEqual(data["thread"]["name"], "Zelda Zimmer")
        self.assertEqual(
            [m["body"] for m in self.sim_messages(to="+32470666777")],
            ["Your table is booked"],
        )
        self.receive("Thanks!", "+32470666777")
        self.assertIn("Thanks!", contact.message_ids[0].body, "back on her record")
        listed = {t["id"]: t["name"] for t in inbox.get_threads()}
        self.assertEqual(listed[thread_id], "Zelda Zimmer")

    def test_search_media_help_and_number_notices(self):
        self.receive(
            "Photo of the dent\nsecond line",
            media=[("https://media.example.com/dent.jpg", "image/jpeg")],
        )
        inbox = self.inbox(self.user_sms)
        thread = self.thread()
        for term in ("Paula", "470 12 34", "the dent"):
            with self.subTest(term=term):
                self.assertIn(thread.id, [t["id"] for t in inbox.get_threads(term)])
        self.assertFalse(inbox.get_threads("Nobody like this"))
        listed = next(t for t in inbox.get_threads() if t["id"] == thread.id)
        self.assertEqual(listed["last_body"], "Photo of the dent", "first line only")
        message = inbox.get_thread(thread.id)["messages"][-1]
        self.assertEqual(message["media"], ["https://media.example.com/dent.jpg"])
        # HELP is answered and leaves a line too.
        self.assertIn("<Message>", self.receive("HELP"))
        self.assertIn(
            "(a request for help)", " ".join(self.partner.message_ids.mapped("body"))
        )
        # Do-not-text and auto-blocked numbers: the gateway's reason instead.
        self.partner.sms_dnc = True
        state = inbox.get_thread(thread.id)["state"]
        self.assertEqual((state["can_send"], state["notice_kind"]), (False, "sms_dnc"))
        self.partner.sms_dnc = False
        self.env["sms.number"]._gateway_get([PAULA]).blocked = True
        state = inbox.get_thread(thread.id)["state"]
        self.assertEqual(
            (state["can_send"], state["notice_kind"]), (False, "sms_blocked")
        )
        self.assertIn("blocked", state["notice"])
