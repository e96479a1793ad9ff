# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How the gateway scales: the work is counted, not timed (speed is measured
in ``make bench``). Per batch, not per SMS; each number read once; a
callback that changes nothing writes nothing; drainers never share a batch.
"""

import threading
import time
from datetime import timedelta
from unittest.mock import patch

import phonenumbers
from freezegun import freeze_time

from odoo import api, fields, sql_db
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from ..models import sms_gateway_transport
from ..models.sms_sms import DEFAULT_BATCH_SIZE
from ..tools import phone_numbers
from .common import BE_SENDER, GatewayCase, GatewayHttpCase


def _mailing(env, name, contacts, body="Hello"):
    mlist = env["mailing.list"].create(
        {"name": name, "contact_ids": [(0, 0, vals) for vals in contacts]}
    )
    return env["mailing.mailing"].create(
        {
            "name": name,
            "subject": name,
            "mailing_type": "sms",
            "body_plaintext": body,
            "mailing_model_id": env.ref("mass_mailing.model_mailing_list").id,
            "contact_list_ids": [(6, 0, mlist.ids)],
            "sms_allow_unsubscribe": False,
        }
    )


def _queue_mailing(case, name, numbers):
    """A mailing to these numbers, in their order (the mailing sends to
    contacts by name), put in the SMS queue by the mailing cron."""
    mailing = _mailing(
        case.env,
        name,
        [{"name": f"C{i:04d}", "mobile": n} for i, n in enumerate(numbers)],
    )
    mailing.action_put_in_queue()
    case.run_cron("mass_mailing.ir_cron_mass_mailing_queue")
    return mailing


@tagged("post_install", "-at_install")
class TestThroughput(GatewayCase):
    def _queue_mailing(self, count, prefix="+3247077"):
        numbers = [f"{prefix}{i:04d}" for i in range(count)]
        return _queue_mailing(self, f"Throughput {count}", numbers)

    def run_queue_failing(self, model, method):
        """The SMS queue cron, woken, with ``model.method`` raising."""
        error = RuntimeError(f"{method} failed")
        with (
            patch.object(type(self.env[model]), method, side_effect=error),
            mute_logger("odoo.addons.sms_twilio_gateway.models.sms_dispatch"),
        ):
            self.run_queue()

    def assertAnsweredStillDue(self, logs, numbers):
        """Each number sent once, every answer (SID) stored, and the numbers
        still due a lookup."""
        self.assertEqual(sorted(logs.mapped("number")), numbers)
        self.assertTrue(all(logs.mapped("twilio_sid")), "every answer stored")
        self.assertEqual(sorted(m["to"] for m in self.sim_messages()), numbers)
        due = self.env["sms.number"]._gateway_due(numbers, 0)
        self.assertEqual(due, numbers, "still due a lookup")

    def test_one_cron_run_drains_every_batch_and_recovers_once(self):
        self.env["ir.config_parameter"].set_param("sms_twilio_gateway.batch_size", 3)
        mailing = self._queue_mailing(8)
        sms_class = type(self.env["sms.sms"])
        with patch.object(sms_class, "_gateway_recover", autospec=True) as recover:
            self.run_queue()
        self.assertEqual(len(self.sim_messages()), 8, "three batches, one run")
        self.assertEqual(recover.call_count, 1, "recovery once a run, not a batch")
        mailing.invalidate_recordset()
        self.assertEqual(mailing.state, "done")

    def test_trackers_and_mailings_are_updated_once_per_batch(self):
        self.env["ir.config_parameter"].set_param("sms_twilio_gateway.batch_size", 50)
        self._queue_mailing(20)
        tracker_class = type(self.env["sms.tracker"])
        calls = []
        update = tracker_class._update_sms_mailings

        def count(trackers, trace_status, traces):
            calls.append((trace_status, len(traces)))
            return update(trackers, trace_status, traces)

        with patch.object(tracker_class, "_update_sms_mailings", count):
            self.run_queue()
        self.assertEqual(len(self.sim_messages()), 20)
        pending = [n for status, n in calls if status == "pending"]
        self.assertEqual(pending, [20], "Twilio's answers stored once, together")

    def test_a_sender_is_paced_to_its_throughput(self):
        """Never more than 10 minutes of a sender's traffic queued at Twilio:
        the rest waits, with its reason, and the cron wakes when it fits."""
        number = self.company.sms_twilio_number_ids.filtered(
            lambda n: n.number == BE_SENDER
        )
        number.sms_mps = 0.01  # 6 segments in 10 minutes
        mailing = self._queue_mailing(8)
        self.run_queue()
        self.assertEqual(len(self.sim_messages()), 6)
        waiting = self.env["sms.sms"].search(
            [("mailing_id", "=", mailing.id), ("state", "=", "outgoing")]
        )
        self.assertEqual(len(waiting), 2)
        self.assertIn("Paced", waiting[0].gateway_reason)
        due = waiting[0].gateway_not_before
        self.assertGreater(due, fields.Datetime.now())
        self.assertWoken(due)
        with freeze_time(fields.Datetime.now() + timedelta(minutes=11)):
            self.run_queue()
        self.assertEqual(len(self.sim_messages()), 8, "sent once room came back")
        senders = {message["from"] for message in self.sim_messages()}
        self.assertEqual(senders, {BE_SENDER})

    def test_first_send_lookups_run_beside_the_previous_batch(self):
        """Lookup "at first send": only a number of a landline range waits
        for its lookup; mobiles are looked up beside their sending, with the
        next batch's numbers; each number once; a landline never passes."""
        self.company.sms_lookup_policy = "first_send"
        self.env["ir.config_parameter"].set_param("sms_twilio_gateway.batch_size", 2)
        numbers = ["+3222550000", "+32470550001", "+32470550002", "+3222550003"]
        mailing = _queue_mailing(self, "Lookups", numbers)
        transport_class = type(self.env["sms.gateway.transport"])
        waited = []
        lookup_numbers = transport_class._lookup_numbers

        def watch(transport, company, to_look_up):
            waited.extend(to_look_up)
            return lookup_numbers(transport, company, to_look_up)

        with patch.object(transport_class, "_lookup_numbers", watch):
            self.run_queue()
        self.assertEqual(waited, numbers[:1], "only the landline range waits")
        self.assertEqual([self.sim.lookup_count(n) for n in numbers], [1, 1, 1, 1])
        self.assertEqual(self.sim.lookup_batches, [1, 3], "then beside the batch")
        self.assertEqual(
            sorted(m["to"] for m in self.sim_messages()), numbers[1:3], "no landline"
        )
        refused = self.env["sms.sms"].search(
            [("mailing_id", "=", mailing.id), ("failure_type", "=", "sms_landline")]
        )
        self.assertEqual(sorted(refused.mapped("number")), [numbers[0], numbers[3]])

    def test_picking_the_next_lookups_never_costs_the_answers(self):
        """Should picking the numbers to look up beside a batch fail once a
        chunk is handed over, the chunk leaves and its answers are stored all
        the same; its numbers are looked up at their next send."""
        self.company.sms_lookup_policy = "first_send"
        self.env["ir.config_parameter"].set_param("sms_twilio_gateway.batch_size", 2)
        numbers = [f"+3247056{i:04d}" for i in range(4)]
        mailing = _queue_mailing(self, "Picking", numbers)
        self.run_queue_failing("sms.dispatch", "_upcoming_numbers")
        logs = self.env["sms.log"].search([("mailing_id", "=", mailing.id)])
        self.assertAnsweredStillDue(logs, numbers)
        self.assertEqual(self.sim.lookup_request_count(), 0)

    def test_storing_the_lookups_never_costs_the_answers(self):
        """The lookups beside a batch are stored while its second chunk is in
        flight: should storing them fail, that chunk's answers are stored all
        the same, and the numbers are looked up again at their next send."""
        self.company.sms_lookup_policy = "first_send"
        self.env["ir.config_parameter"].set_param(
            "sms_twilio_gateway.requests_in_flight", 2
        )
        numbers = [f"+3247057{i:04d}" for i in range(4)]
        sms = self.env["sms.sms"].create(
            [{"number": number, "body": "Stored"} for number in numbers]
        )
        self.run_queue_failing("sms.number", "_gateway_store_lookups")
        self.assertEqual(self.sim.lookup_batches, [4], "looked up beside")
        self.assertAnsweredStillDue(sms.gateway_log_id, numbers)

    def test_a_crash_leaves_only_the_requests_in_flight_to_review(self):
        """A batch is handed over in chunks of the requests in flight: when
        the server dies mid-batch, only the chunk in flight is "to review";
        what was not handed yet is requeued and sent by the recovery."""
        params = self.env["ir.config_parameter"]
        params.set_param("sms_twilio_gateway.batch_size", 6)
        params.set_param("sms_twilio_gateway.requests_in_flight", 2)
        mailing = self._queue_mailing(6, prefix="+3247044")
        transport_class = type(self.env["sms.gateway.transport"])
        send = transport_class._send_messages
        calls = []

        def dies_at_the_second_chunk(transport, company, jobs, meanwhile=None):
            calls.append(len(jobs))
            if len(calls) == 2:
                raise RuntimeError("the server died")
            return send(transport, company, jobs, meanwhile)

        with (
            patch.object(transport_class, "_send_messages", dies_at_the_second_chunk),
            mute_logger("odoo.addons.sms_twilio_gateway.models.sms_dispatch"),
        ):
            self.run_queue()
        self.assertEqual(calls, [2, 2])
        self.assertEqual(len(self.sim_messages()), 2)
        # Eleven minutes later the recovery runs.
        sms = self.env["sms.sms"].search([("mailing_id", "=", mailing.id)])
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sms_sms SET write_date = now() - interval '1 hour' WHERE id IN %s",
            [tuple(sms.ids)],
        )
        self.env.invalidate_all()
        self.run_queue()
        reviewed = sms.exists().filtered(lambda s: s.failure_type == "sms_review")
        self.assertEqual(len(reviewed), 2, "only the chunk in flight")
        self.assertEqual(len(self.sim_messages()), 4, "the others requeued, sent")

    def test_batch_size_setting(self):
        self.env["ir.config_parameter"].set_param("sms_twilio_gateway.batch_size", 4)
        self._queue_mailing(10)
        batches = []
        dispatch_class = type(self.env["sms.dispatch"])
        dispatch = dispatch_class._dispatch

        def watch(model, sms, unlink_sent=True):
            batches.append(len(sms))
            return dispatch(model, sms, unlink_sent)

        with patch.object(dispatch_class, "_dispatch", watch):
            self.run_queue()
        self.assertEqual(batches, [4, 4, 2])
        self.env["ir.config_parameter"].set_param("sms_twilio_gateway.batch_size", "x")
        self.assertEqual(
            self.env["sms.sms"]._gateway_batch_size(), DEFAULT_BATCH_SIZE, "default"
        )

    def test_queue_drainers_setting_wakes_them_all(self):
        """Settings → Queue drainers: extra drainer crons are active, and
        every SMS queued or due later wakes each of them."""
        settings = self.env["res.config.settings"].with_user(self.user_manager)
        settings.create({"sms_gateway_drainers": 3}).execute()
        drainers = self.env["sms.gateway.drainers"]
        extra = drainers._extra_crons()
        self.assertEqual(len(extra), 2)
        triggers = self.env["ir.cron.trigger"].sudo()
        triggers.search([("cron_id", "in", extra.ids)]).unlink()
        self.partner._message_sms("queued", put_in_queue=True)
        self.assertEqual(
            set(triggers.search([("cron_id", "in", extra.ids)]).cron_id), set(extra)
        )
        settings.create({"sms_gateway_drainers": 9}).execute()
        self.assertEqual(len(drainers._extra_crons()), 3, "at most 4 in all")
        settings.create({"sms_gateway_drainers": 1}).execute()
        self.assertFalse(drainers._extra_crons())

    def test_requests_in_flight_setting(self):
        """At most the setting's requests run at once, and that many do."""
        params = self.env["ir.config_parameter"]
        params.set_param("sms_twilio_gateway.requests_in_flight", 3)
        transport = self.env["sms.gateway.transport"]
        self.assertEqual(transport._in_flight(), 3)
        running, peak, lock = [0], [0], threading.Lock()

        def call(job):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.02)
            with lock:
                running[0] -= 1
            return job

        results = sms_gateway_transport._in_parallel(
            call, {i: i for i in range(12)}, transport._in_flight()
        )
        self.assertEqual(results, {i: ("ok", i) for i in range(12)})
        self.assertEqual(peak[0], 3)
        params.set_param("sms_twilio_gateway.requests_in_flight", 500)
        self.assertEqual(transport._in_flight(), sms_gateway_transport.MAX_IN_FLIGHT)
        params.set_param("sms_twilio_gateway.requests_in_flight", "")
        self.assertEqual(
            transport._in_flight(), sms_gateway_transport.DEFAULT_IN_FLIGHT
        )

    def test_the_pool_holds_messages_and_lookups_in_flight(self):
        """Lookups of the next batch run beside its messages: a pool of only
        the requests in flight would open and drop connections."""
        params = self.env["ir.config_parameter"]
        params.set_param("sms_twilio_gateway.requests_in_flight", 20)
        client, error = self.env["sms.gateway.transport"]._client(self.company)
        self.assertIsNone(error)
        adapter = client.http_client.session.get_adapter("https://api.twilio.com/")
        self.assertEqual(adapter._pool_maxsize, 40)

    def test_a_preview_reads_each_number_once(self):
        """The confirmation of a list: each number parsed once; changing the
        text parses nothing again."""
        phone_numbers.check_number.cache_clear()
        mailing = _mailing(
            self.env,
            "Preview",
            [{"name": f"P{i}", "mobile": f"+3247088{i:04d}"} for i in range(40)],
        )
        # Odoo's own sanitized numbers, computed when contacts are created.
        mailing.contact_list_ids.contact_ids.mapped("phone_sanitized")
        self.env.flush_all()
        parse = phonenumbers.parse
        parsed = []

        def counting_parse(*args, **kwargs):
            parsed.append(args[0])
            return parse(*args, **kwargs)

        with patch.object(phonenumbers, "parse", counting_parse):
            first = mailing._gateway_sms_preview()
            self.assertEqual(first["sendable"], 40)
            self.assertLessEqual(len(parsed), 40, "each number once")
            parsed.clear()
            mailing.body_plaintext = "Another text, {{ object.name }}"
            second = mailing._gateway_sms_preview()
            self.assertEqual(second["sendable"], 40)
            self.assertEqual(parsed, [], "the text changed, not the numbers")


@tagged("post_install", "-at_install")
class TestCallbackWork(GatewayHttpCase):
    def test_a_callback_that_changes_nothing_writes_nothing(self):
        message = self.send_to_partner(self.partner, "callbacks")
        log = self.env["sms.log"].search([("mail_message_id", "=", message.id)])
        self.sim_advance(log.twilio_sid, steps=3)  # sending, sent, delivered
        log.invalidate_recordset()
        self.assertEqual(log.status, "delivered")
        self.assertEqual(message.notification_ids.notification_status, "sent")
        log_class = type(self.env["sms.log"])
        with patch.object(log_class, "write", autospec=True) as write:
            # Twilio retries a callback it thinks was lost; a late "sent".
            self.env["sms.status.callback"]._receive(log.sms_uuid, "delivered")
            self.env["sms.status.callback"]._receive(log.sms_uuid, "sent")
        write.assert_not_called()
        self.assertEqual(log.status, "delivered")

    def test_a_signed_callback_reads_what_it_changes_once(self):
        mailing = _queue_mailing(self, "One read", ["+32470880001"])
        self.run_queue()
        log = self.env["sms.log"].search([("mailing_id", "=", mailing.id)])
        self.sim_advance(log.twilio_sid)
        self.assertEqual(log.status, "sent")
        reads = []
        execute = sql_db.Cursor.execute

        def spy(cr, query, params=None, log_exceptions=True):
            text = getattr(query, "code", query)
            if text.lstrip().startswith(("SELECT", "WITH")) and any(
                f'"{table}"' in text or f" {table} " in text
                for table in (
                    "sms_log", "sms_sms", "sms_tracker", "mailing_trace",
                    "mailing_mailing", "mail_notification", "sms_number",
                )
            ):  # fmt: skip
                reads.append(text)
            return execute(cr, query, params, log_exceptions)

        with patch.object(sql_db.Cursor, "execute", spy):
            self.sim_advance(log.twilio_sid)  # delivered, signed, over HTTP

        self.assertEqual(len(reads), 1, "one lookup:\n" + "\n".join(reads))
        self.assertEqual(log.status, "delivered")
        self.assertEqual(mailing.mailing_trace_ids.trace_status, "sent")
        statuses = [c["status_code"] for c in self.sim.callback_log]
        self.assertEqual(statuses[-1], 200)


@tagged("post_install", "-at_install")
class TestTwoDrainers(BaseCase):
    """Two workers draining one queue, each in its own real transaction."""

    def setUp(self):
        super().setUp()
        self.db = sql_db.db_connect(get_db_name())
        with self.db.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            self.ids = (
                env["sms.sms"]
                .create(
                    [{"number": f"+3247066{i:04d}", "body": "drain"} for i in range(6)]
                )
                .ids
            )
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.db.cursor() as cr:
            cr.execute("DELETE FROM sms_sms WHERE id IN %s", [tuple(self.ids)])

    def test_drainers_take_different_batches(self):
        with self.db.cursor() as cr_a, self.db.cursor() as cr_b:
            sms_a = api.Environment(cr_a, api.SUPERUSER_ID, {})["sms.sms"]
            sms_b = api.Environment(cr_b, api.SUPERUSER_ID, {})["sms.sms"]
            domain = [("id", "in", self.ids)] + sms_a._gateway_due_domain()
            first = sms_a._gateway_lock_due(domain, 4)
            second = sms_b._gateway_lock_due(domain, 4)
            self.assertEqual(first.ids, self.ids[:4])
            self.assertEqual(second.ids, self.ids[4:], "the rows not held, at once")
            cr_a.rollback()
            cr_b.rollback()
